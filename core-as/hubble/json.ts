// JSON's grammar on the bytes of the line in linear memory, for a scanner that gives up rather
// than decode: steps over spaces, strings, numbers and literals at an address and returns where
// they end, or 0. The byte at the line's end is a line feed, which matches no token, so that only
// strings need to check the end; strings are taken only as printable ASCII without escapes, and
// so a line with any other byte is refused before it is read (prepareLine), 16 bytes at a time.
import { QUOTES_AT } from './layout';

const QUOTE: u32 = 0x22;
const SPACE: u32 = 0x20;
const BACKSLASH: u32 = 0x5c;
const DIGIT_0: u32 = 0x30;
const DIGIT_9: u32 = 0x39;
const MINUS: u32 = 0x2d;
const PLUS: u32 = 0x2b;
const DOT: u32 = 0x2e;
const LOWER_E: u32 = 0x65;
const UPPER_E: u32 = 0x45;

/** The line being read: its first byte's address, and its end's (its line feed). */
let lineStart: usize = 0;
let limit: usize = 0;

@inline export function at8(p: usize): u32 {
  return <u32>load<u8>(p);
}

const QUOTES = i8x16.splat(<i8>QUOTE);
const BACKSLASHES = i8x16.splat(<i8>BACKSLASH);
const SPACES = i8x16.splat(<i8>SPACE);
/** A byte minus a space is above this when it is below a space or above `~` (unsigned). */
const PRINTABLE_SPAN = i8x16.splat(<i8>(0x7e - SPACE));

/** The bad bytes (below a space, above `~`, a backslash) of the 16 at `p`, one bit each. */
@inline function badBits(v: v128): u32 {
  return <u32>i8x16.bitmask(v128.or(i8x16.gt_u(i8x16.sub(v, SPACES), PRINTABLE_SPAN), i8x16.eq(v, BACKSLASHES)));
}

/**
 * Takes bytes [start, end) as the line to read (a line feed at `end`), 16 at a time: false when
 * one of them is below a space, above `~` or a backslash (no line the scanner takes has one: a
 * string would give up on it, and JSON allows none outside strings but the spaces it gives up on),
 * else notes where its quotes are (QUOTES_AT, a bit per byte), which is all strings need to end.
 * The last 16 may read up to 15 bytes past the line feed (the line area has room for them).
 */
export function prepareLine(start: usize, end: usize): bool {
  lineStart = start;
  limit = end;
  const n = end - start;
  let bad: u32 = 0;
  let k: usize = 0;
  for (; k + 16 <= n; k += 16) {
    const v = v128.load(start + k);
    bad |= badBits(v);
    store<u16>(QUOTES_AT + (k >> 3), <u16>i8x16.bitmask(i8x16.eq(v, QUOTES)));
  }
  if (k < n) {
    // The last bytes: those past the line's end (its line feed first) are not the line's.
    const v = v128.load(start + k);
    bad |= badBits(v) & ((<u32>1 << <u32>(n - k)) - 1);
    store<u16>(QUOTES_AT + (k >> 3), <u16>i8x16.bitmask(i8x16.eq(v, QUOTES)));
  }
  return bad == 0;
}

/** The closing quote of the string whose content starts at `p` (in the line prepareLine took), or 0 when it has none. */
export function stringClose(p: usize): usize {
  const n = limit - lineStart;
  let i = p - lineStart;
  while (i < n) {
    const w = load<u64>(QUOTES_AT + (i >> 3)) >> <u64>(i & 7);
    if (w != 0) {
      const q = i + <usize>ctz(w);
      return q < n ? lineStart + q : 0;
    }
    i = (i & ~7) + 64;
  }
  return 0;
}

/** After a JSON number at `p`; 0 when there is none. */
export function numberEnd(p: usize): usize {
  if (at8(p) == MINUS) p++;
  const first = at8(p);
  if (first == DIGIT_0) p++;
  else if (first > DIGIT_0 && first <= DIGIT_9) p = digitsEnd(p + 1);
  else return 0;
  if (at8(p) == DOT) {
    const from = p + 1;
    p = digitsEnd(from);
    if (p == from) return 0;
  }
  const e = at8(p);
  if (e == LOWER_E || e == UPPER_E) {
    p++;
    const sign = at8(p);
    if (sign == PLUS || sign == MINUS) p++;
    const from = p;
    p = digitsEnd(from);
    if (p == from) return 0;
  }
  return p;
}

/** After a plain whole number of 1 to 5 digits, no leading zero (what a port is written as); 0 otherwise. */
export function wholeNumberEnd(p: usize): usize {
  const end = digitsEnd(p);
  if (end == p || end - p > 5 || (end - p > 1 && at8(p) == DIGIT_0)) return 0;
  const next = at8(end);
  return next == DOT || next == LOWER_E || next == UPPER_E ? 0 : end;
}

@inline function digitsEnd(p: usize): usize {
  while (at8(p) - DIGIT_0 <= 9) p++;
  return p;
}

export function digitsValue(p: usize, end: usize): i32 {
  let n = 0;
  for (; p < end; p++) n = n * 10 + <i32>(at8(p) - DIGIT_0);
  return n;
}

@inline export function space(p: usize): usize {
  while (at8(p) == SPACE) p++;
  return p;
}

/** Bytes [from, from + 8) of the ASCII `word` as a little-endian u64 (zeros past its end). */
export function pack(word: string, from: i32): u64 {
  let packed: u64 = 0;
  for (let i = min(word.length, from + 8) - 1; i >= from; i--) packed = (packed << 8) | <u64>word.charCodeAt(i);
  return packed;
}

/** Whether the `n` bytes (1-8) at `p` are the packed word `w` (the bytes past them, still in memory, are masked off). */
@inline export function is8(p: usize, w: u64, n: i32): bool {
  const mask: u64 = n >= 8 ? <u64>-1 : (<u64>1 << (<u64>n * 8)) - 1;
  return (load<u64>(p) & mask) == w;
}

/** Whether the `n` bytes (9-16) at `p` are the packed word `lo`, `hi`. */
@inline export function is16(p: usize, lo: u64, hi: u64, n: i32): bool {
  return load<u64>(p) == lo && is8(p + 8, hi, n - 8);
}

