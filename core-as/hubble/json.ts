// JSON's grammar on the bytes of the line in linear memory, for a scanner that gives up rather
// than decode: steps over spaces, strings, numbers and literals at an address and returns where
// they end, or 0. The byte at the line's end is a line feed, which matches no token, so that only
// strings need to check the end; strings are taken only as printable ASCII without escapes.

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

/** The address of the line's end (its line feed). */
let limit: usize = 0;

export function setLineEnd(end: usize): void {
  limit = end;
}

@inline export function at8(p: usize): u32 {
  return <u32>load<u8>(p);
}

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** Whether one of the 8 bytes of `w` is a quote, a backslash, below a space or above `~` (may say so wrongly only when one is). */
@inline function hasStop(w: u64): bool {
  const quote = w ^ (ONES * QUOTE);
  const backslash = w ^ (ONES * BACKSLASH);
  const zeroes = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
  const below = (w - ONES * SPACE) & ~w;
  const above = (w + ONES) | w;
  return ((zeroes | below | above) & HIGHS) != 0;
}

/** The closing quote of the string whose content starts at `p`, or 0: printable ASCII without a backslash. */
export function stringClose(p: usize): usize {
  // 8 bytes a step up to the first that may stop the string, then byte by byte.
  while (p + 8 <= limit && !hasStop(load<u64>(p))) p += 8;
  for (; p < limit; p++) {
    const c = at8(p);
    if (c == QUOTE) return p;
    if (c < SPACE || c == BACKSLASH || c > 0x7e) return 0;
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

