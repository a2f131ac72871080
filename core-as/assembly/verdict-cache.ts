// The batch path's verdict cache: flow logs repeat (a few conversations make most flows), so the
// verdict of a flow record seen recently is copied instead of decided again. The key is the whole
// flow record and a verdict depends on nothing else but the loaded image, so a hit answers exactly
// what deciding would; records naming ad-hoc pods (whose meaning is the batch's ad-hoc table) are
// never cached. Two-way set-associative: a set holds the two records last decided there, the
// newer first.
import { ENDPOINT_KIND_ADHOC, FLOW_RECORD_BYTES, VERDICT_RECORD_BYTES } from './layout';
import { decideRecord } from './decide';
import { WARM_MAX, warmingPays, warmRecords } from './warm';

/** 8,192 sets of two 64-byte slots: 1 MiB, allocated once per core instance. SPARSE_EVERY divides it. */
const SET_BITS: u64 = 13;
const SETS: usize = 1 << <usize>SET_BITS;
/** A slot (byte offsets): the flow record, its verdict record, the epoch it was written in. */
const SLOT_KEY: usize = 0;
const SLOT_VERDICT: usize = FLOW_RECORD_BYTES;
const SLOT_EPOCH: usize = SLOT_VERDICT + VERDICT_RECORD_BYTES;
const SLOT_BYTES: usize = 64;
const SET_BYTES: usize = 2 * SLOT_BYTES;
/** The key is compared as u64 words. */
const KEY_WORDS: usize = FLOW_RECORD_BYTES >> 3;

// The slot layout and setOf (five key words) hold only while records keep these sizes: a layout change must revisit them.
// @ts-ignore: compile-time check
if (FLOW_RECORD_BYTES != 40 || VERDICT_RECORD_BYTES != 20 || SLOT_EPOCH + 4 > SLOT_BYTES) ERROR('verdict cache slots no longer fit the records');

let sets: usize = 0;
/** Slots of another epoch are empty: bumping it empties the cache without touching the slots. */
let epoch: u32 = 0;

/**
 * Empties the cache: called for every image loaded, whose verdicts differ. The first call
 * allocates it, while the host expects memory to grow (it refreshes its views after loading).
 */
export function resetVerdictCache(): void {
  if (sets == 0) {
    // Fresh memory is zero: epoch 0, empty. A slot per cache line.
    sets = (heap.alloc(SETS * SET_BYTES + SLOT_BYTES) + SLOT_BYTES - 1) & ~(SLOT_BYTES - 1);
  }
  epoch++;
  if (epoch == 0) {
    memory.fill(sets, 0, SETS * SET_BYTES);
    epoch = 1;
  }
}

/**
 * Batches smaller than this skip the cache: each of their few records would fault in a fresh page
 * of its megabyte, for hits they are unlikely to get.
 */
export const CACHE_MIN_BATCH: u32 = 256;

/**
 * Records per judgement of the hit rate. A miss costs a random access to a megabyte of slots,
 * about what deciding costs: below one hit in HITS_TO_STAY lookups, only the records of one set in
 * SPARSE_EVERY use the cache (enough to see repetition come back) until a window's lookups hit that
 * often again.
 */
const WINDOW: u32 = 4096;
const SPARSE_EVERY: usize = 16;
const HITS_TO_STAY: u32 = 2;
let sparse = false;
let windowRecords: u32 = 0;
let windowLookups: u32 = 0;
let windowHits: u32 = 0;

/**
 * Records warmed together (warm.ts): enough independent misses to fill the CPU's window, few
 * enough lines to stay cached until decided. Only while the cache misses (sparse): records that
 * hits answer would pay for warming in vain.
 */
const WARM_GROUP: u32 = WARM_MAX;

/**
 * `count` records at `flows` -> verdicts at `verdicts`, each answered from the cache when the same
 * record was decided recently, else decided (`decideRecord`) and remembered. One loop with the
 * window's counters in locals: a hit is a hash, one set's line and a 20-byte copy, and the
 * bookkeeping around it must not cost more than that. While the cache hits, that loop runs to the
 * batch's end; while it misses (and warming pays), it stops every WARM_GROUP records to warm the
 * next group. A window that turns the cache sparse ends the run after its record, so the next
 * group is warmed; one that turns it dense lets the group finish, and the next run is unbroken.
 */
