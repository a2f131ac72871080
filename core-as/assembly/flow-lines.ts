// NDJSON flow lines to flow records in the core's own memory, many lines a call: the compact line
// shape JSON.stringify writes (src/flow/flow-line-bytes.ts, `{"src":"A","dst":"B","protocol":"TCP",
// "port":80}`, protocol optional, LF or CRLF after the brace), its endpoints found among the texts
// the host resolved and handed over (addFlowEndpoint), its record written as the host writes it
// (src/engine/line-records.ts). The scan stops at the first line it does not take: another shape,
// an endpoint the host has not handed over, a line longer than the host's limit, or one whose line
// feed is not in the bytes copied. The host reads that line itself and calls again after it.
// Endpoint keys are only ever texts the host checked (printable ASCII, no backslash), so a line
// taken here is one the host's own matcher takes, with the same record.
import { FLOW_RECORD_BYTES, FLOW_RECORD_DST, FLOW_RECORD_DST_KIND, FLOW_RECORD_PORT, FLOW_RECORD_PROTOCOL, FLOW_RECORD_SRC, FLOW_RECORD_SRC_KIND, PROTOCOL_CODE_SCTP, PROTOCOL_CODE_TCP, PROTOCOL_CODE_UDP } from './layout';

/** Input bytes copied per call at most, and the lines taken per call at most. */
const INPUT_CAPACITY: usize = 64 * 1024;
const MAX_LINES: usize = 1024;
/** Endpoint texts remembered; past that (or past ARENA_BYTES of text) the table starts over. */
const MAX_ENTRIES: usize = 8192;
const SLOT_COUNT: usize = 2 * MAX_ENTRIES;
const ARENA_BYTES: usize = 512 * 1024;
/** An entry: its key's offset in the arena, its length, its ENDPOINT_KIND, its 16 endpoint bytes. */
const ENTRY_BYTES: usize = 32;
const ENTRY_KEY_AT: usize = 0;
const ENTRY_KEY_LENGTH: usize = 4;
const ENTRY_KIND: usize = 8;
const ENTRY_ENDPOINT: usize = 16;
/** Room after input and arena for the 8-byte reads that pass a key's or the input's end. */
const PAD: usize = 16;

/**
 * The block's parts, in order, each on 16 bytes: the input bytes, the records and line bounds of a
 * scan, the key of an endpoint handed over, the result (the next line's offset; an endpoint's 16
 * bytes handed over at +16), the slots, entries and key arena of the endpoint table.
 */
const INPUT_BYTES: usize = INPUT_CAPACITY + PAD;
const RECORDS_BYTES: usize = MAX_LINES * FLOW_RECORD_BYTES;
const LINES_BYTES: usize = MAX_LINES * 8;
const KEY_BYTES: usize = INPUT_CAPACITY + PAD;
const RESULT_BYTES: usize = 32;
const SLOTS_BYTES: usize = SLOT_COUNT * 8;
const ENTRIES_BYTES: usize = MAX_ENTRIES * ENTRY_BYTES;
const INPUT_AT: usize = 0;
const RECORDS_AT: usize = INPUT_AT + INPUT_BYTES;
const LINES_AT: usize = RECORDS_AT + RECORDS_BYTES;
const KEY_AT: usize = LINES_AT + LINES_BYTES;
const RESULT_AT: usize = KEY_AT + KEY_BYTES;
const SLOTS_AT: usize = RESULT_AT + RESULT_BYTES;
const ENTRIES_AT: usize = SLOTS_AT + SLOTS_BYTES;
const ARENA_AT: usize = ENTRIES_AT + ENTRIES_BYTES;
const BLOCK_BYTES: usize = ARENA_AT + ARENA_BYTES + PAD;
// @ts-ignore: compile-time check
if ((INPUT_BYTES | RECORDS_BYTES | LINES_BYTES | KEY_BYTES | SLOTS_BYTES | ENTRIES_BYTES) & 15) ERROR('flow-lines parts must stay 16-byte multiples');

