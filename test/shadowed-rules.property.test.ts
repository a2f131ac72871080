/**
 * @module Property: a rule reported shadowed never decides a flow. On random small bundles with
 * cluster-wide tiers (test/fuzz), every reported rule is looked for in the reference evaluator's
 * explanations of a probe set of flows (every pod, ad-hoc pods of every namespace, the addresses
 * around every cidr, the edges of every port range, each protocol), and must never be the rule that
 * allowed, decided or passed a side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findShadowedRules } from '../src/analysis/shadowed-rules.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import { decodeFlow } from '../src/flow/decode.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import type { Bundle } from '../src/model/bundle.js';
import type { Decision } from '../src/model/decision.js';
import type { Flow } from '../src/model/flow.js';
import { bundleObjectsArbitrary, flowTargets, VOCABULARY, type EndpointJSON, type K8sObject } from './fuzz/arbitraries.js';
import { manifestsYAML } from './fuzz/report.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** Flows per bundle: the cross product, strided down to this many when larger. */
const PROBES = 6_000;

const ADHOC_LABELS: Record<string, string>[] = [{}, { app: 'web' }, { app: 'db', tier: 'front' }, { app: 'api', tier: '' }];
const ADHOC_PORTS: K8sObject[] = VOCABULARY.portNames.map((name, i) => ({ name, port: VOCABULARY.portNumbers[i + 1]!, protocol: i === 1 ? 'UDP' : 'TCP' }));

function probeEndpoints(bundle: Bundle, objects: readonly unknown[]): EndpointJSON[] {
  const t = flowTargets(bundle, objects);
  const adhoc = t.namespaces.flatMap((namespace) => ADHOC_LABELS.map((labels, i) => ({ namespace, labels, ...(i % 2 === 0 ? { ports: ADHOC_PORTS } : {}) })));
  const ips = [...new Set([...t.podIPs, ...t.hostIPs, ...t.blockIPs, ...t.nodeIPs, ...t.networkIPs])];
  return [...t.refs, ...ips, ...adhoc];
}

function* probeFlows(bundle: Bundle, objects: readonly unknown[]): Generator<Flow> {
  const endpoints = probeEndpoints(bundle, objects);
  const t = flowTargets(bundle, objects);
  const ports = [...new Set([...t.edgePorts, ...t.ports])];
  const protocols = ['TCP', 'UDP', 'SCTP'];
  const total = endpoints.length * endpoints.length * ports.length * protocols.length;
  const stride = Math.max(1, Math.floor(total / PROBES));
  for (let k = 0; k < total; k += stride) {
    const protocol = protocols[k % protocols.length]!;
    const rest = Math.floor(k / protocols.length);
    const port = ports[rest % ports.length]!;
    const pair = Math.floor(rest / ports.length);
    try {
      yield decodeFlow({ src: endpoints[pair % endpoints.length], dst: endpoints[Math.floor(pair / endpoints.length)], protocol, port });
    } catch {
      // Not a flow (an IP pair of two families): nothing to probe.
    }
  }
}

/** The rules that decided a side of the decision, as `kind namespace/name direction rule`. */
function decidingRules(decision: Decision): string[] {
  const keys: string[] = [];
  for (const side of [decision.egress, decision.ingress]) {
    if (!side) continue;
    if (side.allowedBy) keys.push(`NetworkPolicy ${side.allowedBy.policy.namespace}/${side.allowedBy.policy.name} ${side.direction} ${side.allowedBy.rule}`);
    for (const ref of [side.decidedBy, side.passedBy]) if (ref) keys.push(`${ref.kind} /${ref.name} ${side.direction} ${ref.rule}`);
  }
  return keys;
}

describe('shadowed rules (property)', () => {
  it(`no reported rule decides any probe flow, on ${RUNS} random bundles with tiers`, () => {
    let checked = 0;
    let decidedByCoverers = 0;
    fc.assert(
      fc.property(bundleObjectsArbitrary({ tiers: true, maxPolicies: 6 }), (objects) => {
        const bundle = ingestObjects(objects).bundle;
        if (!bundle) return;
        const shadowed = findShadowedRules(bundle);
        if (shadowed.length === 0) return;
        const key = (r: { kind: string; namespace?: string; name: string; direction: string; rule: number }) => `${r.kind} ${r.namespace ?? ''}/${r.name} ${r.direction} ${r.rule}`;
        const reported = new Set(shadowed.map(key));
        const coverers = new Set(shadowed.flatMap((r) => r.shadowedBy.map(key)));
        const engine = new ReferenceEngine(bundle);
        for (const flow of probeFlows(bundle, objects)) {
          let decision: Decision;
          try {
            decision = engine.explainNow(flow);
          } catch {
            continue;
          }
          for (const rule of decidingRules(decision)) {
            if (reported.has(rule)) throw new Error(`${rule} is reported shadowed but decides ${JSON.stringify(flow)}\n${manifestsYAML(objects)}`);
            if (coverers.has(rule)) decidedByCoverers++;
          }
        }
        checked += shadowed.length;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The property looked at something: rules were reported, and the rules in front of them decided flows.
    expect(checked).toBeGreaterThan(RUNS / 2);
    expect(decidedByCoverers).toBeGreaterThan(0);
  }, 300_000);
});
