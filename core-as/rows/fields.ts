// The fields a row's reading needs, on the bytes of the line area, read as the host's fast paths
// on one line read them (src/replay/byte-fields.ts): a spelling from one of the host's word lists,
// a port, a time; and a line's split at its separators, 16 bytes at a time.
import { BOUNDS_AT, MAX_WIDTH, WORDS_AT, WORD_BYTES, WORD_SLOTS } from './layout';

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
const DASH: u8 = 0x2d;
const LFS = i8x16.splat(<i8>LF);

/** What timeAt gives for a field the host reads itself, and for one that cannot be a time. */
export const HOST_TIME: f64 = Infinity;
export const NOT_A_TIME: f64 = -Infinity;
const EPOCH_MS_FROM: f64 = 1e11;
const EPOCH_MS_MAX: f64 = 1e14;

/** Field `f`'s start, and its end (before the separator after it). */
@inline export function fieldStart(f: i32): usize {
  return <usize>load<u32>(BOUNDS_AT + (<usize>f << 2));
}
@inline export function fieldEnd(f: i32): usize {
  return <usize>load<u32>(BOUNDS_AT + (<usize>(f + 1) << 2)) - 1;
}

/** Where split stopped: the line's end (before a CR ending it) and the start of the next line. */
export let lineEnd: usize = 0;
export let nextLine: usize = 0;
/** Whether split found no line feed before the area's end (the line may go on past it). */
export let cut: bool = false;

/**
 * Splits the line from `p` at its `separator` bytes up to its line feed, which must come before
 * `last` and within `maxLine` bytes: the field count (starts at BOUNDS_AT, and one past the end
 * after the last field), or 0 when the line is not whole in the area, too long, has more than
 * `width` fields, or holds a byte below `lowest`, above `~` or `refused`, other than a separator
 * or a CR before its line feed. A line's last 16 bytes may be read past `last` (the area has room).
 */
export function split(p: usize, last: usize, maxLine: usize, separator: i32, lowest: i32, refused: i32, width: i32): i32 {
  const separators = i8x16.splat(<i8>separator);
  const lows = i8x16.splat(<i8>lowest);
  // A byte minus `lowest` is above this when it is below `lowest` or above `~` (unsigned).
  const span = i8x16.splat(<i8>(0x7e - lowest));
  const refusals = i8x16.splat(<i8>refused);
  let fields = 1;
  store<u32>(BOUNDS_AT, <u32>p);
  const limit = min(last, p + maxLine + 1);
  cut = false;
  for (let q = p; q < limit; q += 16) {
    const v = v128.load(q);
    const n = limit - q;
    const inArea: u32 = n >= 16 ? 0xffff : (<u32>1 << <u32>n) - 1;
    const feeds = <u32>i8x16.bitmask(i8x16.eq(v, LFS)) & inArea;
    const before: u32 = feeds != 0 ? (feeds & (0 - feeds)) - 1 : inArea;
    let seps = <u32>i8x16.bitmask(i8x16.eq(v, separators)) & before;
    const bad = <u32>i8x16.bitmask(v128.or(i8x16.gt_u(i8x16.sub(v, lows), span), i8x16.eq(v, refusals))) & before & ~seps;
    if (bad != 0) {
      // A CR is taken only right before the line feed.
      const at = q + <usize>ctz(bad);
      if ((bad & (bad - 1)) != 0 || load<u8>(at) != CR || at + 1 >= last || load<u8>(at + 1) != LF) return 0;
    }
    while (seps != 0) {
      if (fields >= width) return 0;
      store<u32>(BOUNDS_AT + (<usize>fields << 2), <u32>(q + <usize>ctz(seps) + 1));
      fields++;
      seps &= seps - 1;
    }
    if (feeds != 0) {
      const feed = q + <usize>ctz(feeds);
      if (feed - p > maxLine) return 0;
      lineEnd = feed > p && load<u8>(feed - 1) == CR ? feed - 1 : feed;
      nextLine = feed + 1;
      store<u32>(BOUNDS_AT + (<usize>fields << 2), <u32>(lineEnd + 1));
      return fields;
    }
  }
  cut = limit == last;
  return 0;
}

/** The rows the host reads have fewer fields than this. */
@inline export function widthFits(width: i32): bool {
  return width > 0 && width <= MAX_WIDTH;
}

/** Whether bytes [start, end) are "-". */
@inline export function isDash(start: usize, end: usize): bool {
  return end - start == 1 && load<u8>(start) == DASH;
}

/**
 * Per word list (WORD_LISTS of them), the slot of the word codeOf found last: a log spells a field
 * the same way line after line. Static data, not allocated (the heap's start is the conversations' arena).
 */
