// Which pod owns an address: hash tables built at load from the image's sorted IP tables
// (IPV4_TABLE, IPV6_TABLE), so that an IP-addressed flow finds its pods with about one memory
// access each instead of a binary search's chain of dependent loads (17 of them at 100,000 pods).
// Open addressing with linear probing, at most half full; an empty slot has the owner NONE, which
// no table row holds (the loader checked every owner is a pod or AMBIGUOUS).
import { IPV4_TABLE_ROW_ADDRESS, IPV4_TABLE_ROW_POD, IPV4_TABLE_STRIDE, IPV6_TABLE_ROW_ADDRESS, IPV6_TABLE_ROW_POD, IPV6_TABLE_STRIDE, NONE } from './layout';
import { ipv4Count, ipv4Table, ipv6Count, ipv6Table, rowAt, v6High, v6Low, word } from './image';

/** An IPv4 slot (byte offsets): address, owner. */
const V4_SLOT_ADDRESS: usize = 0;
const V4_SLOT_OWNER: usize = 4;
const V4_SLOT_BYTES: usize = 8;
/** An IPv6 slot (byte offsets): high and low 64 bits, owner. */
const V6_SLOT_HIGH: usize = 0;
const V6_SLOT_LOW: usize = 8;
const V6_SLOT_OWNER: usize = 16;
const V6_SLOT_BYTES: usize = 24;

let v4Slots: usize = 0;
let v4Mask: u32 = 0;
let v4Shift: u32 = 0;
let v6Slots: usize = 0;
let v6Mask: u32 = 0;
let v6Shift: u64 = 0;

/** log2 of the slot count for `count` entries: a power of two at least twice `count`. */
function slotBits(count: u32): u32 {
  let bits: u32 = 4;
  while (bits < 31 && (<u64>1 << <u64>bits) < (<u64>count << 1)) bits++;
  return bits;
}

/**
 * Addresses per family beyond which the tables are not built: their slots (192 MiB for IPv6 at
 * this bound) must stay far from wrapping 32-bit sizes. Ingest's 250,000 objects stay well below.
 */
const MAX_ADDRESSES: u32 = 1 << 22;

/**
 * Builds both tables for the image just bound; false when it has more addresses than they may
 * hold. Memory comes from the stub heap, once per load.
 */
export function indexAddresses(): bool {
  if (ipv4Count > MAX_ADDRESSES || ipv6Count > MAX_ADDRESSES) return false;
  const v4Bits = slotBits(ipv4Count);
  v4Mask = (1 << v4Bits) - 1;
  v4Shift = 32 - v4Bits;
  v4Slots = emptySlots(<usize>v4Mask + 1, V4_SLOT_BYTES, V4_SLOT_OWNER);
  for (let i: u32 = 0; i < ipv4Count; i++) {
    const row = rowAt(ipv4Table, i, IPV4_TABLE_STRIDE);
    const address = word(row, IPV4_TABLE_ROW_ADDRESS);
    let slot = v4Hash(address);
    while (load<u32>(v4Slot(slot) + V4_SLOT_OWNER) != NONE) slot = (slot + 1) & v4Mask;
    store<u32>(v4Slot(slot) + V4_SLOT_ADDRESS, address);
    store<u32>(v4Slot(slot) + V4_SLOT_OWNER, word(row, IPV4_TABLE_ROW_POD));
  }
  const v6Bits = slotBits(ipv6Count);
  v6Mask = (1 << v6Bits) - 1;
  v6Shift = 64 - <u64>v6Bits;
  v6Slots = emptySlots(<usize>v6Mask + 1, V6_SLOT_BYTES, V6_SLOT_OWNER);
  for (let i: u32 = 0; i < ipv6Count; i++) {
    const row = rowAt(ipv6Table, i, IPV6_TABLE_STRIDE);
    const high = v6High(row, IPV6_TABLE_ROW_ADDRESS);
    const low = v6Low(row, IPV6_TABLE_ROW_ADDRESS);
    let slot = v6Hash(high, low);
    while (load<u32>(v6Slot(slot) + V6_SLOT_OWNER) != NONE) slot = (slot + 1) & v6Mask;
    store<u64>(v6Slot(slot) + V6_SLOT_HIGH, high);
    store<u64>(v6Slot(slot) + V6_SLOT_LOW, low);
    store<u32>(v6Slot(slot) + V6_SLOT_OWNER, word(row, IPV6_TABLE_ROW_POD));
  }
  return true;
}

function emptySlots(count: usize, bytes: usize, ownerAt: usize): usize {
  const slots = heap.alloc(count * bytes);
  for (let i: usize = 0; i < count; i++) store<u32>(slots + i * bytes + ownerAt, NONE);
  return slots;
}

/** The pod owning IPv4 `ip`, AMBIGUOUS when several do, NONE when none does. */
export function ownerOfIPv4(ip: u32): u32 {
  let slot = v4Hash(ip);
  while (true) {
    const at = v4Slot(slot);
    const owner = load<u32>(at + V4_SLOT_OWNER);
    if (owner == NONE || load<u32>(at + V4_SLOT_ADDRESS) == ip) return owner;
    slot = (slot + 1) & v4Mask;
  }
}

/** The pod owning the IPv6 address (high, low), AMBIGUOUS when several do, NONE when none does. */
export function ownerOfIPv6(high: u64, low: u64): u32 {
  let slot = v6Hash(high, low);
  while (true) {
    const at = v6Slot(slot);
    const owner = load<u32>(at + V6_SLOT_OWNER);
    if (owner == NONE || (load<u64>(at + V6_SLOT_HIGH) == high && load<u64>(at + V6_SLOT_LOW) == low)) return owner;
    slot = (slot + 1) & v6Mask;
  }
}

/** Where a lookup of IPv4 `ip` starts: its home slot (for warm.ts). */
export function v4SlotOf(ip: u32): usize {
  return v4Slot(v4Hash(ip));
}

/** Where a lookup of the IPv6 address (high, low) starts: its home slot (for warm.ts). */
export function v6SlotOf(high: u64, low: u64): usize {
  return v6Slot(v6Hash(high, low));
}

// @ts-ignore: decorator
@inline function v4Hash(ip: u32): u32 {
  return (ip * 0x9e3779b1) >> v4Shift;
}

// @ts-ignore: decorator
@inline function v6Hash(high: u64, low: u64): u32 {
  return <u32>((((high * 0x9e3779b97f4a7c15) ^ low) * 0xc2b2ae3d27d4eb4f) >> v6Shift);
}

// @ts-ignore: decorator
@inline function v4Slot(slot: u32): usize {
  return v4Slots + <usize>slot * V4_SLOT_BYTES;
}

// @ts-ignore: decorator
@inline function v6Slot(slot: u32): usize {
  return v6Slots + <usize>slot * V6_SLOT_BYTES;
}
