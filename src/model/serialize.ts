/**
 * @module The canonical bundle as text: JSON with sorted keys and CIDRs as canonical strings, so
 * that equal bundles give equal bytes, and its SHA-256 content hash. Works in Node and workerd.
 */
import type { Bundle, ClusterPeer, ClusterRule, IPBlockPeer, Peer, Rule } from './bundle.js';
import { formatCIDR, parseCIDR, type CIDR } from '../net/ip.js';

/** Canonical JSON of a bundle: the input of the content hash, and how versions are stored. */
export function bundleToJSON(bundle: Bundle): string {
  return canonicalJSON({
    ...bundle,
    policies: bundle.policies.map((policy) => ({
      ...policy,
      ingress: policy.ingress.map(serializableRule),
      egress: policy.egress.map(serializableRule),
    })),
    clusterPolicies: bundle.clusterPolicies.map((policy) => ({
      ...policy,
      ingress: policy.ingress.map(serializableClusterRule),
      egress: policy.egress.map(serializableClusterRule),
    })),
  });
}

function serializableClusterRule(rule: ClusterRule): unknown {
  return { ...rule, peers: rule.peers.map((peer) => (peer.kind === 'networks' ? { kind: 'networks', cidrs: peer.cidrs.map(formatCIDR) } : peer)) };
}

function serializableRule(rule: Rule): unknown {
  return { ...rule, peers: rule.peers?.map((peer) => (peer.kind === 'ipBlock' ? serializableIPBlock(peer) : peer)) ?? null };
}

function serializableIPBlock(peer: IPBlockPeer): unknown {
  return { kind: 'ipBlock', cidr: formatCIDR(peer.cidr), except: peer.except.map(formatCIDR) };
}

/** The inverse of bundleToJSON, for bundles this code wrote (it trusts their shape). */
export function bundleFromJSON(text: string): Bundle {
  const bundle = JSON.parse(text, (_key, value: unknown) => {
    // Label maps and selectors come back prototype-free, as ingest makes them.
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return Object.assign(Object.create(null), value);
    }
    return value;
  }) as Bundle;
  for (const policy of bundle.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers) (rule as { peers: readonly Peer[] | null }).peers = rule.peers.map(revivePeer);
    }
  }
  for (const policy of bundle.clusterPolicies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      (rule as { peers: readonly ClusterPeer[] }).peers = rule.peers.map((peer) =>
        peer.kind === 'networks' ? { kind: 'networks', cidrs: (peer.cidrs as unknown as string[]).map(reviveCIDR) } : peer,
      );
    }
  }
  return bundle;
}

function revivePeer(peer: Peer): Peer {
  if (peer.kind !== 'ipBlock') return peer;
  const raw = peer as unknown as { cidr: string; except: string[] };
  return { kind: 'ipBlock', cidr: reviveCIDR(raw.cidr), except: raw.except.map(reviveCIDR) };
}

function reviveCIDR(text: string): CIDR {
  const parsed = parseCIDR(text);
  if (!parsed) throw new Error(`stored bundle has an invalid CIDR ${JSON.stringify(text)}`);
  return parsed.cidr;
}

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  const object = value as Record<string, unknown>;
  const entries = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJSON(object[key])}`);
  return `{${entries.join(',')}}`;
}

/** `sha256:<hex>` of the canonical JSON: the same objects in any order or formatting hash alike. */
export async function bundleHash(bundle: Bundle): Promise<string> {
  return contentHash(new TextEncoder().encode(bundleToJSON(bundle)));
}

/** `sha256:<hex>` of bytes: of a canonical bundle's JSON, it is that bundle's version. */
export async function contentHash(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
