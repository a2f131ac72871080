/**
 * @module The connectivity analysis against brute force: on random bundles (plain and tiered), every
 * workload pair's set, probed at every port edge and container port, equals the union of the
 * reference evaluator's answers over the pod pairs, each named in every way a flow can name it (by
 * reference, or by an address of its own, which fixes the family);
 * and every probed outside address gets, through the endpoint that lists it, what the reference
 * says for that address. For a workload of one pod (and every bare pod) this is exactly "list says
 * allowed when decide says allowed".
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { analyzeConnectivity } from '../src/analysis/connectivity.js';
import { connSetAllows, type ConnSet } from '../src/analysis/conn-set.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { endpointKey, isExternal, type AnalysisEndpoint } from '../src/analysis/endpoints.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { PROTOCOLS, type Bundle, type Protocol } from '../src/model/bundle.js';
import type { Flow } from '../src/model/flow.js';
import { parseIP } from '../src/net/ip.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import { bundleObjectsArbitrary, flowTargets, type K8sObject } from './fuzz/arbitraries.js';
import { formatCounterexample } from './fuzz/report.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const references = new WeakMap<Bundle, ReferenceEngine>();

function allowed(bundle: Bundle, src: Flow['src'], dst: Flow['dst'], protocol: Protocol, port: number): boolean {
  let reference = references.get(bundle);
  if (!reference) references.set(bundle, (reference = new ReferenceEngine(bundle)));
  return reference.explainNow({ src, dst, protocol, port }).allowed;
}

/** Every disagreement between the analysis and brute force, as text. */
function bruteForceMismatches(objects: readonly K8sObject[]): string[] {
  const bundle = ingestObjects(objects).bundle;
  if (!bundle) return [];
  const result = analyzeConnectivity(bundle, wasmDecider(loadCoreModule(), bundle), { includeSelf: true });
  const targets = flowTargets(bundle, objects);
  const ports = [...new Set([...targets.edgePorts, ...targets.ports, 2, 443, 65534])];
  const sets = new Map<string, ConnSet>();
  for (const c of result.connections) sets.set(`${endpointKey(c.src)} -> ${endpointKey(c.dst)}`, c.set);
  const setOf = (src: AnalysisEndpoint, dst: AnalysisEndpoint): ConnSet | undefined => sets.get(`${endpointKey(src)} -> ${endpointKey(dst)}`);
  const mismatches: string[] = [];
  const { workloads, pods } = result.groups;
  const ref = (p: number) => ({ kind: 'ref' as const, ref: bundle.pods[p]!.ref });
  const claims = new Map<string, number>();
  for (const pod of bundle.pods) if (!pod.hostNetwork) for (const ip of pod.ips) claims.set(ip, (claims.get(ip) ?? 0) + 1);
  const addressesOf = (p: number) => (bundle.pods[p]!.hostNetwork ? [] : bundle.pods[p]!.ips.filter((ip) => claims.get(ip) === 1));

  workloads.forEach((x, i) => {
    workloads.forEach((y, j) => {
      const pairs = pods[i]!.flatMap((p) => pods[j]!.filter((q) => p !== q || bundle.pods[p]!.workload).map((q) => [p, q] as const));
      // Every way to name the pair: by reference, or either pod by one of its own addresses (a flow
      // naming an address takes that address's family).
      const namings = ([p, q]: readonly [number, number]) => [
        [ref(p), ref(q)],
        ...addressesOf(p).map((ip) => [{ kind: 'ip' as const, ip }, ref(q)]),
        ...addressesOf(q).map((ip) => [ref(p), { kind: 'ip' as const, ip }]),
      ] as [Flow['src'], Flow['dst']][];
      const loopback = i === j && x.kind === 'Pod';
      for (const protocol of PROTOCOLS) {
        for (const port of ports) {
          const expected = loopback || pairs.some((pair) => namings(pair).some(([s, d]) => allowed(bundle, s, d, protocol, port)));
          const set = setOf(x, y);
          const actual = set !== undefined && connSetAllows(set, protocol, port);
          if (expected !== actual) mismatches.push(`${endpointKey(x)} -> ${endpointKey(y)} ${protocol}/${port}: reference ${expected}, list ${actual}`);
        }
      }
    });
  });

  const owned = new Set(bundle.pods.filter((p) => !p.hostNetwork).flatMap((p) => p.ips));
  const addresses = [...new Set([...targets.blockIPs, ...targets.hostIPs, ...targets.nodeIPs, ...targets.networkIPs, ...targets.podIPs, '0.0.0.0', '::', '203.0.113.9', '2001:db8::9'])];
  const externals = [...new Set(result.connections.flatMap((c) => [c.src, c.dst]).filter(isExternal))];
  for (const text of addresses) {
    if (owned.has(text)) continue;
    const ip = parseIP(text)!;
    const holders = externals.filter((e) => e.external.some((range) => inRange(range, ip.family, ip.value)));
    if (holders.length > 1) mismatches.push(`${text} is listed in ${holders.length} external endpoints`);
    const holder = holders[0];
    workloads.forEach((x, i) => {
      for (const protocol of PROTOCOLS) {
        for (const port of ports) {
          const egress = pods[i]!.some((p) => allowed(bundle, ref(p), { kind: 'ip', ip: text }, protocol, port));
          const ingress = pods[i]!.some((p) => allowed(bundle, { kind: 'ip', ip: text }, ref(p), protocol, port));
          const out = holder ? setOf(x, holder) : undefined;
          const into = holder ? setOf(holder, x) : undefined;
          if (egress !== (out !== undefined && connSetAllows(out, protocol, port))) mismatches.push(`${endpointKey(x)} -> ${text} ${protocol}/${port}: reference ${egress}`);
          if (ingress !== (into !== undefined && connSetAllows(into, protocol, port))) mismatches.push(`${text} -> ${endpointKey(x)} ${protocol}/${port}: reference ${ingress}`);
        }
      }
    });
  }
  return mismatches;
}

function inRange(range: string, family: 4 | 6, value: bigint): boolean {
  const [lo, hi] = range.split('-').map((t) => parseIP(t)!);
  return lo!.family === family && lo!.value <= value && value <= hi!.value;
}

describe('connectivity equals brute force over the reference evaluator', () => {
  for (const tiers of [false, true]) {
    it(`on ${RUNS} random ${tiers ? 'tiered ' : ''}bundles`, () => {
      fc.assert(
        fc.property(bundleObjectsArbitrary({ tiers }), (objects) => {
          const mismatches = bruteForceMismatches(objects);
          if (mismatches.length > 0) {
            throw new Error(`${mismatches.slice(0, 12).join('\n')}\n${formatCounterexample(objects, [])}`);
          }
        }),
        { seed: SEED + (tiers ? 1 : 0), numRuns: RUNS },
      );
    }, 240_000);
  }
});

export { bruteForceMismatches };