export function decideCachedBatch(flows: usize, count: u32, verdicts: usize): void {
  let records = windowRecords;
  let lookups = windowLookups;
  let hits = windowHits;
  let isSparse = sparse;
  const now = epoch;
  const warm = warmingPays();
  let i: u32 = 0;
  while (i < count) {
    let end = count;
    if (isSparse && warm) {
      end = min(count, i + WARM_GROUP);
      warmRecords(flows + <usize>i * FLOW_RECORD_BYTES, end - i);
    }
    for (; i < end; i++) {
      const flow = flows + <usize>i * FLOW_RECORD_BYTES;
      const at = verdicts + <usize>i * VERDICT_RECORD_BYTES;
      // The record's five words, read once for the ad-hoc check, the hash and the key compare.
      const head = load<u64>(flow);
      if (namesAdhoc(head)) {
        decideRecord(flow, at);
        continue;
      }
      records++;
      if (records == WINDOW) {
        const wasSparse = isSparse;
        isSparse = hits * HITS_TO_STAY < lookups;
        records = lookups = hits = 0;
        // Turned sparse in an unwarmed run: this record is the run's last.
        if (isSparse && !wasSparse && warm) end = i + 1;
      }
      const src = load<u64>(flow, 8);
      const srcRest = load<u64>(flow, 16);
      const dst = load<u64>(flow, 24);
      const dstRest = load<u64>(flow, 32);
      const set = setOf(head, src, srcRest, dst, dstRest);
      // Sparse: only the records of one set in SPARSE_EVERY, which see the hit rate all records would
      // (the same load per set), whatever order the records come in.
      if (isSparse && (set & (SPARSE_EVERY - 1)) != 0) {
        decideRecord(flow, at);
        continue;
      }
      lookups++;
      const newer = sets + set * SET_BYTES;
      const older = newer + SLOT_BYTES;
      if (holds(newer, head, src, srcRest, dst, dstRest, now)) {
        hits++;
        copyVerdict(newer + SLOT_VERDICT, at);
      } else if (holds(older, head, src, srcRest, dst, dstRest, now)) {
        hits++;
        copyVerdict(older + SLOT_VERDICT, at);
      } else {
        decideRecord(flow, at);
        remember(newer, older, flow, at, now);
      }
    }
  }
  windowRecords = records;
  windowLookups = lookups;
  windowHits = hits;
  sparse = isSparse;
}

/** An endpoint kind (the record's first two bytes, in its first word) is ad-hoc. */
// @ts-ignore: decorator
@inline function namesAdhoc(head: u64): bool {
  return (head & 0xff) == <u64>ENDPOINT_KIND_ADHOC || ((head >> 8) & 0xff) == <u64>ENDPOINT_KIND_ADHOC;
}

/** The set's newer slot moves to the older one; the record and its verdict take the newer. */
function remember(newer: usize, older: usize, flow: usize, verdict: usize, now: u32): void {
  // Word by word: V8 runs memory.copy out of line, which costs more than these 64 bytes.
  for (let i: usize = 0; i < SLOT_BYTES; i += 8) store<u64>(older + i, load<u64>(newer + i));
  for (let i: usize = 0; i < KEY_WORDS; i++) store<u64>(newer + SLOT_KEY + (i << 3), load<u64>(flow + (i << 3)));
  copyVerdict(verdict, newer + SLOT_VERDICT);
  store<u32>(newer + SLOT_EPOCH, now);
}

/**
 * The record's set, from its five words: the top bits of a sum of each word times its own odd
 * constant. The products are independent (no chain of multiplies), and each word's top bits
 * depend on all of its bits, as in multiplicative hashing.
 */
// @ts-ignore: decorator
@inline function setOf(head: u64, src: u64, srcRest: u64, dst: u64, dstRest: u64): usize {
  const hash = head * 0x9e3779b97f4a7c15 + src * 0xc2b2ae3d27d4eb4f + srcRest * 0x165667b19e3779f9 +
    dst * 0xd6e8feb86659fd93 + dstRest * 0xff51afd7ed558ccd;
  return <usize>(hash >> (64 - SET_BITS));
}

/** The slot holds this epoch's verdict of the record with these five words. */
// @ts-ignore: decorator
@inline function holds(slot: usize, head: u64, src: u64, srcRest: u64, dst: u64, dstRest: u64, now: u32): bool {
  const differ = <u64>(load<u32>(slot + SLOT_EPOCH) ^ now) | (load<u64>(slot + SLOT_KEY) ^ head) |
    (load<u64>(slot + SLOT_KEY, 8) ^ src) | (load<u64>(slot + SLOT_KEY, 16) ^ srcRest) |
    (load<u64>(slot + SLOT_KEY, 24) ^ dst) | (load<u64>(slot + SLOT_KEY, 32) ^ dstRest);
  return differ == 0;
}

/** A verdict record is 20 bytes: two u64 words and a u32. */
// @ts-ignore: decorator
@inline function copyVerdict(from: usize, to: usize): void {
  store<u64>(to, load<u64>(from));
  store<u64>(to + 8, load<u64>(from + 8));
  store<u32>(to + 16, load<u32>(from + 16));
}