/** The block's address (flowLinesBlock; 0 before), and its parts'. */
let base: usize = 0;
let slots: usize = 0;
let entries: usize = 0;
let arena: usize = 0;
let entryCount: usize = 0;
let arenaUsed: usize = 0;
/** Hash bits kept: all but in tests, which cut them so that every key collides and bytes must decide. */
let hashMask: u32 = 0xffffffff;

/** Where the block's parts are (byte offsets from its start): 0 input, 1 records, 2 line bounds, 3 key, 4 result. */
export function flowLinesPart(part: u32): u32 {
  if (part == 0) return <u32>INPUT_AT;
  if (part == 1) return <u32>RECORDS_AT;
  if (part == 2) return <u32>LINES_AT;
  if (part == 3) return <u32>KEY_AT;
  if (part == 4) return <u32>RESULT_AT;
  unreachable();
  return 0;
}

/**
 * The block's address, allocated and emptied on the first call (the host expects memory to grow
 * then, and refreshes its views): one block per core instance, whoever asks.
 */
export function flowLinesBlock(): usize {
  if (base == 0) {
    base = (heap.alloc(BLOCK_BYTES + 15) + 15) & ~15;
    slots = base + SLOTS_AT;
    entries = base + ENTRIES_AT;
    arena = base + ARENA_AT;
    clearEndpoints();
  }
  return base;
}

function clearEndpoints(): void {
  if (base == 0) unreachable();
  memory.fill(slots, 0, SLOTS_BYTES);
  entryCount = 0;
  arenaUsed = 0;
}

/** Keeps only the hash bits of `mask` and forgets every endpoint (tests). */
export function cutFlowEndpointHash(mask: u32): void {
  hashMask = mask;
  clearEndpoints();
}

/** The bits of the n bytes (0-8) from the lowest, as a mask of a little-endian u64 load. */
@inline function lowBytes(n: usize): u64 {
  return n >= 8 ? <u64>-1 : (<u64>1 << (<u64>n << 3)) - 1;
}

/** A key's hash: its length, its first and last eight bytes (where texts of one log differ most). */
@inline function keyHash(p: usize, length: usize): u32 {
  let h = <u64>length * 0x9e3779b97f4a7c15;
  h = rotl<u64>((h ^ (load<u64>(p) & lowBytes(length))) * 0xc2b2ae3d27d4eb4f, 31);
  if (length > 8) h = rotl<u64>((h ^ load<u64>(p + length - 8)) * 0x9e3779b97f4a7c15, 29);
  h *= 0xc2b2ae3d27d4eb4f;
  return <u32>(h ^ (h >> 32)) & hashMask;
}

/** Whether the `length` bytes at `p` are those at `key` (the arena's, padded to 8), 8 at a time. */
@inline function sameKey(p: usize, key: usize, length: usize): bool {
  if (length <= 8) return ((load<u64>(p) ^ load<u64>(key)) & lowBytes(length)) == 0;
  let i: usize = 0;
  for (; i + 8 < length; i += 8) if (load<u64>(p + i) != load<u64>(key + i)) return false;
  // The last eight bytes, which may overlap the words before.
  return load<u64>(p + length - 8) == load<u64>(key + length - 8);
}

/** The entry address of key [p, p + length); 0 when it is not remembered. */
function findEntry(p: usize, length: usize): usize {
  const hash = keyHash(p, length);
  const mask = SLOT_COUNT - 1;
  let slot = <usize>hash & mask;
  // The table is at most half full: an empty slot ends every probe.
  for (let entry = load<u32>(slots + (slot << 3), 4); entry != 0; entry = load<u32>(slots + (slot << 3), 4)) {
    if (load<u32>(slots + (slot << 3)) == hash) {
      const e = entries + (<usize>(entry - 1)) * ENTRY_BYTES;
      if (<usize>load<u32>(e, ENTRY_KEY_LENGTH) == length && sameKey(p, arena + <usize>load<u32>(e, ENTRY_KEY_AT), length)) return e;
    }
    slot = (slot + 1) & mask;
  }
  return 0;
}

