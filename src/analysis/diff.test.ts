/**
 * @module The diff against the two lists it compares: on random bundles and the same bundle with
 * some policies dropped, every workload pair whose sets differ is one change with both sets, and
 * no other pair is; and at every address that starts or ends an outside range on either side, each
 * workload's change (or its absence) says what the two lists say for that address.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects, ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { parseIP, type IPFamily } from '../net/ip.js';
import { bundleObjectsArbitrary } from '../../test/fuzz/arbitraries.js';
import { analyzeConnectivity, type Connection } from './connectivity.js';
import { connSetKey, type ConnSet } from './conn-set.js';
import { wasmDecider } from './decider.js';
import { diffConnectivity, type ConnectionChange } from './diff.js';
import { endpointKey, isExternal, type AnalysisEndpoint } from './endpoints.js';
import { podYaml as pod } from '../../test/cases/manifests.js';

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
  return bundleMismatches(ingestObjects(oldObjects).bundle!, ingestObjects(newObjects).bundle!);
}

function analyzedDiff(oldBundle: Bundle, newBundle: Bundle) {
  const [before, after] = [oldBundle, newBundle].map((bundle) => analyzeConnectivity(bundle, wasmDecider(loadCoreModule(), bundle)));
  const changes = diffConnectivity({ connectivity: before!, workloads: before!.groups.workloads }, { connectivity: after!, workloads: after!.groups.workloads });
  return { before: before!, after: after!, changes };
}

function bundleMismatches(oldBundle: Bundle, newBundle: Bundle): string[] {
  const { before, after, changes } = analyzedDiff(oldBundle, newBundle);
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

const namespace = (name: string, labels: string) => `---
apiVersion: v1
kind: Namespace
metadata: {name: ${name}, labels: ${labels}}
`;
const cluster = [
  namespace('a', '{team: a}'),
  namespace('b', '{team: b}'),
  pod('a', 'web', '{app: web}', '10.0.0.1', '[{name: http, containerPort: 8080}]'),
  pod('a', 'db', '{app: db}', '10.0.0.2', '[{name: sql, containerPort: 5432}]'),
  pod('b', 'client', '{app: client}', '10.0.1.1'),
  pod('b', 'batch', '{app: batch}', '10.0.1.2', '[{name: http, containerPort: 9090}]'),
].join('');
const policy = (name: string, ns: string, spec: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}`;
const base = [
  policy('web-in', 'a', '  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {app: client}}}], ports: [{port: http}]}]\n'),
  policy('db-in', 'a', "  podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 192.168.0.0/16, except: [192.168.1.0/24]}}]}]\n"),
  policy('client-out', 'b', "  podSelector: {matchLabels: {app: client}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {}}]}, {to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]\n"),
].join('');
const read = (yaml: string) => ingestSources([{ name: 'test.yaml', text: yaml }]).bundle!;

describe('diff equals comparing the two lists, for changes that reach beyond the changed policy', () => {
  const variants: Record<string, [string, string]> = {
    'a peer selector of another namespace': ['{app: client}', '{app: batch}'],
    'an ipBlock and its except': ['except: [192.168.1.0/24]', 'except: [192.168.2.0/24, 192.168.3.0/25]'],
    'a named port': ['ports: [{port: http}]', 'ports: [{port: sql}, {port: http, protocol: UDP}]'],
    'a namespace selector of an egress peer': ['{to: [{namespaceSelector: {}}]}', '{to: [{namespaceSelector: {matchLabels: {team: a}}}], ports: [{port: http}]}'],
  };
  for (const [what, [from, to]] of Object.entries(variants)) {
    it(`when a policy changes ${what}`, () => {
      const changed = base.replace(from, to);
      expect(changed).not.toBe(base);
      expect(bundleMismatches(read(cluster + base), read(cluster + changed))).toEqual([]);
      expect(analyzedDiff(read(cluster + base), read(cluster + changed)).changes.length).toBeGreaterThan(0);
    });
  }

  it('when a cluster-wide policy is added above the namespaced ones, and when one is removed', () => {
    const anp = `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: guard}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {team: a}}}
  ingress:
  - {action: Deny, from: [{namespaces: {matchLabels: {team: b}}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}
  - {action: Allow, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: batch}}}}]}
  egress:
  - {action: Deny, to: [{networks: [192.168.0.0/17]}]}
`;
    expect(read(cluster + base + anp).clusterPolicies.map((p) => p.name)).toEqual(['guard']);
    expect(analyzedDiff(read(cluster + base), read(cluster + base + anp)).changes.length).toBeGreaterThan(0);
    expect(bundleMismatches(read(cluster + base), read(cluster + base + anp))).toEqual([]);
    expect(bundleMismatches(read(cluster + base + anp), read(cluster + base))).toEqual([]);
  });

  it('reports the pairs a changed peer selector of another namespace moves', () => {
    const { changes } = analyzedDiff(read(cluster + base), read(cluster + base.replace('{app: client}', '{app: batch}')));
    expect(changes.map((c) => `${c.change} ${endpointKey(c.src)} -> ${endpointKey(c.dst)}`)).toEqual(
      expect.arrayContaining(['removed b/Pod/client -> a/Pod/web', 'added b/Pod/batch -> a/Pod/web']),
    );
  });
});
