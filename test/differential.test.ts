/**
 * @module Property-based tests on random bundles and flows: every engine agrees with the reference,
 * and every engine keeps the invariants of semantics.md that need no oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFlow } from '../src/flow/decode.js';
import { FlowError } from '../src/model/errors.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { formatDiagnostic } from '../src/ingest/diagnostics.js';
import type { Bundle, Pod } from '../src/model/bundle.js';
import { DENYING_REASONS, type Decision, type SideVerdict } from '../src/model/decision.js';
import type { EndpointSpec, Flow } from '../src/model/flow.js';
import { bundleFromJSON, bundleHash, bundleToJSON } from '../src/model/serialize.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import { ENGINES, referenceEngine, type EngineUnderTest } from './cases/engine.js';
import { bundleObjectsArbitrary, scenarioArbitrary, type BundleArbitraryOptions, type K8sObject, type Scenario } from './fuzz/arbitraries.js';
import { compareEngines, diffValues } from './fuzz/differential.js';
import { TierOracle } from './fuzz/tier-oracle.js';
import { formatCounterexample, manifestsYAML } from './fuzz/report.js';

/** Fixed, so that CI runs are reproducible; FUZZ_SEED and FUZZ_RUNS explore further (and `npm run fuzz`). */
const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const INVARIANT_RUNS = RUNS;
/** Every flow goes through five paths of each engine (test/cases/paths.ts): about 15 s each here, idle. */
const PATHS_TIMEOUT_MS = 180_000;

function ingest(objects: readonly unknown[]): Bundle {
  const result = ingestObjects(objects);
  if (!result.bundle) {
    throw new Error(`generated bundle does not ingest:\n${result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`);
  }
  return result.bundle;
}

/**
 * Every engine on every path agrees with the reference's explain on random scenarios; logs how many
 * bundles and flows went through each path (the records path skips flows naming an ad-hoc pod).
 */
function differential(title: string, options: BundleArbitraryOptions): void {
  it(`on ${RUNS} random ${title} (${ENGINES.map((e) => e.name).join(', ')}, every path)`, async () => {
    let bundles = 0;
    const flowsPerPath: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(options), async ({ objects, flows }) => {
        const comparison = await compareEngines(ENGINES, objects, flows);
        if (comparison.disagreements.length > 0) throw new Error(formatCounterexample(objects, comparison.disagreements));
        bundles++;
        for (const [path, count] of Object.entries(comparison.flowsPerPath)) flowsPerPath[path] = (flowsPerPath[path] ?? 0) + count;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`differential, ${title}: ${bundles} bundles; flows per path (each engine): ${JSON.stringify(flowsPerPath)}`);
  }, PATHS_TIMEOUT_MS);
}

describe('differential: every engine answers as the reference does', () => differential('bundles', {}));

describe('differential on bundles with cluster-wide tiers', () => differential('tiered bundles', { tiers: true }));