/**
 * Remembers the endpoint text of `length` bytes at the key part, of ENDPOINT_KIND `kind`, its 16
 * endpoint bytes at the result part; nothing when it is remembered already. A full table starts over.
 */
export function addFlowEndpoint(length: u32, kind: u32): void {
  const key = base + KEY_AT;
  const size = <usize>length;
  if (size == 0 || size > INPUT_CAPACITY || findEntry(key, size) != 0) return;
  const stored = (size + 7) & ~7;
  if (entryCount == MAX_ENTRIES || arenaUsed + stored > ARENA_BYTES) clearEndpoints();
  const keyAt = arena + arenaUsed;
  memory.copy(keyAt, key, size);
  memory.fill(keyAt + size, 0, stored - size);
  const e = entries + entryCount * ENTRY_BYTES;
  const endpoint = base + RESULT_AT + 16;
  store<u32>(e, <u32>arenaUsed, ENTRY_KEY_AT);
  store<u32>(e, length, ENTRY_KEY_LENGTH);
  store<u32>(e, kind, ENTRY_KIND);
  store<u64>(e, load<u64>(endpoint), ENTRY_ENDPOINT);
  store<u64>(e, load<u64>(endpoint, 8), ENTRY_ENDPOINT + 8);
  arenaUsed += stored;
  entryCount++;
  const hash = keyHash(key, size);
  let slot = <usize>hash & (SLOT_COUNT - 1);
  while (load<u32>(slots + (slot << 3), 4) != 0) slot = (slot + 1) & (SLOT_COUNT - 1);
  store<u32>(slots + (slot << 3), hash);
  store<u32>(slots + (slot << 3), <u32>entryCount, 4);
}

const QUOTES: u64 = 0x2222222222222222;
const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** The first quote in [p, limit); `limit` when there is none. 8 bytes a step (the lowest flagged byte is exact). */
@inline function quoteAt(p: usize, limit: usize): usize {
  for (; p + 8 <= limit; p += 8) {
    const x = load<u64>(p) ^ QUOTES;
    const zeros = (x - ONES) & ~x & HIGHS;
    if (zeros != 0) return p + <usize>(ctz(zeros) >> 3);
  }
  while (p < limit && load<u8>(p) != 0x22) p++;
  return p;
}

// `{"src":"`, `","dst":`, `protocol`, `,"port":`, `TCP"`, `UDP"`, `SCTP` as little-endian loads.
const SRC_OPEN: u64 = 0x223a22637273227b;
const DST_OPEN: u64 = 0x3a22747364222c22;
const PROTOCOL_KEY: u64 = 0x6c6f636f746f7270;
const PORT_OPEN: u64 = 0x3a2274726f70222c;
const TCP_NAME: u32 = 0x22504354;
const UDP_NAME: u32 = 0x22504455;
const SCTP_NAME: u32 = 0x50544353;

/** Writes the endpoint at entry `e` into the record at `record`: kind at `kindAt`, bytes at `at`. */
@inline function copyEndpoint(e: usize, record: usize, kindAt: usize, at: usize): void {
  store<u8>(record + kindAt, <u8>load<u32>(e, ENTRY_KIND));
  store<u64>(record + at, load<u64>(e, ENTRY_ENDPOINT));
  store<u64>(record + at, load<u64>(e, ENTRY_ENDPOINT + 8), 8);
}

/**
 * Reads lines from input offset `at` of the `length` bytes the host copied to the input part: each
 * taken line's record at the records part and its bounds (start, its line feed) at the lines part,
 * at most `maxLines`, none longer than `maxLine` bytes (line feed excluded, as the host counts).
 * Returns the number taken; the offset where the next line starts is at the result part.
 */
