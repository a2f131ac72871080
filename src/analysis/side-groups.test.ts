/**
 * @module Deciding each side on its own, once per (profile, peer group), against deciding every
 * pod pair whole: on random bundles (plain and tiered), every class pair's pattern equals the union
 * over the pod pairs of those classes (each named every way requestPodPair names it) of the
 * patterns the core gives their flows, and a class pair that is no candidate has no pod pair that
 * allows anything. Likewise each class and cell of the outside world against its representative,
 * and each node-related pod pair and each pod with its own node's address, taken by sides with the
 * side that faces its own node apart, against their flows decided whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects } from '../ingest/bundle.js';
import { bundleObjectsArbitrary } from '../../test/fuzz/arbitraries.js';
import { wasmDecider, type Decider, type RecordEndpoint } from './decider.js';
import { NOTHING, PatternDecider } from './patterns.js';
import { PodPairs } from './pod-pairs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Each flow's whole pattern (both sides), decided by the core. */
function wholePatterns(pairs: PodPairs, decider: Decider, flows: readonly (readonly [RecordEndpoint, RecordEndpoint])[]): number[] {
  const patterns = new PatternDecider(decider, pairs.store);
  const out: number[] = [];
  flows.forEach(([src, dst], i) => patterns.request(src, dst, (pattern) => (out[i] = pattern)));
  patterns.flush();
  return out;
}

function mismatches(objects: Parameters<typeof ingestObjects>[0]): string[] {
  const bundle = ingestObjects(objects).bundle;
  if (!bundle) return [];
  const decider = wasmDecider(loadCoreModule(), bundle);
  const pairs = new PodPairs(bundle, decider);
  const classes = pairs.classes.classes;
  pairs.requestClassPairs(pairs.candidatePairs(undefined, undefined));
  const allPods = bundle.pods.map((_, p) => p);
  pairs.requestRelatedPairs(allPods);
  pairs.requestOutside(classes.map((c) => c.id), allPods);
  pairs.flush();
  const out: string[] = [];
  const n = bundle.pods.length;
  const whole = (key: string): number =>
    wholePatterns(pairs, decider, pairs.representativeFlows(key)).reduce((acc, pattern) => pairs.store.union(acc, pattern), NOTHING);
  // Node-related pod pairs, each way: by sides (a node side apart) against the pair decided whole.
  for (const [p, related] of pairs.related) {
    for (const q of related) {
      const actual = pairs.relatedPattern(p, q);
      const expected = whole(`pod:${p * n + q}`);
      if (expected !== actual) out.push(`related pods ${p} -> ${q}: whole ${expected}, by sides ${actual}`);
    }
  }
  // Each pod and its own node's address, both directions.
  for (const [piece, onNode] of pairs.outside.podsOnPiece) {
    for (const p of onNode) {
      for (const direction of ['egress', 'ingress'] as const) {
        const actual = pairs.outside.outsidePattern(p, piece, direction);
        const expected = whole(pairs.outside.nodeKey(p, piece, direction));
        if (expected !== actual) out.push(`pod ${p} ${direction} its node (piece ${piece}): whole ${expected}, by sides ${actual}`);
      }
    }
  }
  for (const a of classes) {
    for (const b of classes) {
      const podPairs = a.pods.flatMap((p) =>
        b.pods.filter((q) => (p !== q || bundle.pods[p]!.workload !== undefined) && !pairs.isRelated(p, q)).map((q) => [p, q] as const),
      );
      if (podPairs.length === 0) continue;
      const expected = podPairs.map(([p, q]) => {
        const flows = pairs.representativeFlows(`pod:${p * n + q}`);
        return wholePatterns(pairs, decider, flows).reduce((acc, pattern) => pairs.store.union(acc, pattern), NOTHING);
      });
      const actual = pairs.classPattern(a.id, b.id);
      expected.forEach((pattern, i) => {
        if (pattern !== actual) out.push(`classes ${a.id} -> ${b.id} (pods ${podPairs[i]!.join(' -> ')}): whole ${pattern}, by sides ${actual}`);
      });
    }
    // Each class and cell: the representative flow decided whole equals the side's pattern.
    for (const piece of pairs.pieces) {
      if (!pairs.outside.hasCellPattern(a.id, piece.family, piece.cell)) continue;
      for (const direction of ['egress', 'ingress'] as const) {
        const key = pairs.outside.cellKey(a.id, piece.family, piece.cell, direction);
        const [whole] = wholePatterns(pairs, decider, pairs.representativeFlows(key));
        const actual = pairs.outside.cellPattern(a.id, piece.family, piece.cell, direction);
        if (whole !== actual) out.push(`class ${a.id} ${direction} cell ${piece.family}:${piece.cell}: whole ${whole}, by sides ${actual}`);
      }
    }
  }
  return out;
}

