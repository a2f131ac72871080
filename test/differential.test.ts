/**
 * @module Property-based tests on random bundles and flows: every engine agrees with the reference,
 * and every engine keeps the invariants of semantics.md that need no oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFlow, FlowError } from '../src/flow/decode.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { formatDiagnostic } from '../src/ingest/diagnostics.js';
import type { Bundle, Pod } from '../src/model/bundle.js';
import type { Decision } from '../src/model/decision.js';
import type { EndpointSpec, Flow } from '../src/model/flow.js';
import { bundleFromJSON, bundleHash, bundleToJSON } from '../src/model/serialize.js';
import { decide } from '../src/reference/evaluator.js';
import { ENGINES, type EngineUnderTest } from './cases/engine.js';
import { bundleObjectsArbitrary, scenarioArbitrary, type K8sObject, type Scenario } from './fuzz/arbitraries.js';
import { compareEngines, diffValues } from './fuzz/differential.js';
import { formatCounterexample, manifestsYAML } from './fuzz/report.js';

/** Fixed, so that CI runs are reproducible; FUZZ_SEED and FUZZ_RUNS explore further (and `npm run fuzz`). */
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const INVARIANT_RUNS = RUNS;

function ingest(objects: readonly unknown[]): Bundle {
  const result = ingestObjects(objects);
  if (!result.bundle) {
    throw new Error(`generated bundle does not ingest:\n${result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`);
  }
  return result.bundle;
}

