/**
 * @module The diff computed only where it can differ against the diff of both full lists: on
 * random bundles edited at random (policies dropped, added and changed, pods and namespaces
 * relabelled, cluster-wide policies dropped), the same changes in the same order; and the edits
 * the shortcut cannot reason about take the full analysis.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects, ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { bundleObjectsArbitrary, type K8sObject } from '../../test/fuzz/arbitraries.js';
import { podYaml as pod } from '../../test/cases/manifests.js';
import { analyzeConnectivity, type Connection } from './connectivity.js';
import { wasmDecider, type Decider } from './decider.js';
import { diffConnectivity } from './diff.js';
import { endpointKey, isExternal, type AnalysisEndpoint } from './endpoints.js';
import { diffVersions, podsOfChangedPolicies } from './version-diff.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const decider = (bundle: Bundle) => (): Decider => wasmDecider(loadCoreModule(), bundle);

function fullDiff(before: Bundle, after: Bundle, includeSelf: boolean) {
  const [a, b] = [before, after].map((bundle) => analyzeConnectivity(bundle, decider(bundle)(), { includeSelf }));
  return diffConnectivity({ connectivity: a!, workloads: a!.groups.workloads }, { connectivity: b!, workloads: b!.groups.workloads });
}

const isPolicy = (o: K8sObject) => o.kind === 'NetworkPolicy';
const identity = (o: K8sObject) => {
  const meta = o.metadata as { namespace?: string; name: string };
  return `${meta.namespace ?? 'default'}/${meta.name}`;
};

interface Edits {
  /** Per NetworkPolicy (cyclically): keep it. */
  readonly keep: readonly boolean[];
  /** Per NetworkPolicy of the other bundle (cyclically): adopt it, replacing one of the same name. */
  readonly adopt: readonly boolean[];
  readonly relabelPod: boolean;
  readonly relabelNamespace: boolean;
  readonly dropClusterPolicies: boolean;
}

function edited(objects: readonly K8sObject[], other: readonly K8sObject[], edits: Edits): K8sObject[] {
  let at = 0;
  const out = objects.filter((o) => !isPolicy(o) || edits.keep[at++ % edits.keep.length]);
  at = 0;
  for (const policy of other.filter(isPolicy)) {
    if (!edits.adopt[at++ % edits.adopt.length]) continue;
    const same = out.findIndex((o) => isPolicy(o) && identity(o) === identity(policy));
    if (same >= 0) out[same] = policy;
    else out.push(policy);
  }
  const relabel = (kind: string, labels: Record<string, string>) => {
    const index = out.findIndex((o) => o.kind === kind);
    if (index < 0) return;
    const meta = out[index]!.metadata as K8sObject;
    out[index] = { ...out[index]!, metadata: { ...meta, labels: { ...(meta.labels as object), ...labels } } };
  };
  if (edits.relabelPod) relabel('Pod', { app: 'db', tier: 'front' });
  if (edits.relabelNamespace) relabel('Namespace', { team: 'b' });
  return edits.dropClusterPolicies ? out.filter((o) => !/^(Admin|BaselineAdmin|Cluster)NetworkPolicy$/.test(String(o.kind))) : out;
}

const editsArbitrary: fc.Arbitrary<Edits> = fc.record({
  keep: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  adopt: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  relabelPod: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  relabelNamespace: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  dropClusterPolicies: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
});

describe('the diff of changed policies equals the diff of both full lists', () => {
  it(`on ${RUNS} random bundles, each edited at random`, () => {
    let shortcuts = 0;
    fc.assert(
      fc.property(
        bundleObjectsArbitrary({ tiers: true }),
        bundleObjectsArbitrary({ tiers: true }),
        editsArbitrary,
        fc.boolean(),
        (objects, other, edits, includeSelf) => {
          const before = ingestObjects(objects).bundle!;
          const after = ingestObjects(edited(objects, other, edits)).bundle!;
          const affected = podsOfChangedPolicies(before, after);
          if (affected !== undefined && affected.length > 0) shortcuts++;
          const options = { includeSelf };
          expect(diffVersions({ bundle: before, decider: decider(before) }, { bundle: after, decider: decider(after) }, options)).toEqual(
            fullDiff(before, after, includeSelf),
          );
        },
      ),
      { seed: SEED + 30, numRuns: RUNS },
    );
    // The property says nothing if every case fell back to the full analysis.
    expect(shortcuts).toBeGreaterThanOrEqual(RUNS / 4);
  }, 300_000);
});

