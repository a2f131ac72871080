/**
 * @module The chunks of the streamed list against the whole: on random bundles and budgets, the
 * chunks take every source workload once, in order, and a chunk's pairs are exactly the candidate
 * class pairs (PodPairs.candidatePairs over every class) whose source is one of its classes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleObjectsArbitrary } from '../../test/fuzz/arbitraries.js';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestObjects } from '../ingest/bundle.js';
import { ClassPairChunks } from './class-pair-chunks.js';
import { wasmDecider } from './decider.js';
import { groupWorkloads } from './endpoints.js';
import { PodPairs } from './pod-pairs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const pairKeys = (flat: Int32Array): string[] => {
  const out: string[] = [];
  for (let at = 0; at < flat.length; at += 2) out.push(`${flat[at]}>${flat[at + 1]}`);
  return out.sort();
};

describe('class pair chunks', () => {
  it('cover every source workload in order, each chunk with exactly the candidate pairs of its sources', () => {
    const module = loadCoreModule();
    let split = 0;
    fc.assert(
      fc.property(bundleObjectsArbitrary({ tiers: true, maxPods: 10, maxWorkloads: 5 }), fc.integer({ min: 1, max: 30 }), (objects, budget) => {
        const bundle = ingestObjects(objects).bundle;
        if (!bundle) return;
        const groups = groupWorkloads(bundle);
        const pairs = new PodPairs(bundle, wasmDecider(module, bundle));
        const composition = groups.pods.map((pods) => new Map(pods.map((p) => [pairs.classes.classOf[p]!, 1])));
        const chunker = new ClassPairChunks(pairs.candidates, pairs.classes.classes.length);
        const chunks = chunker.chunks(composition, budget);
        if (chunks.length > 1) split++;
        expect(chunks[0]!.from).toBe(0);
        expect(chunks[chunks.length - 1]!.to).toBe(groups.workloads.length);
        const all = pairKeys(pairs.candidatePairs(undefined, undefined));
        chunks.forEach((chunk, k) => {
          if (k > 0) expect(chunk.from).toBe(chunks[k - 1]!.to);
          const sources = new Set<number>();
          for (let x = chunk.from; x < chunk.to; x++) for (const a of composition[x]!.keys()) sources.add(a);
          expect([...chunk.sources]).toEqual([...sources].sort((a, b) => a - b));
          expect(pairKeys(chunker.pairs(chunk))).toEqual(all.filter((key) => sources.has(Number(key.split('>')[0]))));
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The budgets must split bundles into several chunks often enough to test the chunking.
    expect(split).toBeGreaterThan(RUNS / 4);
  });
});
