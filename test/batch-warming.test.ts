/**
 * @module The core's batch loop on an image large enough to warm records ahead (4,096 pods or more,
 * core-as/assembly/warm.ts) with cluster tiers: byte for byte the reference's verdicts while the
 * verdict cache misses (warmed groups), turns to hits, and misses again mid-batch; in the release
 * core and in the debug one, whose assertions trap where warming would overflow its scratch.
 */
import { describe, expect, it } from 'vitest';
import { generateCluster, sampleFlows } from '../bench/generate.js';
import { tierObjects } from '../bench/tiers.js';
import { compileBundle } from '../src/compile/compile.js';
import { FLOW_RECORD_BYTES } from '../src/compile/layout.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';

/** Above warm.ts's WARM_MIN_PODS, so that the batch loop warms. */
const PODS = 4_400;

describe('the batch loop with warming (tiered image of 4,400 pods)', () => {
  // The debug build checks the loop's invariants (warm.ts: a group never overflows its scratch rows).
  it.each(['release', 'debug'] as const)('answers as the reference through misses, hits and misses again, pod- and IP-addressed (%s core)', async (build) => {
    const cluster = generateCluster({ pods: PODS, policies: 300, namespaces: 24 }, 5);
    const bundle = ingestObjects([...cluster.objects, ...tierObjects(cluster.namespaces)]).bundle!;
    expect(bundle.pods.length).toBeGreaterThanOrEqual(4_096);
    const engine = new WasmEngine(loadCoreModule(build), compileBundle(bundle).image);
    const encode = (seed: number, count: number): Uint8Array =>
      engine.encodeRecords([...sampleFlows(bundle, count / 2, 'pod', seed), ...sampleFlows(bundle, count / 2, 'ip', seed + 1)]);
    // Distinct records (the cache misses: sparse, warmed), a few hundred repeated (it hits: dense,
    // one unbroken run), distinct again (sparse again inside a run); a length no group size divides.
    const few = encode(3, 300);
    const parts = [encode(1, 9_000), ...Array.from({ length: 20 }, () => few), encode(5, 9_002)];
    const records = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    parts.reduce((at, part) => (records.set(part, at), at + part.length), 0);
    expect((records.length / FLOW_RECORD_BYTES) % 16).not.toBe(0);
    const expected = Buffer.from(await new ReferenceEngine(bundle).decideRecords(records));
    for (let round = 0; round < 2; round++) {
      expect(Buffer.from(await engine.decideRecords(records)).equals(expected), `round ${round}`).toBe(true);
    }
  }, 120_000);
});