describe('the focused analysis the shortcut relies on', () => {
  it(`lists, on ${RUNS} random bundles, exactly the full list's connections into or out of the focused pods' workloads`, () => {
    fc.assert(
      fc.property(bundleObjectsArbitrary({ tiers: true }), fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), (objects, picks) => {
        const bundle = ingestObjects(objects).bundle!;
        const focusPods = bundle.pods.map((_, p) => p).filter((p) => picks[p % picks.length]);
        const full = analyzeConnectivity(bundle, decider(bundle)(), { includeSelf: true });
        const focused = analyzeConnectivity(bundle, decider(bundle)(), { includeSelf: true, focusPods });
        const inFocus = new Set(focusPods.map((p) => endpointKey(full.groups.workloads[full.groups.workloadOf[p]!]!)));
        const touches = (e: AnalysisEndpoint) => !isExternal(e) && inFocus.has(endpointKey(e));
        const expected = full.connections.filter((c) => touches(c.src) || touches(c.dst));
        // Outside ranges may be merged differently: compared address by address, as the diff does.
        const side = (connections: readonly Connection[]) => ({ connectivity: { connections }, workloads: full.groups.workloads });
        expect(diffConnectivity(side(expected), side(focused.connections))).toEqual([]);
        expect(focused.connections.filter((c) => !isExternal(c.src) && !isExternal(c.dst))).toEqual(expected.filter((c) => !isExternal(c.src) && !isExternal(c.dst)));
      }),
      { seed: SEED + 31, numRuns: RUNS },
    );
  }, 300_000);
});

const cluster = [
  pod('a', 'web', '{app: web}', '10.0.0.1', '[{name: http, containerPort: 8080}]'),
  pod('a', 'db', '{app: db}', '10.0.0.2'),
  pod('b', 'client', '{app: client}', '10.0.1.1'),
].join('');
const policy = (name: string, selector: string, ingress: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: a}
spec:
  podSelector: {matchLabels: ${selector}}
  ingress: ${ingress}
`;
const read = (yaml: string) => ingestSources([{ name: 'test.yaml', text: yaml }]).bundle!;
const never = (): Decider => {
  throw new Error('no analysis expected');
};

describe('which versions the shortcut takes', () => {
  const base = cluster + policy('web-in', '{app: web}', '[{from: [{podSelector: {}}]}]');

  it('analyses nothing when only policies that select no pod change', () => {
    const changed = base + policy('ghost', '{app: nobody}', '[]');
    expect(podsOfChangedPolicies(read(base), read(changed))).toEqual([]);
    expect(diffVersions({ bundle: read(base), decider: never }, { bundle: read(changed), decider: never })).toEqual([]);
    expect(fullDiff(read(base), read(changed), false)).toEqual([]);
  });

  it("limits the analysis to the changed policies' pods, in both versions", () => {
    const [before, after] = [read(base), read(base.replace('[{from: [{podSelector: {}}]}]', '[]'))];
    const web = before.pods.findIndex((p) => p.name === 'web');
    expect(podsOfChangedPolicies(before, after)).toEqual([web]);
    const changes = diffVersions({ bundle: before, decider: decider(before) }, { bundle: after, decider: decider(after) });
    expect(changes.map((c) => `${c.change} ${endpointKey(c.src)} -> ${endpointKey(c.dst)}`)).toEqual(['removed a/Pod/db -> a/Pod/web']);
    expect(changes).toEqual(fullDiff(before, after, false));
  });

  it('takes the full analysis when pods, namespaces or cluster-wide policies differ', () => {
    expect(podsOfChangedPolicies(read(base), read(base.replace('{app: db}', '{app: web}')))).toBeUndefined();
    const namespace = `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {team: a}}\n`;
    expect(podsOfChangedPolicies(read(base), read(base + namespace))).toBeUndefined();
    const anp = `---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: guard}
spec:
  priority: 5
  subject: {namespaces: {}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]
`;
    expect(podsOfChangedPolicies(read(base), read(base + anp))).toBeUndefined();
  });
});
