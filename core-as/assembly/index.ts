// netpol-edge core: decides flows from a compiled image (src/compile/layout.ts). Raw bindings: the
// host passes addresses and counts only. The stub runtime never collects; the only allocations are
// the buffers the host asks for once per instance, so the hot path allocates nothing.
import { FLOW_RECORD_BYTES, FORMAT_ID, LOAD_ERROR_BAD_SECTION_SIZE, SECTION_ALIGN_BYTES, VERDICT_RECORD_BYTES } from './layout';
import { loadImage } from './image';
import { decideRecord, setAdhocTable, writeIsolating } from './decide';
import { CACHE_MIN_BATCH, decideCachedBatch, resetVerdictCache } from './verdict-cache';
import { indexAddresses } from './address-index';
export { addFlowEndpoint, cutFlowEndpointHash, flowLinesBlock, flowLinesPart, scanFlowLines } from './flow-lines';

/**
 * Reserves `bytes` of linear memory for the host (the image, flows, verdicts), starting on a cache
 * line: the image's sections, lines apart in the image, then start on lines in memory too.
 */
export function allocate(bytes: u32): usize {
  const align = <usize>SECTION_ALIGN_BYTES;
  // Near 4 GiB the padding would wrap: no such block exists anyway.
  if (<u64>bytes + <u64>align > <u64>0xffffffff) unreachable();
  return (heap.alloc(<usize>bytes + align - 1) + align - 1) & ~(align - 1);
}

/** The image format this core reads (layout.ts FORMAT_ID, generated from the compiler's layout). */
export function formatId(): u32 {
  return FORMAT_ID;
}

/** Checks and binds the image at `image`; 0 or a negated LOAD_ERROR_* code. */
export function load(image: usize, length: u32): i32 {
  const status = loadImage(image, length);
  if (status != 0) return status;
  if (!indexAddresses()) return -LOAD_ERROR_BAD_SECTION_SIZE;
  // Verdicts cached for any earlier image are not this one's.
  resetVerdictCache();
  return 0;
}

/** Declares the ad-hoc pod records that flows of kind ADHOC index. */
export function adhocTable(base: usize, count: u32): void {
  setAdhocTable(base, count);
}

/** One flow record -> one verdict record; returns the status. */
export function decide(flow: usize, verdict: usize): u32 {
  return decideRecord(flow, verdict);
}

/**
 * `count` flow records -> `count` verdict records, with no call back to the host; in batches of
 * CACHE_MIN_BATCH or more, records decided before are answered from the verdict cache.
 */
export function decideBatch(flows: usize, count: u32, verdicts: usize): void {
  if (count >= CACHE_MIN_BATCH) {
    decideCachedBatch(flows, count, verdicts);
    return;
  }
  for (let i: u32 = 0; i < count; i++) {
    decideRecord(flows + <usize>i * FLOW_RECORD_BYTES, verdicts + <usize>i * VERDICT_RECORD_BYTES);
  }
}

/** `decide`, then the policies isolating each side, written at `isolating` (see writeIsolating). */
export function explain(flow: usize, verdict: usize, isolating: usize): u32 {
  const status = decideRecord(flow, verdict);
  if (status == 0) writeIsolating(isolating);
  return status;
}
