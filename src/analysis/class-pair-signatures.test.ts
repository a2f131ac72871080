/**
 * @module Class pairs decided by signature: a signature is the whole of what a pair's pattern
 * depends on, so pairs that differ in any part of it (egress group, ingress group, namings) are
 * never merged; and on a bundle whose class pairs share sides in every combination, each pair's
 * pattern is its own (pairs of one signature agreeing, pairs of different answers apart).
 */
import { describe, expect, it } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects } from '../ingest/bundle.js';
import { ClassPairSignatures, groupBySource, NO_PAIR } from './class-pair-signatures.js';
import { wasmDecider } from './decider.js';
import { NOTHING, PatternStore } from './patterns.js';
import { PodPairs } from './pod-pairs.js';
import { EVERYTHING } from './side-slots.js';

describe('ClassPairSignatures', () => {
  it('keeps signatures apart that differ in the egress group, the ingress group or the namings', () => {
    const table = new ClassPairSignatures();
    const base = table.add(3, 7, 0b1);
    expect(table.find(3, 7, 0b1)).toBe(base);
    for (const [egress, ingress, namings] of [
      [4, 7, 0b1],
      [3, 8, 0b1],
      [3, 7, 0b11],
      [-1, 7, 0b1], // an open egress side is not group 0 ...
      [0, 7, 0b1],
      [3, -1, 0b1], // ... nor is an open ingress side
      [3, 0, 0b1],
      [7, 3, 0b1], // nor the sides swapped
    ] as const) {
      expect(table.find(egress, ingress, namings)).toBeUndefined();
      expect(table.add(egress, ingress, namings)).not.toBe(base);
    }
    expect(table.size).toBe(9);
  });

  it('resolves a signature to the union over its namings of what both sides allow', () => {
    const store = new PatternStore([
      { protocol: 'TCP', from: 1, to: 79 },
      { protocol: 'TCP', from: 80, to: 80 },
      { protocol: 'TCP', from: 81, to: 65535 },
    ]);
    const bits = (...on: number[]) => store.intern(Uint32Array.of(on.reduce((word, i) => word | (1 << i), 0)));
    // Slot (group x 5 + naming) patterns: group 0 allows intervals 0 and 1 by reference and 2 by address.
    const slotPatterns = new Map([
      [0, bits(0, 1)],
      [1, bits(2)],
      [5, bits(1)],
      [6, bits(1, 2)],
    ]);
    const slots = { both: (e: number, i: number) => store.intersect(slotOf(e), slotOf(i)) };
    const slotOf = (slot: number) => (slot === EVERYTHING ? store.everything() : slotPatterns.get(slot)!);
    const table = new ClassPairSignatures();
    const byReference = table.add(0, 1, 0b1);
    const both = table.add(0, 1, 0b11);
    const openEgress = table.add(-1, 1, 0b11);
    table.resolve(slots, store);
    expect(table.pattern(byReference)).toBe(bits(1));
    expect(table.pattern(both)).toBe(bits(1, 2));
    expect(table.pattern(openEgress)).toBe(bits(1, 2));
    expect(table.pattern(NO_PAIR)).toBe(NOTHING);
    // Not resolved yet: a bug, not an answer.
    const late = table.add(1, 0, 0b1);
    expect(() => table.pattern(late)).toThrow(/not decided/);
  });

  it('groups flat pairs by source, each source keeping its destinations in order', () => {
    const { starts, targets } = groupBySource(Int32Array.of(2, 0, 0, 3, 2, 1, 0, 1), 4);
    expect([...starts]).toEqual([0, 2, 2, 4, 4]);
    expect([...targets]).toEqual([3, 1, 0, 1]);
  });
});

const pod = (name: string, app: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'app', labels: { app } },
  spec: { containers: [{ name: 'c' }] },
  status: { podIPs: [{ ip }], hostIPs: [{ ip: '192.168.0.1' }], hostIP: '192.168.0.1' },
});

const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'app' }, spec });

/**
 * Sources c1 (egress open) and c2, c3 (egress isolated: c2 to TCP 80 of api and web, c3 to TCP
 * 443 of api); destinations api (ingress open), web (ingress TCP 80 from c1 and c2) and db
 * (ingress TCP 5432 from c1). So c1 -> web and c1 -> db share the egress side and differ in the
 * ingress side; c2 -> api and c3 -> api share the ingress side and differ in the egress side.
 */
const objects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
  pod('c1', 'c1', '10.0.0.1'),
  pod('c2', 'c2', '10.0.0.2'),
  pod('c3', 'c3', '10.0.0.3'),
  pod('api', 'api', '10.0.0.4'),
  pod('web', 'web', '10.0.0.5'),
  pod('db', 'db', '10.0.0.6'),
  policy('c2-out', {
    podSelector: { matchLabels: { app: 'c2' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] } }], ports: [{ port: 80 }] }],
  }),
  policy('c3-out', {
    podSelector: { matchLabels: { app: 'c3' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 443 }] }],
  }),
  policy('web-in', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['c1', 'c2'] }] } }], ports: [{ port: 80 }] }],
  }),
  policy('db-in', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'c1' } } }], ports: [{ port: 5432 }] }],
  }),
];

describe('class pairs of one bundle decided by signature', () => {
  it('gives each pair its own answer where the sides differ, and pairs of one signature one answer', () => {
    const bundle = ingestObjects(objects).bundle!;
    const pairs = new PodPairs(bundle, wasmDecider(loadCoreModule(), bundle));
    const classOf = (name: string) => pairs.classes.classOf[bundle.pods.findIndex((p) => p.name === name)]!;
    const batch = pairs.requestClassPairs(pairs.candidatePairs(undefined, undefined));
    pairs.flush();
    const allowed = (src: string, dst: string) => {
      const set = pairs.store.connSet(pairs.classPattern(classOf(src), classOf(dst)));
      return set.all ? 'all' : `${set.ports.TCP.map(([a, b]) => `${a}-${b}`)}|${set.ports.UDP.length}|${set.ports.SCTP.length}`;
    };
    // Same egress side (open), different ingress sides.
    expect(allowed('c1', 'web')).toBe('80-80|0|0');
    expect(allowed('c1', 'db')).toBe('5432-5432|0|0');
    // Same ingress side (open), different egress sides.
    expect(allowed('c2', 'api')).toBe('80-80|0|0');
    expect(allowed('c3', 'api')).toBe('443-443|0|0');
    // Both sides open: one signature for these two pairs, with one answer.
    expect(allowed('c1', 'api')).toBe('all');
    expect(allowed('api', 'c1')).toBe('all');
    expect(allowed('c2', 'web')).toBe('80-80|0|0');
    expect(allowed('c3', 'web')).toBe('|0|0');
    expect(allowed('c2', 'db')).toBe('|0|0');
    // The batch reads the same patterns, by source; a bare pod with itself is no pair.
    const { starts, targets, patterns } = batch.bySource();
    for (let a = 0; a + 1 < starts.length; a++) {
      for (let k = starts[a]!; k < starts[a + 1]!; k++) {
        const b = targets[k]!;
        expect(patterns[k]).toBe(a === b ? NOTHING : pairs.classPattern(a, b));
      }
    }
  });
});
