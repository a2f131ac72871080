/**
 * @module Deciding each side on its own, once per (profile, peer group), against deciding every
 * pod pair whole: on random bundles (plain and tiered), every class pair's pattern equals the union
 * over the pod pairs of those classes (each named every way requestPodPair names it) of the
 * patterns the core gives their flows, and a class pair that is no candidate has no pod pair that
 * allows anything. Likewise each class and cell of the outside world against its representative.
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
  pairs.requestOutside(classes.map((c) => c.id), []);
  pairs.flush();
  const out: string[] = [];
  const n = bundle.pods.length;
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
      if (!pairs.hasCellPattern(a.id, piece.family, piece.cell)) continue;
      for (const direction of ['egress', 'ingress'] as const) {
        const key = pairs.cellKey(a.id, piece.family, piece.cell, direction);
        const [whole] = wholePatterns(pairs, decider, pairs.representativeFlows(`cell:${key}`));
        const actual = pairs.cellPattern(a.id, piece.family, piece.cell, direction);
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