const lastFound: StaticArray<i32> = [0, 0, 0];

/** Whether slot `w` of list `list` holds a word of `length` bytes whose bytes are `lo` and `hi` (zero past its length). */
@inline function holds(list: i32, w: i32, length: u32, lo: u64, hi: u64): bool {
  const word = WORDS_AT + <usize>(list * WORD_SLOTS + w) * WORD_BYTES;
  return load<u32>(word) == length && load<u64>(word, 8) == lo && load<u64>(word, 16) == hi;
}

@inline function codeAt(list: i32, w: i32): i32 {
  return load<i32>(WORDS_AT + <usize>(list * WORD_SLOTS + w) * WORD_BYTES, 4);
}

/** The code of the word of list `list` that bytes [start, end) spell, or `none`. */
export function codeOf(list: i32, start: usize, end: usize, none: i32): i32 {
  const length = <u32>(end - start);
  if (length > 16 || length == 0) return none;
  const mask: u64 = length >= 8 ? 0xffffffffffffffff : (<u64>1 << (<u64>length << 3)) - 1;
  const lo = load<u64>(start) & mask;
  const hiMask: u64 = length <= 8 ? 0 : length >= 16 ? 0xffffffffffffffff : (<u64>1 << (<u64>(length - 8) << 3)) - 1;
  const hi = load<u64>(start, 8) & hiMask;
  const last = unchecked(lastFound[list]);
  if (holds(list, last, length, lo, hi)) return codeAt(list, last);
  for (let w = 0; w < WORD_SLOTS; w++) {
    const wordLength = load<u32>(WORDS_AT + <usize>(list * WORD_SLOTS + w) * WORD_BYTES);
    if (wordLength == 0) break;
    if (holds(list, w, length, lo, hi)) {
      unchecked((lastFound[list] = w));
      return codeAt(list, w);
    }
  }
  return none;
}

/** The port as the host reads it: 1-65535, at most 5 digits; 0 for any other spelling. */
export function portOf(start: usize, end: usize): i32 {
  if (end <= start || end - start > 5) return 0;
  let port = 0;
  for (let p = start; p < end; p++) {
    const digit = <i32>load<u8>(p) - 0x30;
    if (<u32>digit > 9) return 0;
    port = port * 10 + digit;
  }
  return port <= 65535 ? port : 0;
}

/** A number of 1 to 3 digits (VPC's tcp-flags), else -1. */
export function smallNumberOf(start: usize, end: usize): i32 {
  if (end <= start || end - start > 3) return -1;
  let value = 0;
  for (let p = start; p < end; p++) {
    const digit = <i32>load<u8>(p) - 0x30;
    if (<u32>digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A time field as the host reads it: NaN for none (empty, "-"), epoch ms for a whole epoch number
 * (seconds below 1e11), NOT_A_TIME past the bound; HOST_TIME for any other spelling (the host
 * reads it: RFC 3339, fractions).
 */
export function timeOf(start: usize, end: usize): f64 {
  if (start == end || isDash(start, end)) return NaN;
  const length = <u32>(end - start);
  if (length > 15) return HOST_TIME;
  // All its digits checked at once (a field's 16 bytes may be read: the area has room past it).
  const digits = i8x16.sub(v128.load(start), ZEROS);
  if ((<u32>i8x16.bitmask(i8x16.gt_u(digits, NINES)) & ((<u32>1 << length) - 1)) != 0) return HOST_TIME;
  // At most 15 digits: exact as an f64, as the digit by digit sum the host makes.
  const number = <f64>digitsValue(digits, length);
  const ms = number < EPOCH_MS_FROM ? number * 1000 : number;
  return ms < EPOCH_MS_MAX ? ms : NOT_A_TIME;
}

const ZEROS = i8x16.splat(0x30);
const NINES = i8x16.splat(9);
const TENS: StaticArray<u64> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

/** The number the first `length` (1 to 15) lanes of `digits` spell, a digit (0-9) a lane, the first the most significant. */
@inline function digitsValue(digits: v128, length: u32): u64 {
  const first = <u64>i64x2.extract_lane(digits, 0);
  if (length <= 8) return eightDigits(first << (<u64>(8 - length) << 3));
  const rest = length - 8;
  const second = <u64>i64x2.extract_lane(digits, 1);
  return eightDigits(first) * unchecked(TENS[rest]) + eightDigits(second << (<u64>(8 - rest) << 3));
}

/** The number 8 digits spell, one a byte, the first in the lowest: pairs, then fours, then all 8 (no step carries into the next lane). */
@inline function eightDigits(x: u64): u64 {
  x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ff;
  x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffff;
  return (x * 10000 + (x >> 32)) & 0xffffffff;
}
