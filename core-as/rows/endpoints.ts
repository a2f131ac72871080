// The endpoint texts met before, by their bytes, to the entry the host gave each (its endpoint
// table's number, src/replay/flow-records.ts's EndpointRecords.entry, or REFUSED): a conversation
// met for the first time between two known texts is then made here, without asking the host.
// Open addressing with linear probing in a fixed area, at most half full; a record (hash, length,
// entry) and its key bytes lie together in a fixed arena. Past MAX_ENDPOINTS or a full arena it
// starts over (the host teaches it the texts again: its entries stay valid).
import { ENDPOINT_ARENA_AT, ENDPOINT_ARENA_BYTES, ENDPOINT_SLOTS_AT, ENDPOINT_SLOT_COUNT, MAX_ENDPOINTS } from './layout';
import { finalHash, hashBytes, place, sameBytes, seedOf, slotAt } from './keys';

/** What findEndpoint gives for a text the host refused (its lines are the host's to read), and for one it was never asked about. */
export const REFUSED: i32 = -1;
export const UNKNOWN: i32 = -2;
/** A record: hash, length, entry, a spare word; its key bytes follow. */
const RECORD_BYTES: usize = 16;

let count: u32 = 0;
let arenaUsed: usize = 0;

/** Forgets every text. */
export function clearEndpoints(): void {
  memory.fill(ENDPOINT_SLOTS_AT, 0, <usize>ENDPOINT_SLOT_COUNT * 8);
  count = 0;
  arenaUsed = 0;
}

@inline function textHash(start: usize, end: usize): u32 {
  return finalHash(hashBytes(seedOf(end - start), start, end));
}

/** The entry of the text at bytes [start, end) (absolute addresses in the line area): >= 0, REFUSED, or UNKNOWN. */
export function findEndpoint(start: usize, end: usize): i32 {
  const length = <u32>(end - start);
  const h = textHash(start, end);
  const mask = ENDPOINT_SLOT_COUNT - 1;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const at = slotAt(ENDPOINT_SLOTS_AT, slot);
    const held = load<u32>(at);
    if (held == 0) break;
    if (load<u32>(at, 4) != h) continue;
    const record = ENDPOINT_ARENA_AT + <usize>(held - 1);
    if (load<u32>(record, 4) == length && sameBytes(start, end, record + RECORD_BYTES)) return load<i32>(record, 8);
  }
  return UNKNOWN;
}

/** Remembers the text at bytes [start, end), which findEndpoint did not know, as `entry` (>= 0, or REFUSED). */
export function rememberEndpoint(start: usize, end: usize, entry: i32): void {
  const length = end - start;
  const size = (RECORD_BYTES + length + 15) & ~15;
  // Room for sameBytes' last 16 bytes read past the last key.
  if (count >= MAX_ENDPOINTS || arenaUsed + size + 16 > ENDPOINT_ARENA_BYTES) clearEndpoints();
  const record = ENDPOINT_ARENA_AT + arenaUsed;
  const h = textHash(start, end);
  store<u32>(record, h);
  store<u32>(record, <u32>length, 4);
  store<i32>(record, entry, 8);
  memory.copy(record + RECORD_BYTES, start, length);
  place(ENDPOINT_SLOTS_AT, ENDPOINT_SLOT_COUNT, <u32>arenaUsed + 1, h);
  arenaUsed += size;
  count++;
}
