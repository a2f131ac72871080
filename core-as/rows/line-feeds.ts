// Line feeds counted 64 bytes a step, four 16-byte compares folded into one 64-bit mask: what the
// host numbers a log part's lines by when it cuts a log into parts (src/replay/line-feed-count.ts).

const LFS = i8x16.splat(0x0a);

@inline function feedsIn16(p: usize): u64 {
  return <u64>i8x16.bitmask(i8x16.eq(v128.load(p), LFS));
}

/** The line feeds among bytes [start, end). */
export function lineFeedsIn(start: usize, end: usize): i32 {
  let count = 0;
  let p = start;
  for (; p + 64 <= end; p += 64) {
    count += <i32>popcnt<u64>(feedsIn16(p) | (feedsIn16(p + 16) << 16) | (feedsIn16(p + 32) << 32) | (feedsIn16(p + 48) << 48));
  }
  for (; p < end; p++) if (load<u8>(p) == 0x0a) count++;
  return count;
}
