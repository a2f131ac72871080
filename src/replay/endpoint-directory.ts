/**
 * @module Where a log's endpoint texts lead: the pod references and addresses a bundle knows, and
 * the order replay resolves an endpoint in (name, owned address, labels, outside address). Kept
 * apart from replay.ts so that the flow-record readers can use it without the log readers.
 */
import type { Bundle } from '../model/bundle.js';
import type { AdHocPod, EndpointSpec } from '../model/flow.js';
import { EndpointResolver } from '../engine/endpoints.js';
import { DEFAULT_MAX_ENDPOINTS, detached } from '../flow/endpoint-table.js';
import { podAddressOwners } from '../model/pod-index.js';
import { formatIP, parseIP } from '../net/ip.js';

/**
 * Who a bundle knows, for the resolution order of local replay (see resolveEndpoint): the names
 * the engine's EndpointResolver resolves (pod references, unique workload names), and the
 * addresses exactly one pod owns (podAddressOwners, the definition the image's IP tables use).
 * Built from the bundle, or from its parts (replay --jobs's workers: the resolver the WASM engine
 * built from the image, and the owned addresses the main thread listed once), so that a worker
 * needs no bundle.
 */
export class EndpointDirectory {
  private readonly resolver: EndpointResolver;
  private readonly owned: ReadonlySet<string>;
  /**
   * Addresses as logs write them -> their canonical spec (one shared object per address, which
   * verdict reuse keys on) and whether one pod owns it; null for text that is no address. Bounded.
   */
  private readonly addresses = new Map<string, { readonly spec: EndpointSpec; readonly owned: boolean } | null>();

  constructor(source: Bundle | DirectoryParts) {
    if ('pods' in source) {
      this.resolver = new EndpointResolver(source.pods);
      this.owned = ownedAddresses(source);
    } else {
      this.resolver = source.resolver;
      this.owned = new Set(source.ownedIPs);
    }
  }

  /** The addresses exactly one pod owns (canonical text), to build a directory elsewhere. */
  ownedIPs(): string[] {
    return [...this.owned];
  }

  knowsRef(ref: string): boolean {
    return this.resolver.knows(ref);
  }

  ownsIP(ip: string): boolean {
    return this.owned.has(ip);
  }

  /** An address in any spelling, resolved once per distinct text: its canonical spec, and whether a pod owns it. */
  address(text: string): { readonly spec: EndpointSpec; readonly owned: boolean } | null {
    let known = this.addresses.get(text);
    if (known === undefined) {
      const ip = parseIP(text);
      const canonical = ip ? formatIP(ip) : undefined;
      known = canonical === undefined ? null : { spec: { kind: 'ip', ip: canonical }, owned: this.ownsIP(canonical) };
      if (this.addresses.size >= DEFAULT_MAX_ENDPOINTS) this.addresses.clear();
      this.addresses.set(detached(text), known);
    }
    return known;
  }
}

/** A directory without its bundle: a resolver over the bundle's pods (in bundle order), and what ownedIPs() listed. */
export interface DirectoryParts {
  readonly resolver: EndpointResolver;
  readonly ownedIPs: readonly string[];
}

/** The addresses exactly one of the bundle's pods owns. */
function ownedAddresses(bundle: Bundle): Set<string> {
  const owned = new Set<string>();
  for (const [ip, pods] of podAddressOwners(bundle.pods)) if (pods.length === 1) owned.add(ip);
  return owned;
}

/**
 * Pod name, then IP, then the log's labels as an ad-hoc pod, then the IP as an outside address.
 * When the log gives both a known pod's name and an address some pod owns, the address is used:
 * it names the same pod and says which family the connection used (docs/semantics.md, "Address
 * family"), where the name alone would mean the destination's primary family.
 */
export function resolveEndpoint(
  spec: EndpointSpec,
  ip: string | undefined,
  adhoc: AdHocPod | undefined,
  directory: EndpointDirectory | undefined,
): EndpointSpec {
  if (spec.kind !== 'ref') return spec;
  // Without a directory (remote mode) the service resolves the name, and refuses an unknown one.
  // With nothing beside the name (CSV, VPC, NDJSON), the name it is, known or not.
  if (!directory || (ip === undefined && adhoc === undefined)) return spec;
  const address = ip === undefined ? null : directory.address(ip);
  if (address?.owned) return address.spec;
  if (directory.knowsRef(spec.ref)) return spec;
  if (adhoc) return { kind: 'adhoc', pod: adhoc };
  return address?.spec ?? spec;
}
