// Keys made of bytes of the line area (an endpoint's text, a conversation's two texts), as the
// tables of endpoints.ts and conversations.ts hold them: hashed 8 bytes a step, compared 16 at a
// time, in open-addressing slots of 8 bytes (the record's arena offset + 1, its hash).

/** The hash bits kept (cutHash): all of them, but in tests that make every key collide. */
let hashMask: u32 = 0xffffffff;

/** Keeps only the hash bits of `mask` from now on (the caller forgets its tables: their slots were placed by whole hashes). */
export function keepHashBits(mask: u32): void {
  hashMask = mask;
}

const K1: u64 = 0x9e3779b97f4a7c15;
const K2: u64 = 0xc2b2ae3d27d4eb4f;

/** The hash of bytes [p, end), continuing `h`, 8 bytes a step (the bytes read past `end`, still the line area's, masked off). */
@inline export function hashBytes(h: u64, p: usize, end: usize): u64 {
  for (; p + 8 <= end; p += 8) h = rotl<u64>((h ^ load<u64>(p)) * K1, 31);
  if (p < end) h = rotl<u64>((h ^ (load<u64>(p) & ((<u64>1 << (<u64>(end - p) << 3)) - 1))) * K2, 29);
  return h;
}

/** A key's slot hash from hashBytes' state: mixed, and cut to the bits kept. */
@inline export function finalHash(h: u64): u32 {
  h *= K1;
  return <u32>(h ^ (h >> 29) ^ (h >> 47)) & hashMask;
}

/** hashBytes' starting state for a key whose first text is `length` bytes: "ab"+"c" and "a"+"bc" start apart. */
@inline export function seedOf(length: usize): u64 {
  return <u64>length * K2;
}

/** Whether bytes [p, end) are those at `key`, 16 at a time (reads may pass both ends: room is kept past each). */
@inline export function sameBytes(p: usize, end: usize, key: usize): bool {
  for (; p + 16 <= end; p += 16, key += 16) if (v128.any_true(v128.xor(v128.load(p), v128.load(key)))) return false;
  if (p == end) return true;
  return (~i8x16.bitmask(i8x16.eq(v128.load(p), v128.load(key))) & ((1 << <i32>(end - p)) - 1)) == 0;
}

/** The slot at `slot` of the slots from `slots`. */
@inline export function slotAt(slots: usize, slot: u32): usize {
  return slots + (<usize>slot << 3);
}

/** Puts the record at arena offset `held` - 1, of hash `h`, in the first empty one of `count` slots from its own. */
export function place(slots: usize, count: u32, held: u32, h: u32): void {
  const mask = count - 1;
  let slot = h & mask;
  while (load<u32>(slotAt(slots, slot)) != 0) slot = (slot + 1) & mask;
  store<u32>(slotAt(slots, slot), held);
  store<u32>(slotAt(slots, slot), h, 4);
}
