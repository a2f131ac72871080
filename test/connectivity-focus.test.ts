/**
 * @module `list --focus` against the full list: on random bundles (plain and tiered), the focus on
 * each workload (and each bare pod) gives exactly the full list's lines that have it as source or
 * destination between workloads, in the same order with the same sets, and to and from the outside
 * world the same set at every address (a focus merges the ranges that are the same for it, which
 * the full list may keep apart for other workloads). Both ways of focusing: the whole-bundle
 * analysis with a focus, and the focus decided on its scope alone (focused-connectivity.ts), whose
 * explanations (the rules allowing each connection between workloads) are the same too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity, type Connection } from '../src/analysis/connectivity.js';
import { diffConnectivity } from '../src/analysis/diff.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { explainConnections } from '../src/analysis/explain.js';
import { endpointKey, groupWorkloads, isExternal } from '../src/analysis/endpoints.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { bundleObjectsArbitrary, type K8sObject } from './fuzz/arbitraries.js';
import { daemonSetBundleArbitrary } from './fuzz/daemonset.js';
import { formatCounterexample } from './fuzz/report.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

const line = (c: Connection): string => `${endpointKey(c.src)} -> ${endpointKey(c.dst)} : ${JSON.stringify(c.set)}`;

type Via = 'whole bundle' | 'scope';

/** Per workload, the differences between its focus and the full list filtered to it. */
function focusMismatches(objects: readonly K8sObject[], includeSelf: boolean, via: Via): string[] {
  const bundle = ingestObjects(objects).bundle;
  if (!bundle) return [];
  const module = loadCoreModule();
  const full = analyzeConnectivity(bundle, wasmDecider(module, bundle), { includeSelf });
  const mismatches: string[] = [];
  for (const workload of full.groups.workloads) {
    const key = endpointKey(workload);
    const focus = `${workload.namespace}/${workload.kind}/${workload.name}`;
    const expected = full.connections.filter((c) => endpointKey(c.src) === key || endpointKey(c.dst) === key);
    const actual =
      via === 'scope'
        ? focusedConnectivity(bundle, (scoped) => wasmDecider(module, scoped), { focus, includeSelf }, 1).result.connections
        : analyzeConnectivity(bundle, wasmDecider(module, bundle), { focus, includeSelf }).connections;
    const internal = (connections: readonly Connection[]) => connections.filter((c) => !isExternal(c.src) && !isExternal(c.dst)).map(line);
    // Outside ranges compared address by address, as the diff compares two lists.
    const side = (connections: readonly Connection[]) => ({ connectivity: { connections }, workloads: full.groups.workloads });
    const outside = diffConnectivity(side(expected), side(actual));
    if (JSON.stringify(internal(actual)) !== JSON.stringify(internal(expected)) || outside.length > 0) {
      mismatches.push(
        `--focus ${focus}${includeSelf ? ' --include-self' : ''} (${via}):\n  full list:\n    ${expected.map(line).join('\n    ')}\n  focus:\n    ${actual.map(line).join('\n    ')}`,
      );
    }
  }
  return mismatches;
}

describe('list --focus equals the full list filtered to the focused workload', () => {
  for (const [tiers, via] of [[false, 'whole bundle'], [true, 'whole bundle'], [false, 'scope'], [true, 'scope']] as const) {
    it(`on ${RUNS} random ${tiers ? 'tiered ' : ''}bundles, decided on the ${via}`, () => {
      fc.assert(
        // The scope stands one pod in for others: more pods give it more to stand in for.
        fc.property(bundleObjectsArbitrary({ tiers, maxPods: via === 'scope' ? 10 : undefined }), fc.boolean(), (objects, includeSelf) => {
          const mismatches = focusMismatches(objects, includeSelf, via);
          if (mismatches.length > 0) throw new Error(`${mismatches.slice(0, 3).join('\n')}\n${formatCounterexample(objects, [])}`);
        }),
        { seed: SEED + (tiers ? 1 : 0), numRuns: RUNS },
      );
    }, 240_000);
  }

  for (const tiers of [false, true]) {
    it(`on ${RUNS} random ${tiers ? 'tiered ' : ''}bundles with a hostNetwork DaemonSet on three nodes and replicas spread over them, decided on the scope`, () => {
      fc.assert(
        fc.property(daemonSetBundleArbitrary(tiers), fc.boolean(), (objects, includeSelf) => {
          const mismatches = focusMismatches(objects, includeSelf, 'scope');
          if (mismatches.length > 0) throw new Error(`${mismatches.slice(0, 3).join('\n')}\n${formatCounterexample(objects, [])}`);
        }),
        { seed: SEED + 3 + (tiers ? 1 : 0), numRuns: RUNS },
      );
    }, 240_000);
  }

  it(`explains a focus decided on its scope as the whole-bundle focus does, on ${Math.ceil(RUNS / 2)} random tiered bundles`, () => {
    fc.assert(
      fc.property(bundleObjectsArbitrary({ tiers: true, maxPods: 10 }), (objects) => {
        const bundle = ingestObjects(objects).bundle;
        if (!bundle) return;
        const module = loadCoreModule();
        for (const workload of groupWorkloads(bundle).workloads) {
          const focus = `${workload.namespace}/${workload.kind}/${workload.name}`;
          const explained = (connections: readonly Connection[], explanations: Map<Connection, unknown>) =>
            connections.filter((c) => !isExternal(c.src) && !isExternal(c.dst)).map((c) => `${line(c)} ${JSON.stringify(explanations.get(c))}`);
          const wholeDecider = wasmDecider(module, bundle);
          const whole = analyzeConnectivity(bundle, wholeDecider, { focus, explain: true });
          const scoped = focusedConnectivity(bundle, (b) => wasmDecider(module, b), { focus, explain: true }, 1);
          const expected = explained(whole.connections, explainConnections(bundle, wholeDecider, whole));
          const actual = explained(scoped.result.connections, explainConnections(scoped.bundle, scoped.decider, scoped.result));
          expect(actual).toEqual(expected);
        }
      }),
      { seed: SEED + 2, numRuns: Math.ceil(RUNS / 2) },
    );
  }, 240_000);

  it('is not trivially equal: some random bundle has a focus narrower than the full list', () => {
    // Guards the property above against comparing two empty lists.
    const narrower = fc.sample(bundleObjectsArbitrary({}), { seed: SEED, numRuns: 10 }).some((objects) => {
      const bundle = ingestObjects(objects).bundle;
      if (!bundle) return false;
      const module = loadCoreModule();
      const full = analyzeConnectivity(bundle, wasmDecider(module, bundle));
      const first = full.groups.workloads[0];
      if (!first) return false;
      const focused = analyzeConnectivity(bundle, wasmDecider(module, bundle), { focus: `${first.namespace}/${first.kind}/${first.name}` });
      return focused.connections.length > 0 && focused.connections.length < full.connections.length;
    });
    expect(narrower).toBe(true);
  });
});
