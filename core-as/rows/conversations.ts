// The conversations met before, by the bytes of their endpoints (source, destination) in the row,
// to the entries of both texts (endpoints.ts) and the last service the host noted on them. Found
// in place in the line area, verified byte for byte on every hit, so that the same bytes are the
// same conversation. Open addressing with linear probing, at most half full, its slots doubled as
// conversations come; a record and its key bytes lie together after the static data. Past
// MAX_CONVERSATIONS or MAX_KEY_BYTES of key bytes it starts over.
import { FIXED_END, MAX_CONVERSATIONS, SLOTS_AT, SLOT_COUNT } from './layout';
import { finalHash, hashBytes, place, sameBytes, seedOf, slotAt } from './keys';

const ARENA_AT: usize = (__heap_base + 15) & ~15;
// A memoryBase below the fixed areas would put static data inside them: refuse to start.
if (__heap_base < FIXED_END) unreachable();

/** Record and key bytes kept at most (memory stays bounded: about 32 MiB past the fixed areas). */
const MAX_KEY_BYTES: usize = 32 << 20;
/** A record: hash, source length, destination length, source entry, destination entry, the service noted (its key, its id), a spare word; its key bytes follow. */
const RECORD_BYTES: usize = 32;
const FIRST_SLOTS: u32 = 1024;
let slotCount: u32 = FIRST_SLOTS;
let count: u32 = 0;
let arenaUsed: usize = 0;
/** The hash of the conversation findConversation last looked up, for addConversation. */
let lastHash: u32 = 0;

/** Forgets every conversation. */
export function clearConversations(): void {
  memory.fill(SLOTS_AT, 0, <usize>slotCount * 8);
  slotCount = FIRST_SLOTS;
  count = 0;
  arenaUsed = 0;
}

/** A conversation's hash: the source's length keeps "ab"+"c" apart from "a"+"bc". */
@inline function conversationHash(srcStart: usize, srcEnd: usize, dstStart: usize, dstEnd: usize): u32 {
  return finalHash(hashBytes(hashBytes(seedOf(srcEnd - srcStart), srcStart, srcEnd) ^ 0x2c, dstStart, dstEnd));
}

/**
 * The record of the conversation whose source is bytes [srcStart, srcEnd) and destination
 * [dstStart, dstEnd) (absolute addresses in the line area), or 0 when it was not met.
 */
export function findConversation(srcStart: usize, srcEnd: usize, dstStart: usize, dstEnd: usize): usize {
  const srcLength = <u32>(srcEnd - srcStart);
  const dstLength = <u32>(dstEnd - dstStart);
  const h = conversationHash(srcStart, srcEnd, dstStart, dstEnd);
  const mask = slotCount - 1;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const at = slotAt(SLOTS_AT, slot);
    const held = load<u32>(at);
    if (held == 0) break;
    if (load<u32>(at, 4) != h) continue;
    const record = ARENA_AT + <usize>(held - 1);
    if (load<u32>(record, 4) != srcLength || load<u32>(record, 8) != dstLength) continue;
    const key = record + RECORD_BYTES;
    if (sameBytes(srcStart, srcEnd, key) && sameBytes(dstStart, dstEnd, key + srcLength)) return record;
  }
  lastHash = h;
  return 0;
}

/** The source's and destination's entries of the conversation of `record`. */
@inline export function srcEntryOf(record: usize): i32 {
  return load<i32>(record, 12);
}
@inline export function dstEntryOf(record: usize): i32 {
  return load<i32>(record, 16);
}

/** The service the host noted on `record` for `key` (protocol * 65536 + port), or -1 when it noted none or another. */
@inline export function notedService(record: usize, key: i32): i32 {
  return load<i32>(record, 20) == key ? load<i32>(record, 24) : -1;
}

/** Notes `service` as the conversation of `record`'s service for `key` (valid until the host clears the conversations). */
export function noteService(record: usize, key: i32, service: i32): void {
  if (record < ARENA_AT || record + RECORD_BYTES > ARENA_AT + arenaUsed) return;
  store<i32>(record, key, 20);
  store<i32>(record, service, 24);
}

/** The arena bytes of a record with key bytes `length`, 16-aligned. */
@inline function recordSize(length: usize): usize {
  return (RECORD_BYTES + length + 15) & ~15;
}

/** Twice the slots, every record placed again (walked in the arena). */
function doubleSlots(): void {
  memory.fill(SLOTS_AT, 0, <usize>slotCount * 8);
  slotCount <<= 1;
  for (let at: usize = 0; at < arenaUsed; ) {
    const record = ARENA_AT + at;
    place(SLOTS_AT, slotCount, <u32>at + 1, load<u32>(record));
    at += recordSize(<usize>load<u32>(record, 4) + <usize>load<u32>(record, 8));
  }
}

/**
 * Adds the conversation findConversation last looked up (and did not find), with the same
 * bounds, between entries `src` and `dst`: its record, or 0 when memory could not grow (nothing
 * is added then).
 */
export function addConversation(srcStart: usize, srcEnd: usize, dstStart: usize, dstEnd: usize, src: i32, dst: i32): usize {
  const srcLength = srcEnd - srcStart;
  const dstLength = dstEnd - dstStart;
  const size = recordSize(srcLength + dstLength);
  if (count >= MAX_CONVERSATIONS || arenaUsed + size > MAX_KEY_BYTES) clearConversations();
  // Room for sameBytes' last 16 bytes read past the last key.
  const needed = ARENA_AT + arenaUsed + size + 16;
  const have = <usize>memory.size() << 16;
  if (needed > have && memory.grow(<i32>((needed - have + 0xffff) >> 16)) < 0) return 0;
  const record = ARENA_AT + arenaUsed;
  store<u32>(record, lastHash);
  store<u32>(record, <u32>srcLength, 4);
  store<u32>(record, <u32>dstLength, 8);
  store<i32>(record, src, 12);
  store<i32>(record, dst, 16);
  store<i32>(record, -1, 20);
  memory.copy(record + RECORD_BYTES, srcStart, srcLength);
  memory.copy(record + RECORD_BYTES + srcLength, dstStart, dstLength);
  const held = <u32>arenaUsed + 1;
  arenaUsed += size;
  count++;
  if (count * 2 > slotCount && slotCount < SLOT_COUNT) doubleSlots();
  else place(SLOTS_AT, slotCount, held, lastHash);
  return record;
}
