// The conversations met before, by the bytes of their endpoints (source, destination) in the row,
// to the id the host gave each (src/replay/conversations.ts's conversation). Found in place in the
// line area, verified byte for byte on every hit, so that the same bytes are the same
// conversation. Open addressing with linear probing, at most half full, its slots doubled as
// conversations come; a record (hash, lengths, id, the last service the host noted on it) and its
// key bytes lie together after the static data. Past MAX_CONVERSATIONS or MAX_KEY_BYTES of key bytes it starts over.
import { FIXED_END, LAST_AT, MAX_CONVERSATIONS, SLOTS_AT, SLOT_COUNT } from './layout';

const ARENA_AT: usize = (__heap_base + 15) & ~15;
// A memoryBase below the fixed areas would put static data inside them: refuse to start.
if (__heap_base < FIXED_END) unreachable();

/** Record and key bytes kept at most (memory stays bounded: about 32 MiB past the fixed areas). */
const MAX_KEY_BYTES: usize = 32 << 20;
/** A record: hash, source length, destination length, id, the service noted (its key, its id); its key bytes follow. */
const RECORD_BYTES: usize = 24;
const FIRST_SLOTS: u32 = 1024;
let slotCount: u32 = FIRST_SLOTS;
let count: u32 = 0;
let arenaUsed: usize = 0;
/** The hash bits kept (cutHash): all of them, but in tests that make every conversation collide. */
let hashMask: u32 = 0xffffffff;
/** The record of the conversation findConversation last found. */
export let foundRecord: usize = 0;

/** Forgets every conversation. */
export function clearConversations(): void {
  memory.fill(SLOTS_AT, 0, <usize>slotCount * 8);
  slotCount = FIRST_SLOTS;
  count = 0;
  arenaUsed = 0;
}

/** Keeps only the hash bits of `mask`, and forgets every conversation (for tests: with few bits, conversations collide and their bytes must decide). */
export function cutHash(mask: u32): void {
  clearConversations();
  hashMask = mask;
}

const K1: u64 = 0x9e3779b97f4a7c15;
const K2: u64 = 0xc2b2ae3d27d4eb4f;

/** The hash of bytes [p, end), continuing `h`, 8 bytes a step (the bytes read past `end`, still the line area's, masked off). */
@inline function hashBytes(h: u64, p: usize, end: usize): u64 {
  for (; p + 8 <= end; p += 8) h = rotl<u64>((h ^ load<u64>(p)) * K1, 31);
  if (p < end) h = rotl<u64>((h ^ (load<u64>(p) & ((<u64>1 << (<u64>(end - p) << 3)) - 1))) * K2, 29);
  return h;
}

/** A conversation's hash: the source's length keeps "ab"+"c" apart from "a"+"bc". */
function conversationHash(srcStart: usize, srcEnd: usize, dstStart: usize, dstEnd: usize): u32 {
  let h = hashBytes(<u64>(srcEnd - srcStart) * K2, srcStart, srcEnd);
  h = hashBytes(h ^ 0x2c, dstStart, dstEnd) * K1;
  return <u32>(h ^ (h >> 29) ^ (h >> 47)) & hashMask;
}

/** Whether bytes [p, end) are those at `key`, 16 at a time (reads may pass both ends: room is kept past each). */
@inline function sameBytes(p: usize, end: usize, key: usize): bool {
  for (; p + 16 <= end; p += 16, key += 16) if (v128.any_true(v128.xor(v128.load(p), v128.load(key)))) return false;
  if (p == end) return true;
  return (~i8x16.bitmask(i8x16.eq(v128.load(p), v128.load(key))) & ((1 << <i32>(end - p)) - 1)) == 0;
}

/**
 * The id of the conversation whose source is bytes [srcStart, srcEnd) and destination
 * [dstStart, dstEnd) (absolute addresses in the line area), or -1 when it was not met; what it
 * looked up is kept for rememberConversation.
 */