describe('a class pair decided by sides equals each of its pod pairs decided whole', () => {
  for (const tiers of [false, true]) {
    it(`on ${RUNS} random ${tiers ? 'tiered ' : ''}bundles`, () => {
      fc.assert(
        fc.property(bundleObjectsArbitrary({ tiers }), (objects) => {
          expect(mismatches(objects)).toEqual([]);
        }),
        { seed: SEED + (tiers ? 1 : 0), numRuns: RUNS },
      );
    }, 240_000);
  }
});

/** Pods beside their node's hostNetwork agents, dual-stack, isolated both ways; optionally under an ANP. */
function nodeRelatedObjects(withAdmin: boolean): unknown[] {
  const pod = (namespace: string, name: string, labels: Record<string, string>, ips: string[], hostIPs: string[], hostNetwork = false) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { hostNetwork, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { podIPs: ips.map((ip) => ({ ip })), hostIPs: hostIPs.map((ip) => ({ ip })), hostIP: hostIPs[0] },
  });
  const node1 = ['192.168.1.1', 'fd00:1::1'];
  const objects: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', labels: { env: 'prod' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
    pod('app', 'web-0', { app: 'web' }, ['10.0.0.1', 'fd00::1'], node1),
    pod('app', 'web-1', { app: 'web' }, ['10.0.0.2'], ['192.168.1.2']),
    pod('app', 'db-0', { app: 'db' }, ['fd00::3', '10.0.0.3'], node1),
    pod('app', 'open-0', { app: 'open' }, ['10.0.0.4'], ['192.168.1.2']),
    pod('kube-system', 'agent-1', { app: 'agent' }, node1, node1, true),
    // Of one class with agent-1: its pairs with web-0 are no node relation, and decide the class pair.
    pod('kube-system', 'agent-2', { app: 'agent' }, ['192.168.1.2', 'fd00:1::2'], ['192.168.1.2', 'fd00:1::2'], true),
    // A pod (not hostNetwork) that owns node 3's address, beside a pod on node 3.
    pod('kube-system', 'odd', { app: 'odd' }, ['192.168.1.3'], node1),
    pod('app', 'web-3', { app: 'web' }, ['10.0.0.5'], ['192.168.1.3']),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'isolate', namespace: 'app' },
      spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] }, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-to-db', namespace: 'app' },
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
      },
    },
    {
      // Web may reach the agents' addresses on one port: a class pair that a node relation widens.
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-dns', namespace: 'app' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '192.168.1.0/24' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
      },
    },
  ];
  if (withAdmin) {
    objects.push({
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'no-nodes' },
      spec: {
        priority: 5,
        subject: { pods: { namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'web' } } } },
        egress: [{ name: 'no-node-web', action: 'Deny', to: [{ networks: ['192.168.1.0/30'] }], ports: [{ portNumber: { protocol: 'TCP', port: 8080 } }] }],
        ingress: [{ name: 'no-ns', action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { protocol: 'TCP', port: 9090 } }] }],
      },
    });
  }
  return objects;
}

describe('node-related pod pairs and own-node addresses decided by sides equal them decided whole', () => {
  for (const withAdmin of [false, true]) {
    it(`${withAdmin ? 'under an AdminNetworkPolicy' : 'NetworkPolicies only'}`, () => {
      const objects = nodeRelatedObjects(withAdmin);
      const bundle = ingestObjects(objects).bundle!;
      const pairs = new PodPairs(bundle, wasmDecider(loadCoreModule(), bundle));
      // The case is what it claims: node relations both ways, and pods on node addresses.
      expect(pairs.related.size).toBeGreaterThanOrEqual(6);
      expect(pairs.outside.podsOnPiece.size).toBeGreaterThanOrEqual(2);
      expect(mismatches(objects)).toEqual([]);
    });
  }
});
