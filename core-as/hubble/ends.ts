// The ends met before, by their bytes: a side (source, destination), the bytes of its address and
// of its whole end object, to the id the host gave it. Found in place in the scanned line, verified
// byte for byte on every hit, so that the same bytes are the same end. Open addressing with linear
// probing, at most half full, its slots doubled as ends come (a few thousand ends keep it in the
// cache); past MAX_ENDS ends or MAX_KEY_BYTES of key bytes it starts over.
import { FIXED_END, LAST_END_AT, MAX_ENDS, RECORDS_AT, SLOTS_AT, SLOT_COUNT } from './layout';

/** Key bytes start after the static data; the fixed areas end before it (memoryBase). */
const KEYS_AT: usize = (__heap_base + 7) & ~7;
// A memoryBase below the fixed areas would put static data inside them: refuse to start.
if (__heap_base < FIXED_END) unreachable();

/** Key bytes kept at most (memory stays bounded: about 32 MiB past the fixed areas). */
const MAX_KEY_BYTES: usize = 32 << 20;
/** A record: where its key bytes are, the address's length, the object's length, the id. */
const RECORD_BYTES: usize = 16;

/** The slots in use (a power of two, up to SLOT_COUNT): those past it are all empty. */
const FIRST_SLOTS: u32 = 1024;
let slotCount: u32 = FIRST_SLOTS;
let count: u32 = 0;
let keyBytes: usize = 0;
/** The hash bits kept (cutHash): all of them, but in tests that make every end collide. */
let hashMask: u32 = 0xffffffff;
/** The last end looked up per side, for rememberEnd: hash, address and object bounds (absolute), 5 u32 per side. */
@inline function lastEnd(side: i32, field: i32): usize {
  return LAST_END_AT + (<usize>(side * 5 + field) << 2);
}

/** Forgets every end. */
export function clearEnds(): void {
  memory.fill(SLOTS_AT, 0, <usize>slotCount * 8);
  slotCount = FIRST_SLOTS;
  count = 0;
  keyBytes = 0;
}

/** Keeps only the hash bits of `mask`, and forgets every end (for tests: with few bits, ends collide and their bytes must decide). */
export function cutHash(mask: u32): void {
  clearEnds();
  hashMask = mask;
}

const K1: u64 = 0x9e3779b97f4a7c15;
const K2: u64 = 0xc2b2ae3d27d4eb4f;

/** The hash of bytes [p, end), continuing `h`: two lanes of 8 bytes each, so that the multiplies overlap. */
function hashBytes(h: u64, p: usize, end: usize): u64 {
  let a = h;
  let b = h ^ K1;
  for (; p + 16 <= end; p += 16) {
    a = rotl<u64>((a ^ load<u64>(p)) * K1, 31);
    b = rotl<u64>((b ^ load<u64>(p, 8)) * K2, 29);
  }
  if (p + 8 <= end) {
    a = rotl<u64>((a ^ load<u64>(p)) * K1, 31);
    p += 8;
  }
  // The last 1 to 7 bytes in one load (the bytes past them, still the line's area, masked off).
  if (p < end) b = (b ^ (load<u64>(p) & ((<u64>1 << (<u64>(end - p) << 3)) - 1))) * K2;
  return (a ^ rotl<u64>(b, 17)) * K2;
}

/** Whether bytes [p, end) are those at `key`, 16 at a time (the last 16 read may pass both ends: room is kept past each). */
function sameBytes(p: usize, end: usize, key: usize): bool {
  for (; p + 16 <= end; p += 16, key += 16) if (v128.any_true(v128.xor(v128.load(p), v128.load(key)))) return false;
  if (p == end) return true;
  const differ = ~i8x16.bitmask(i8x16.eq(v128.load(p), v128.load(key))) & ((1 << <i32>(end - p)) - 1);
  return differ == 0;
}

/** The hash of an end: its side, and the bytes of its address and object (wherever they are). */
function endHash(side: i32, ipStart: usize, ipEnd: usize, objectStart: usize, objectEnd: usize): u32 {
  let wide = hashBytes(<u64>side * 0x632be5ab + <u64>(ipEnd - ipStart) * 0x51ed27 + <u64>(objectEnd - objectStart), ipStart, ipEnd);
  wide = hashBytes(wide, objectStart, objectEnd);
  return <u32>(wide ^ (wide >> 32)) & hashMask;
}