describe('generated bundles', () => {
  for (const tiers of [false, true]) {
    const what = tiers ? ' (with tiers)' : '';
    it(`ingest with no errors${what}`, () => {
      fc.assert(
        fc.property(bundleObjectsArbitrary({ tiers }), (objects) => {
          const errors = ingestObjects(objects).diagnostics.filter((d) => d.severity === 'error');
          if (errors.length > 0) throw new Error(`${errors.map(formatDiagnostic).join('\n')}\n${manifestsYAML(objects)}`);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }

  it('with tiers, use every kind of cluster-wide policy, peer and port', () => {
    // Not a property: a guard that the tier generator keeps reaching every feature.
    const seen = new Set<string>();
    for (const objects of fc.sample(bundleObjectsArbitrary({ tiers: true }), { numRuns: 200, seed: SEED })) {
      const bundle = ingest(objects);
      if (bundle.nodes.some((node) => node.addresses.length > 0)) seen.add('node addresses');
      for (const policy of bundle.clusterPolicies) {
        seen.add(`${policy.kind}/${policy.tier}/${policy.subject.kind}`);
        for (const rule of [...policy.ingress, ...policy.egress]) {
          seen.add(`action ${rule.action}`);
          for (const peer of rule.peers) seen.add(`peer ${peer.kind}`);
          if (rule.unrecognisedPeers > 0) seen.add('peer unrecognised');
          if (rule.ports === null) seen.add('port absent');
          for (const port of rule.ports ?? []) seen.add(`port ${port.kind}`);
        }
      }
      const priorities = bundle.clusterPolicies.filter((p) => p.tier === 'admin').map((p) => p.priority);
      if (new Set(priorities).size < priorities.length) seen.add('equal priorities');
    }
    const expected = [
      'node addresses',
      ...['namespaces', 'pods'].flatMap((subject) => [
        `AdminNetworkPolicy/admin/${subject}`,
        `BaselineAdminNetworkPolicy/baseline/${subject}`,
        `ClusterNetworkPolicy/admin/${subject}`,
        `ClusterNetworkPolicy/baseline/${subject}`,
      ]),
      ...['Allow', 'Deny', 'Pass'].map((action) => `action ${action}`),
      ...['namespaces', 'pods', 'nodes', 'networks', 'unrecognised'].map((kind) => `peer ${kind}`),
      ...['absent', 'number', 'range', 'named'].map((kind) => `port ${kind}`),
      'equal priorities',
    ];
    expect(expected.filter((feature) => !seen.has(feature))).toEqual([]);
  });

  for (const tiers of [false, true]) {
    it(`hash alike in any object order, and survive their canonical JSON${tiers ? ' (with tiers)' : ''}`, async () => {
      const shuffled = bundleObjectsArbitrary({ tiers }).chain((objects) =>
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
  }
});

/** Each flow of a scenario with the engine's outcome: a Decision, or the FlowError that refused it. */
interface Answered {
  readonly flow: Flow;
  readonly json: unknown;
  readonly decision?: Decision;
  readonly refused?: string;
}

async function answer(engine: EngineUnderTest, bundle: Bundle, flows: readonly unknown[]): Promise<Answered[]> {
  const loaded = await engine.load(bundle);
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
      answers.push({ flow, json, decision: await loaded.explain(flow) });
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
  scenarios: BundleArbitraryOptions = {},
): fc.IAsyncPropertyWithHooks<[Scenario]> {
  return fc.asyncProperty(scenarioArbitrary(scenarios), async ({ objects, flows }) => {
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

/** A flow is refused exactly when an endpoint is unknown or ambiguous, or two addresses differ in family. */
function refusalProblem(bundle: Bundle, { flow, refused }: Answered): string | undefined {
  const unresolvable = [flow.src, flow.dst].some((spec) => identify(bundle, spec).kind === 'unresolvable');
  const families = [familyOf(flow.src), familyOf(flow.dst)];
  const mixed = families[0] !== undefined && families[1] !== undefined && families[0] !== families[1];
  const expected = unresolvable || mixed;
  if (expected !== (refused !== undefined)) return expected ? 'should be refused' : 'should not be refused';
  return undefined;
}

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
      await fc.assert(everyAnswer(engine, refusalProblem), runs);
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

/** The reference decides alike on a bundle and on that bundle read back from its canonical JSON. */
function decidesAlikeWhenRevived(options: { tiers?: boolean }) {
  return fc.property(scenarioArbitrary({ ...options, flows: 10 }), ({ objects, flows }) => {
    const bundle = ingest(objects);
    const revived = bundleFromJSON(bundleToJSON(bundle));
    const engines = new Map([bundle, revived].map((b) => [b, new ReferenceEngine(b)]));
    for (const json of flows) {
      let flow: Flow;
      try {
        flow = decodeFlow(json);
      } catch {
        continue;
      }
      const outcome = (b: Bundle): unknown => {
        try {
          return engines.get(b)!.explainNow(flow);
        } catch (error) {
          return { refused: (error as Error).message };
        }
      };
      expect(diffValues(outcome(revived), outcome(bundle))).toEqual([]);
    }
  });
}

describe('reference evaluator', () => {
  it('decides alike on a bundle read back from its canonical JSON', () => {
    fc.assert(decidesAlikeWhenRevived({}), { numRuns: INVARIANT_RUNS, seed: SEED });
  });
});

// ---------------------------------------------------------------------------------------------
// Cluster-wide tiers: properties of the reference evaluator that need no second engine.

const TIERS = { tiers: true } as const;
const CLUSTER_KINDS = new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);

/** A non-hostNetwork pod (of the bundle, or ad-hoc): what `namespaces`/`pods` peers and subjects select. */
function isSelectablePod(bundle: Bundle, spec: EndpointSpec): boolean {
  const who = identify(bundle, spec);
  return who.kind === 'adhoc' || (who.kind === 'pod' && !who.pod.hostNetwork);
}

/** A side as it would be without the admin rule that passed it on: `passedBy` is the only trace of a Pass. */
function withoutPass(side: SideVerdict | undefined): unknown {
  if (!side) return side;
  const { passedBy: _passedBy, ...rest } = side;
  return rest;
}

function withoutPasses(decision: Decision): unknown {
  return { ...decision, egress: withoutPass(decision.egress), ingress: withoutPass(decision.ingress) };
}

/**
 * Answers the same flows on `objects` and on `changed(objects)` with the reference, and reports the
 * problems `check` finds in each pair (flows refused by one and not the other are a problem).
 */
function comparedWith(
  changed: (objects: K8sObject[]) => K8sObject[],
  check: (bundle: Bundle, before: Answered, after: Answered) => string | undefined,
): fc.IAsyncPropertyWithHooks<[Scenario]> {
  return fc.asyncProperty(scenarioArbitrary(TIERS), async ({ objects, flows }) => {
    const other = changed(objects);
    const bundle = ingest(objects);
    const before = await answer(referenceEngine, bundle, flows);
    const after = await answer(referenceEngine, ingest(other), flows);
    const problems: string[] = [];
    before.forEach((was, i) => {
      const now = after[i]!;
      const where = JSON.stringify(was.json);
      if ((was.refused === undefined) !== (now.refused === undefined)) problems.push(`${where}: refusal changed`);
      else if (was.decision && now.decision) {
        const problem = check(bundle, was, now);
        if (problem) problems.push(`${where}: ${problem}\n  before: ${JSON.stringify(was.decision)}\n  after:  ${JSON.stringify(now.decision)}`);
      }
    });
    if (problems.length > 0) throw new Error(`${problems.join('\n')}\n# bundle\n${manifestsYAML(other)}`);
  });
}

/** Sorted before every generated cluster-wide policy: priority 0, kind AdminNetworkPolicy, a name starting with a digit. */
function firstAdminPolicy(name: string, action: 'Allow' | 'Deny' | 'Pass'): K8sObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: {
      priority: 0,
      subject: { namespaces: {} },
      ingress: [{ action, from: [{ namespaces: {} }] }],
      egress: [{ action, to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] }],
    },
  };
}

describe('reference evaluator on bundles with cluster-wide tiers', () => {
  const runs = { numRuns: INVARIANT_RUNS, seed: SEED };

  it('throws nothing but FlowError', async () => {
    await fc.assert(
      everyAnswer(referenceEngine, () => undefined, TIERS),
      runs,
    );
  });

  it('refuses a flow exactly when an endpoint is unknown or ambiguous, or two addresses differ in family', async () => {
    await fc.assert(everyAnswer(referenceEngine, refusalProblem, TIERS), runs);
  });

  it('allows exactly when no side has a denying reason, and names the rules that decided or passed', async () => {
    await fc.assert(
      everyAnswer(
        referenceEngine,
        (bundle, { decision }) => {
          if (!decision) return undefined;
          if (decision.reason === 'loopback') {
            return decision.allowed && !decision.egress && !decision.ingress ? undefined : 'loopback with sides, or denied';
          }
          const sides = [decision.egress, decision.ingress];
          if (sides.some((side) => side === undefined)) return 'a side verdict is missing';
          for (const side of sides as SideVerdict[]) {
            const problem = sideProblem(bundle, side);
            if (problem) return `${side.direction}: ${problem}`;
          }
          const denied = (sides as SideVerdict[]).filter((side) => !side.allowed).map((side) => side.direction);
          if (decision.allowed !== (denied.length === 0)) return 'allowed disagrees with the sides';
          if (JSON.stringify(decision.deniedBy) !== JSON.stringify(denied)) return 'deniedBy is not the denying sides';
          const hadSay = (sides as SideVerdict[]).some((side) => side.isolatedBy.length > 0 || side.decidedBy !== undefined);
          const reason = !decision.allowed ? 'denied' : hadSay ? 'allowed' : 'no-policy';
          return decision.reason === reason ? undefined : `reason should be ${reason}`;
        },
        TIERS,
      ),
      runs,
    );
  });

  it('decides and passes by the rules a second reading of the manifests finds (test/fuzz/tier-oracle.ts)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(TIERS), async ({ objects, flows }) => {
        const bundle = ingest(objects);
        const oracle = new TierOracle(objects, bundle);
        const problems: string[] = [];
        for (const { flow, json, decision } of await answer(referenceEngine, bundle, flows)) {
          if (!decision || decision.reason === 'loopback') continue;
          const found = [decision.egress!, decision.ingress!].flatMap((side) => oracle.checkSide(flow, side));
          if (found.length > 0) problems.push(`${JSON.stringify(json)}: ${found.join('; ')}\n  ${JSON.stringify(decision)}`);
        }
        if (problems.length > 0) throw new Error(`${problems.join('\n')}\n# bundle\n${manifestsYAML(objects)}`);
      }),
      runs,
    );
  });

  it('denies every flow between non-hostNetwork pods, and from them to any address, under an admin Deny-all at priority 0', async () => {
    const denyAll = firstAdminPolicy('0-deny-all', 'Deny');
    await fc.assert(
      comparedWith(
        (objects) => [...objects, denyAll],
        (bundle, _before, { flow, decision }) => {
          if (!isSelectablePod(bundle, flow.src) || decision!.reason === 'loopback') return undefined;
          const deniedByIt = (side: SideVerdict | undefined): boolean =>
            side?.allowed === false && side.reason === 'admin-denied' && side.decidedBy?.name === '0-deny-all';
          // A destination given as an address is in 0.0.0.0/0 or ::/0, whoever owns it.
          const podDst = isSelectablePod(bundle, flow.dst);
          if ((podDst || flow.dst.kind === 'ip') && !deniedByIt(decision!.egress)) return 'egress should be denied by 0-deny-all';
          if (podDst && !deniedByIt(decision!.ingress)) return 'ingress should be denied by 0-deny-all';
          return undefined;
        },
      ),
      runs,
    );
  });

  it('answers sides no tier decided exactly as the bundle without cluster-wide policies does', async () => {
    await fc.assert(
      comparedWith(
        (objects) => objects.filter((object) => !CLUSTER_KINDS.has(object.kind as string)),
        (_bundle, { decision: tiered }, { decision: plain }) => {
          const problems: string[] = [];
          for (const direction of ['egress', 'ingress'] as const) {
            const side = tiered![direction];
            if (!side || side.decidedBy) continue;
            const diff = diffValues(withoutPass(side), plain![direction]);
            if (diff.length > 0) problems.push(`${direction}: ${diff.join('; ')}`);
          }
          if (problems.length > 0) return problems.join('; ');
          if (tiered!.egress?.decidedBy || tiered!.ingress?.decidedBy) return undefined;
          const diff = diffValues(withoutPasses(tiered!), plain);
          return diff.length > 0 ? diff.join('; ') : undefined;
        },
      ),
      runs,
    );
  });

  it('answers flows between non-hostNetwork pods under an admin Pass-all at priority 0 as without the admin tier', async () => {
    const passAll = firstAdminPolicy('0-pass-all', 'Pass');
    const isAdmin = (object: K8sObject): boolean =>
      object.kind === 'AdminNetworkPolicy' || (object.kind === 'ClusterNetworkPolicy' && (object.spec as K8sObject).tier === 'Admin');
    // The same flows on the bundle without any admin policy: the Pass leaves exactly that, and says so.
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(TIERS), async ({ objects, flows }) => {
        const bundle = ingest(objects);
        const passed = await answer(referenceEngine, ingest([...objects, passAll]), flows);
        const noAdmin = await answer(referenceEngine, ingest(objects.filter((object) => !isAdmin(object))), flows);
        const problems: string[] = [];
        passed.forEach((was, i) => {
          const now = noAdmin[i]!;
          if (!was.decision || !now.decision) return;
          if (!isSelectablePod(bundle, was.flow.src) || !isSelectablePod(bundle, was.flow.dst)) return;
          const where = JSON.stringify(was.json);
          for (const side of was.decision.reason === 'loopback' ? [] : [was.decision.egress, was.decision.ingress]) {
            if (side?.passedBy?.name !== '0-pass-all') problems.push(`${where}: ${side?.direction} should be passed by 0-pass-all`);
          }
          const diff = diffValues(withoutPasses(was.decision), now.decision);
          if (diff.length > 0) problems.push(`${where}: ${diff.join('; ')}`);
        });
        if (problems.length > 0) throw new Error(`${problems.join('\n')}\n# bundle\n${manifestsYAML([...objects, passAll])}`);
      }),
      runs,
    );
  });

  it('decides alike on a bundle read back from its canonical JSON', () => {
    fc.assert(decidesAlikeWhenRevived(TIERS), runs);
  });
});

/**
 * One side's reason against its other fields: allowed unless the reason denies; `decidedBy` exactly
 * with an admin-* or baseline-* reason, naming a rule of that tier with that action, at that index
 * of that direction; `passedBy` an admin Pass rule; the baseline decides only for pods no
 * NetworkPolicy isolates.
 */
function sideProblem(bundle: Bundle, side: SideVerdict): string | undefined {
  if (side.allowed === DENYING_REASONS.has(side.reason)) return `allowed is ${side.allowed} with reason ${side.reason}`;
  const tier = side.reason.startsWith('admin-') ? 'admin' : side.reason.startsWith('baseline-') ? 'baseline' : undefined;
  if ((tier !== undefined) !== (side.decidedBy !== undefined)) return `decidedBy should be ${tier ? 'set' : 'absent'} with reason ${side.reason}`;
  const ruleProblem = (ref: NonNullable<SideVerdict['decidedBy']>, expectedTier: string, action: string): string | undefined => {
    const policy = bundle.clusterPolicies.find((p) => p.kind === ref.kind && p.name === ref.name);
    if (!policy) return `${ref.kind} ${ref.name} is not in the bundle`;
    if (policy.tier !== expectedTier) return `${ref.kind} ${ref.name} is in tier ${policy.tier}, not ${expectedTier}`;
    const rule = policy[side.direction][ref.rule];
    if (!rule) return `${ref.kind} ${ref.name} has no ${side.direction} rule ${ref.rule}`;
    if (rule.action !== action || ref.action !== action) return `rule ${ref.rule} of ${ref.name} has action ${rule.action} (reported ${ref.action}), expected ${action}`;
    if (rule.name !== ref.ruleName) return `rule ${ref.rule} of ${ref.name} is named ${JSON.stringify(rule.name)}, reported ${JSON.stringify(ref.ruleName)}`;
    return undefined;
  };
  if (side.decidedBy) {
    const problem = ruleProblem(side.decidedBy, tier!, side.allowed ? 'Allow' : 'Deny');
    if (problem) return `decidedBy: ${problem}`;
    if (tier === 'baseline' && side.isolatedBy.length > 0) return 'the baseline decided for a pod a NetworkPolicy isolates';
  }
  if (side.passedBy) {
    if (tier === 'admin') return 'passedBy with an admin decision';
    const problem = ruleProblem(side.passedBy, 'admin', 'Pass');
    if (problem) return `passedBy: ${problem}`;
  }
  if (['outside-cluster', 'host-network'].includes(side.reason) && (side.passedBy || side.isolatedBy.length > 0)) {
    return `${side.reason} with passedBy or isolatedBy`;
  }
  return undefined;
}