describe('differential: every engine answers as the reference does', () => {
  it(`on ${RUNS} random bundles (${ENGINES.map((e) => e.name).join(', ')})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(), async ({ objects, flows }) => {
        const { disagreements } = await compareEngines(ENGINES, objects, flows);
        if (disagreements.length > 0) throw new Error(formatCounterexample(objects, disagreements));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('generated bundles', () => {
  it('ingest with no errors', () => {
    fc.assert(
      fc.property(bundleObjectsArbitrary(), (objects) => {
        const errors = ingestObjects(objects).diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) throw new Error(`${errors.map(formatDiagnostic).join('\n')}\n${manifestsYAML(objects)}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('hash alike in any object order, and survive their canonical JSON', async () => {
    const shuffled = bundleObjectsArbitrary().chain((objects) =>
      fc.tuple(fc.constant(objects), fc.shuffledSubarray(objects, { minLength: objects.length, maxLength: objects.length })),
    );
    await fc.assert(
      fc.asyncProperty(shuffled, async ([objects, permuted]) => {
        const bundle = ingest(objects);
        const other = ingest(permuted);
        expect(bundleToJSON(other)).toBe(bundleToJSON(bundle));
        expect(await bundleHash(other)).toBe(await bundleHash(bundle));
        expect(bundleToJSON(bundleFromJSON(bundleToJSON(bundle)))).toBe(bundleToJSON(bundle));
      }),
      { numRuns: INVARIANT_RUNS, seed: SEED },
    );
  });
});

/** Each flow of a scenario with the engine's outcome: a Decision, or the FlowError that refused it. */
interface Answered {
  readonly flow: Flow;
  readonly json: unknown;
  readonly decision?: Decision;
  readonly refused?: string;
}

async function answer(engine: EngineUnderTest, bundle: Bundle, flows: readonly unknown[]): Promise<Answered[]> {
  const decider = await engine.load(bundle);
  const answers: Answered[] = [];
  for (const json of flows) {
    let flow: Flow;
    try {
      flow = decodeFlow(json);
    } catch (error) {
      if (error instanceof FlowError) continue;
      throw error;
    }
    try {
      answers.push({ flow, json, decision: decider.decide(flow) });
    } catch (error) {
      // Refusing is an answer; any other exception is a bug, and fails the property as it is.
      if (!(error instanceof FlowError)) throw error;
      answers.push({ flow, json, refused: error.message });
    }
  }
  return answers;
}

/** A property over every answered flow; `check` returns a problem, or undefined when it holds. */
function everyAnswer(
  engine: EngineUnderTest,
  check: (bundle: Bundle, answered: Answered) => string | undefined,
): fc.IAsyncPropertyWithHooks<[Scenario]> {
  return fc.asyncProperty(scenarioArbitrary(), async ({ objects, flows }) => {
    const bundle = ingest(objects);
    const problems: string[] = [];
    for (const answered of await answer(engine, bundle, flows)) {
      const problem = check(bundle, answered);
      if (problem) problems.push(`${JSON.stringify(answered.json)}: ${problem}\n  ${JSON.stringify(answered.decision ?? answered.refused)}`);
    }
    if (problems.length > 0) throw new Error(`${problems.join('\n')}\n# bundle\n${manifestsYAML(objects)}`);
  });
}

/**
 * Who an endpoint is, worked out here from the bundle alone (not with the evaluator's own code):
 * a bundle pod, an ad-hoc pod, an address outside the cluster, or a reason to refuse the flow.
 */
type Identity =
  | { readonly kind: 'pod'; readonly pod: Pod }
  | { readonly kind: 'adhoc'; readonly namespace: string }
  | { readonly kind: 'outside' }
  | { readonly kind: 'unresolvable' };

function identify(bundle: Bundle, spec: EndpointSpec): Identity {
  switch (spec.kind) {
    case 'adhoc':
      return { kind: 'adhoc', namespace: spec.pod.namespace };
    case 'ref': {
      const exact = bundle.pods.find((p) => p.ref === spec.ref);
      const workloads = bundle.pods.filter((p) => p.workload && `${p.namespace}/${p.name}` === spec.ref);
      const pod = exact ?? (workloads.length === 1 ? workloads[0] : undefined);
      return pod ? { kind: 'pod', pod } : { kind: 'unresolvable' };
    }
    case 'ip': {
      // hostNetwork pods' addresses are their nodes'; terminated pods have none in the bundle.
      const owners = bundle.pods.filter((p) => !p.hostNetwork && p.ips.includes(spec.ip));
      if (owners.length > 1) return { kind: 'unresolvable' };
      return owners.length === 1 ? { kind: 'pod', pod: owners[0]! } : { kind: 'outside' };
    }
  }
}

const familyOf = (spec: EndpointSpec): number | undefined => (spec.kind === 'ip' ? (spec.ip.includes(':') ? 6 : 4) : undefined);

for (const engine of ENGINES) {
  describe(`invariants of engine ${engine.name}`, () => {
    const runs = { numRuns: INVARIANT_RUNS, seed: SEED };

    it('throws nothing but FlowError', async () => {
      // `answer` rethrows any other exception, which fails the property with it.
      await fc.assert(
        everyAnswer(engine, () => undefined),
        runs,
      );
    });

    it('refuses a flow exactly when an endpoint is unknown or ambiguous, or two addresses differ in family', async () => {
      await fc.assert(
        everyAnswer(engine, (bundle, { flow, refused }) => {
          const unresolvable = [flow.src, flow.dst].some((spec) => identify(bundle, spec).kind === 'unresolvable');
          const families = [familyOf(flow.src), familyOf(flow.dst)];
          const mixed = families[0] !== undefined && families[1] !== undefined && families[0] !== families[1];
          const expected = unresolvable || mixed;
          if (expected !== (refused !== undefined)) return expected ? 'should be refused' : 'should not be refused';
          return undefined;
        }),
        runs,
      );
    });

    it('allows exactly when no side denies', async () => {
      await fc.assert(
        everyAnswer(engine, (_bundle, { decision }) => {
          if (!decision) return undefined;
          if (decision.allowed !== (decision.deniedBy.length === 0)) return 'allowed disagrees with deniedBy';
          if ((decision.reason === 'denied') === decision.allowed) return 'reason disagrees with allowed';
          const sides = [decision.egress, decision.ingress].filter((side) => side !== undefined);
          if (decision.reason !== 'loopback' && sides.length !== 2) return 'a side verdict is missing';
          const deniedSides = sides.filter((side) => !side.allowed).map((side) => side.direction);
          if (JSON.stringify(deniedSides) !== JSON.stringify(decision.deniedBy)) return 'deniedBy is not the denying sides';
          return undefined;
        }),
        runs,
      );
    });

    it('answers loopback exactly for a pod (not a workload) talking to itself', async () => {
      await fc.assert(
        everyAnswer(engine, (bundle, { flow, decision }) => {
          if (!decision) return undefined;
          const src = identify(bundle, flow.src);
          const dst = identify(bundle, flow.dst);
          const same = src.kind === 'pod' && dst.kind === 'pod' && src.pod === dst.pod && !src.pod.workload;
          if (same !== (decision.reason === 'loopback')) return same ? 'should be loopback' : 'should not be loopback';
          return undefined;
        }),
        runs,
      );
    });

    it('answers no-policy between endpoints of namespaces without policies', async () => {
      await fc.assert(
        everyAnswer(engine, (bundle, { flow, decision }) => {
          if (!decision) return undefined;
          const hasPolicies = (spec: EndpointSpec): boolean => {
            const who = identify(bundle, spec);
            const namespace = who.kind === 'pod' ? who.pod.namespace : who.kind === 'adhoc' ? who.namespace : undefined;
            return namespace !== undefined && bundle.policies.some((p) => p.namespace === namespace);
          };
          if (hasPolicies(flow.src) || hasPolicies(flow.dst)) return undefined;
          return decision.reason === 'no-policy' || decision.reason === 'loopback' ? undefined : 'should be no-policy';
        }),
        runs,
      );
    });

    it('never turns an allowed flow into a denied one when an allow-all policy is added everywhere', async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary(), async ({ objects, flows }) => {
          const bundle = ingest(objects);
          // Sorted after every generated policy name, so earlier allowing rules keep being reported.
          const allowAll = bundle.namespaces.map((ns): K8sObject => ({
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'zz-allow-all', namespace: ns.name },
            spec: { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] },
          }));
          const before = await answer(engine, bundle, flows);
          const after = await answer(engine, ingest([...objects, ...allowAll]), flows);
          const problems: string[] = [];
          before.forEach((was, i) => {
            const now = after[i]!;
            const where = JSON.stringify(was.json);
            if ((was.refused === undefined) !== (now.refused === undefined)) problems.push(`${where}: refusal changed`);
            if (!was.decision || !now.decision) return;
            // Everything is allowed now: every pod is isolated by a policy that allows all.
            if (!now.decision.allowed) problems.push(`${where}: denied with allow-all everywhere${was.decision.allowed ? ' (was allowed)' : ''}`);
            for (const direction of ['egress', 'ingress'] as const) {
              const side = was.decision[direction];
              if (side?.reason !== 'allowed-by-rule') continue;
              const diff = diffValues(side.allowedBy, now.decision[direction]?.allowedBy);
              if (diff.length > 0) problems.push(`${where}: ${direction} allowedBy changed: ${diff.join('; ')}`);
            }
          });
          if (problems.length > 0) throw new Error(`${problems.join('\n')}\n# bundle\n${manifestsYAML(objects)}`);
        }),
        runs,
      );
    });
  });
}

describe('reference evaluator', () => {
  it('decides alike on a bundle read back from its canonical JSON', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ flows: 10 }), ({ objects, flows }) => {
        const bundle = ingest(objects);
        const revived = bundleFromJSON(bundleToJSON(bundle));
        for (const json of flows) {
          let flow: Flow;
          try {
            flow = decodeFlow(json);
          } catch {
            continue;
          }
          const outcome = (b: Bundle): unknown => {
            try {
              return decide(b, flow);
            } catch (error) {
              return { refused: (error as Error).message };
            }
          };
          expect(diffValues(outcome(revived), outcome(bundle))).toEqual([]);
        }
      }),
      { numRuns: INVARIANT_RUNS, seed: SEED },
    );
  });
});