export function findConversation(srcStart: usize, srcEnd: usize, dstStart: usize, dstEnd: usize): i32 {
  const srcLength = <u32>(srcEnd - srcStart);
  const dstLength = <u32>(dstEnd - dstStart);
  const h = conversationHash(srcStart, srcEnd, dstStart, dstEnd);
  const mask = slotCount - 1;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const at = SLOTS_AT + (<usize>slot << 3);
    const held = load<u32>(at);
    if (held == 0) break;
    if (load<u32>(at, 4) != h) continue;
    const record = ARENA_AT + <usize>(held - 1);
    if (load<u32>(record, 4) != srcLength || load<u32>(record, 8) != dstLength) continue;
    const key = record + RECORD_BYTES;
    if (sameBytes(srcStart, srcEnd, key) && sameBytes(dstStart, dstEnd, key + srcLength)) {
      foundRecord = record;
      return load<i32>(record, 12);
    }
  }
  store<u32>(LAST_AT, h);
  store<u32>(LAST_AT, <u32>srcStart, 4);
  store<u32>(LAST_AT, <u32>srcEnd, 8);
  store<u32>(LAST_AT, <u32>dstStart, 12);
  store<u32>(LAST_AT, <u32>dstEnd, 16);
  return -1;
}

/** The service the host noted on `record` for `key` (protocol * 65536 + port), or -1 when it noted none or another. */
@inline export function notedService(record: usize, key: i32): i32 {
  return load<i32>(record, 16) == key ? load<i32>(record, 20) : -1;
}

/** Notes `service` as the conversation of `record`'s service for `key` (valid until the host clears the conversations). */
export function noteService(record: usize, key: i32, service: i32): void {
  if (record < ARENA_AT || record + RECORD_BYTES > ARENA_AT + arenaUsed) return;
  store<i32>(record, key, 16);
  store<i32>(record, service, 20);
}

/** Puts the record at arena offset `held` - 1, of hash `h`, in the first empty slot from its own. */
function place(held: u32, h: u32): void {
  const mask = slotCount - 1;
  let slot = h & mask;
  while (load<u32>(SLOTS_AT + (<usize>slot << 3)) != 0) slot = (slot + 1) & mask;
  store<u32>(SLOTS_AT + (<usize>slot << 3), held);
  store<u32>(SLOTS_AT + (<usize>slot << 3), h, 4);
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
    place(<u32>at + 1, load<u32>(record));
    at += recordSize(<usize>load<u32>(record, 4) + <usize>load<u32>(record, 8));
  }
}

/** Remembers the conversation findConversation last looked up (and did not find) as `id`; false when memory could not grow (nothing is remembered then). */
export function rememberConversation(id: i32): bool {
  const srcStart = <usize>load<u32>(LAST_AT, 4);
  const srcLength = <usize>load<u32>(LAST_AT, 8) - srcStart;
  const dstStart = <usize>load<u32>(LAST_AT, 12);
  const dstLength = <usize>load<u32>(LAST_AT, 16) - dstStart;
  const size = recordSize(srcLength + dstLength);
  if (count >= MAX_CONVERSATIONS || arenaUsed + size > MAX_KEY_BYTES) clearConversations();
  // Room for sameBytes' last 16 bytes read past the last key.
  const needed = ARENA_AT + arenaUsed + size + 16;
  const have = <usize>memory.size() << 16;
  if (needed > have && memory.grow(<i32>((needed - have + 0xffff) >> 16)) < 0) return false;
  const record = ARENA_AT + arenaUsed;
  const h = load<u32>(LAST_AT);
  store<u32>(record, h);
  store<u32>(record, <u32>srcLength, 4);
  store<u32>(record, <u32>dstLength, 8);
  store<i32>(record, id, 12);
  store<i32>(record, -1, 16);
  memory.copy(record + RECORD_BYTES, srcStart, srcLength);
  memory.copy(record + RECORD_BYTES + srcLength, dstStart, dstLength);
  const held = <u32>arenaUsed + 1;
  arenaUsed += size;
  count++;
  if (count * 2 > slotCount && slotCount < SLOT_COUNT) doubleSlots();
  else place(held, h);
  return true;
}
