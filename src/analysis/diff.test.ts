/**
 * @module The diff against the two lists it compares: on random bundles and the same bundle with
 * some policies dropped, every workload pair whose sets differ is one change with both sets, and
 * no other pair is; and at every address that starts or ends an outside range on either side, each
 * workload's change (or its absence) says what the two lists say for that address.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects } from '../ingest/bundle.js';
import { parseIP, type IPFamily } from '../net/ip.js';
import { bundleObjectsArbitrary } from '../../test/fuzz/arbitraries.js';
import { analyzeConnectivity, type Connection } from './connectivity.js';
import { connSetKey, type ConnSet } from './conn-set.js';
import { wasmDecider } from './decider.js';
import { diffConnectivity, type ConnectionChange } from './diff.js';
import { endpointKey, isExternal, type AnalysisEndpoint } from './endpoints.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

type Address = { family: IPFamily; value: bigint };

function contains(endpoint: AnalysisEndpoint, at: Address): boolean {
  if (!isExternal(endpoint)) return false;
  return endpoint.external.some((range) => {
    const [lo, hi] = range.split('-').map((text) => parseIP(text)!);
    return lo!.family === at.family && lo!.value <= at.value && at.value <= hi!.value;
  });
}

const text = (set: ConnSet | null | undefined) => (set ? connSetKey(set) : '-');

function mismatches(oldObjects: Parameters<typeof ingestObjects>[0], newObjects: Parameters<typeof ingestObjects>[0]): string[] {
  const [before, after] = [oldObjects, newObjects].map((objects) => {
    const bundle = ingestObjects(objects).bundle!;
    return analyzeConnectivity(bundle, wasmDecider(loadCoreModule(), bundle));
  });
  const changes = diffConnectivity({ connectivity: before!, workloads: before!.groups.workloads }, { connectivity: after!, workloads: after!.groups.workloads });
  const out: string[] = [];
  const key = (src: AnalysisEndpoint, dst: AnalysisEndpoint) => `${endpointKey(src)} -> ${endpointKey(dst)}`;
  const inside = (c: Connection | ConnectionChange) => !isExternal(c.src) && !isExternal(c.dst);
  const sets = (connections: readonly Connection[]) => new Map(connections.filter(inside).map((c) => [key(c.src, c.dst), c.set]));
  const [oldSets, newSets] = [sets(before!.connections), sets(after!.connections)];
  const changed = new Map(changes.filter(inside).map((c) => [key(c.src, c.dst), c]));
  for (const pair of new Set([...oldSets.keys(), ...newSets.keys(), ...changed.keys()])) {
    const [o, n] = [text(oldSets.get(pair)), text(newSets.get(pair))];
    const change = changed.get(pair);
    if (o === n && change) out.push(`${pair}: unchanged but reported`);
    if (o !== n && (!change || text(change.old) !== o || text(change.new) !== n)) out.push(`${pair}: ${o} => ${n}, reported ${change ? `${text(change.old)} => ${text(change.new)}` : 'nothing'}`);
  }
  const addresses: Address[] = [];
  for (const c of [...before!.connections, ...after!.connections]) {
    for (const e of [c.src, c.dst]) {
      if (!isExternal(e)) continue;
      for (const range of e.external) for (const t of range.split('-')) addresses.push(parseIP(t)!);
    }
  }
  const workloads = new Map([...before!.groups.workloads, ...after!.groups.workloads].map((w) => [endpointKey(w), w]));
  for (const at of addresses) {
    for (const [wKey] of workloads) {
      for (const outward of [true, false]) {
        const setAt = (connections: readonly Connection[]) =>
          connections.find((c) => endpointKey(outward ? c.src : c.dst) === wKey && contains(outward ? c.dst : c.src, at))?.set;
        const [o, n] = [text(setAt(before!.connections)), text(setAt(after!.connections))];
        const found = changes.filter((c) => endpointKey(outward ? c.src : c.dst) === wKey && contains(outward ? c.dst : c.src, at));
        const where = `${wKey} ${outward ? 'to' : 'from'} ${at.value}`;
        if (found.length > 1) out.push(`${where}: ${found.length} changes`);
        if (o === n && found.length > 0) out.push(`${where}: unchanged but reported`);
        if (o !== n && (found.length !== 1 || text(found[0]!.old) !== o || text(found[0]!.new) !== n)) out.push(`${where}: ${o} => ${n}, reported ${found.length}`);
      }
    }
  }
  return out;
}

describe('diff equals comparing the two lists pair by pair and address by address', () => {
  it(`on ${RUNS} random bundles, each against itself with some policies dropped`, () => {
    fc.assert(
      fc.property(bundleObjectsArbitrary({ tiers: true }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (objects, keep) => {
        let policy = 0;
        const changed = objects.filter((o) => !/Policy$/.test(String(o.kind)) || keep[policy++ % keep.length]);
        expect(mismatches(objects, changed)).toEqual([]);
      }),
      { seed: SEED + 20, numRuns: RUNS },
    );
  }, 240_000);
});