/**
 * The id of the end of `side` whose address is [ipStart, ipEnd) and object [objectStart, objectEnd)
 * (absolute addresses in the line), or -1 when it was not met; remembered for rememberEnd.
 */
export function findEnd(side: i32, ipStart: usize, ipEnd: usize, objectStart: usize, objectEnd: usize): i32 {
  const ipLength = <u32>(ipEnd - ipStart);
  const objectLength = <u32>(objectEnd - objectStart);
  const h = endHash(side, ipStart, ipEnd, objectStart, objectEnd);
  store<u32>(lastEnd(side, 0), h);
  store<u32>(lastEnd(side, 1), <u32>ipStart);
  store<u32>(lastEnd(side, 2), <u32>ipEnd);
  store<u32>(lastEnd(side, 3), <u32>objectStart);
  store<u32>(lastEnd(side, 4), <u32>objectEnd);
  const sideBit: u32 = <u32>side << 31;
  const mask = slotCount - 1;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const at = SLOTS_AT + (<usize>slot << 3);
    const held = load<u32>(at);
    if (held == 0) return -1;
    if (load<u32>(at, 4) != h) continue;
    const record = RECORDS_AT + <usize>(held - 1) * RECORD_BYTES;
    if (load<u32>(record, 4) != (ipLength | sideBit) || load<u32>(record, 8) != objectLength) continue;
    const key = KEYS_AT + <usize>load<u32>(record);
    if (sameBytes(ipStart, ipEnd, key) && sameBytes(objectStart, objectEnd, key + ipLength)) return load<i32>(record, 12);
  }
  return -1;
}

/** Puts record `held` - 1, of hash `h`, in the first empty slot from its own. */
function place(held: u32, h: u32): void {
  const mask = slotCount - 1;
  let slot = h & mask;
  while (load<u32>(SLOTS_AT + (<usize>slot << 3)) != 0) slot = (slot + 1) & mask;
  store<u32>(SLOTS_AT + (<usize>slot << 3), held);
  store<u32>(SLOTS_AT + (<usize>slot << 3), h, 4);
}

/** Twice the slots, every record placed again by the hash of its key bytes. */
function doubleSlots(): void {
  memory.fill(SLOTS_AT, 0, <usize>slotCount * 8);
  slotCount <<= 1;
  for (let r: u32 = 0; r < count; r++) {
    const record = RECORDS_AT + <usize>r * RECORD_BYTES;
    const key = KEYS_AT + <usize>load<u32>(record);
    const sided = load<u32>(record, 4);
    const ipEnd = key + <usize>(sided & 0x7fffffff);
    place(r + 1, endHash(<i32>(sided >> 31), key, ipEnd, ipEnd, ipEnd + <usize>load<u32>(record, 8)));
  }
}

/** Remembers the end findEnd last looked up for `side` (and did not find) as `id`; false when memory could not grow (nothing is remembered then). */
export function rememberEnd(side: i32, id: i32): bool {
  const ipStart = <usize>load<u32>(lastEnd(side, 1));
  const ipEnd = <usize>load<u32>(lastEnd(side, 2));
  const objectStart = <usize>load<u32>(lastEnd(side, 3));
  const objectEnd = <usize>load<u32>(lastEnd(side, 4));
  const ipLength = ipEnd - ipStart;
  const objectLength = objectEnd - objectStart;
  const length = ipLength + objectLength;
  if (count >= MAX_ENDS || keyBytes + length > MAX_KEY_BYTES) clearEnds();
  // Room for sameBytes' last 16 bytes read past the last key.
  const needed = KEYS_AT + keyBytes + length + 16;
  const have = <usize>memory.size() << 16;
  if (needed > have && memory.grow(<i32>((needed - have + 0xffff) >> 16)) < 0) return false;
  const key = KEYS_AT + keyBytes;
  memory.copy(key, ipStart, ipLength);
  memory.copy(key + ipLength, objectStart, objectLength);
  const record = RECORDS_AT + <usize>count * RECORD_BYTES;
  store<u32>(record, <u32>keyBytes);
  store<u32>(record, <u32>ipLength | (<u32>side << 31), 4);
  store<u32>(record, <u32>objectLength, 8);
  store<i32>(record, id, 12);
  keyBytes += length;
  count++;
  if (count * 2 > slotCount && slotCount < SLOT_COUNT) doubleSlots();
  else place(count, load<u32>(lastEnd(side, 0)));
  return true;
}