export function scanFlowLines(length: u32, at: u32, maxLines: u32, maxLine: u32): u32 {
  if (base == 0 || <usize>length > INPUT_CAPACITY || at > length || <usize>maxLines > MAX_LINES) unreachable();
  const input = base + INPUT_AT;
  const records = base + RECORDS_AT;
  const bounds = base + LINES_AT;
  const limit = input + <usize>length;
  let p = input + <usize>at;
  let count: u32 = 0;
  for (;;) {
    // The shortest line, `{"src":"","dst":"","port":1}` and its line feed, has 29 bytes.
    if (count == maxLines || p + 29 > limit) break;
    if (load<u64>(p) != SRC_OPEN) break;
    const srcStart = p + 8;
    const srcEnd = quoteAt(srcStart, limit);
    if (srcEnd + 9 > limit || load<u64>(srcEnd) != DST_OPEN || load<u8>(srcEnd, 8) != 0x22) break;
    const dstStart = srcEnd + 9;
    const dstEnd = quoteAt(dstStart, limit);
    // The quote, `,"port":`, a digit, the brace and the line feed.
    if (dstEnd + 12 > limit) break;
    let q = dstEnd + 1;
    let protocol: u32 = PROTOCOL_CODE_TCP;
    if (load<u64>(dstEnd, 3) == PROTOCOL_KEY && load<u32>(dstEnd) == 0x70222c22) {
      // `","protocol":"` then the name, its quote, and `,"port":1}` with the line feed.
      if (dstEnd + 14 + 4 + 11 > limit || load<u16>(dstEnd, 11) != 0x3a22 || load<u8>(dstEnd, 13) != 0x22) break;
      q = dstEnd + 14;
      const name = load<u32>(q);
      if (name == TCP_NAME) q += 4;
      else if (name == UDP_NAME) {
        protocol = PROTOCOL_CODE_UDP;
        q += 4;
      } else if (name == SCTP_NAME && load<u8>(q, 4) == 0x22) {
        protocol = PROTOCOL_CODE_SCTP;
        q += 5;
      } else break;
      if (q + 11 > limit) break;
    }
    if (load<u64>(q) != PORT_OPEN) break;
    q += 8;
    const first = q;
    let port: u32 = 0;
    for (; q < limit && q - first <= 5; q++) {
      const digit = <u32>load<u8>(q) - 0x30;
      if (digit > 9) break;
      port = port * 10 + digit;
    }
    if (q == first || load<u8>(first) == 0x30 || q - first > 5 || port > 65535 || q >= limit || load<u8>(q) != 0x7d) break;
    q++;
    if (q < limit && load<u8>(q) == 0x0d) q++;
    if (q >= limit || load<u8>(q) != 0x0a || q - p > <usize>maxLine) break;
    const src = findEntry(srcStart, srcEnd - srcStart);
    if (src == 0) break;
    const dst = findEntry(dstStart, dstEnd - dstStart);
    if (dst == 0) break;
    const record = records + <usize>count * FLOW_RECORD_BYTES;
    copyEndpoint(src, record, FLOW_RECORD_SRC_KIND, FLOW_RECORD_SRC);
    copyEndpoint(dst, record, FLOW_RECORD_DST_KIND, FLOW_RECORD_DST);
    // Protocol, reserved 0, then the port (u16) and reserved 0: the second store overwrites the first's top half.
    store<u32>(record + FLOW_RECORD_PROTOCOL, protocol);
    store<u32>(record + FLOW_RECORD_PORT, port);
    const bound = bounds + (<usize>count << 3);
    store<u32>(bound, <u32>(p - input));
    store<u32>(bound, <u32>(q - input), 4);
    count++;
    p = q + 1;
  }
  store<u32>(base + RESULT_AT, <u32>(p - input));
  return count;
}
