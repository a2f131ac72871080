/**
 * @module JSON's grammar on the bytes of one line, for scanners that give up rather than decode:
 * steps over spaces, strings, numbers and literals at a position, and returns where they end, or
 * -1. A line is [start, limit) of its bytes; the byte at `limit` (a line feed, a carriage return or
 * past the array) matches no token, so that only strings need to check the limit. Strings are
 * taken only as printable ASCII without escapes: anything else is left to JSON.parse.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * After the spaces at `at`. Only the space byte counts: a tab, carriage return or line feed
 * inside a line is left to JSON.parse (so that no scan steps over the line's end).
 */
export function spaceEnd(bytes: Uint8Array, at: number): number {
  while (bytes[at] === SPACE) at++;
  return at;
}

/**
 * The closing quote of the string whose content starts at `at`, or -1: the content must be
 * printable ASCII without a backslash, so that the bytes are the string.
 */
export function stringClose(bytes: Uint8Array, at: number, limit: number): number {
  for (; at < limit; at++) {
    const c = bytes[at]!;
    if (c === QUOTE) return at;
    if (c < SPACE || c === BACKSLASH || c > 0x7e) return -1;
  }
  return -1;
}

/** After a JSON number at `at`; -1 when there is none. */
export function numberEnd(bytes: Uint8Array, at: number): number {
  if (bytes[at] === MINUS) at++;
  const first = bytes[at]!;
  if (first === DIGIT_0) at++;
  else if (first > DIGIT_0 && first <= DIGIT_9) at = digitsEnd(bytes, at + 1);
  else return -1;
  if (bytes[at] === DOT) {
    const from = at + 1;
    at = digitsEnd(bytes, from);
    if (at === from) return -1;
  }
  const e = bytes[at];
  if (e === LOWER_E || e === UPPER_E) {
    at++;
    const sign = bytes[at];
    if (sign === PLUS || sign === MINUS) at++;
    const from = at;
    at = digitsEnd(bytes, from);
    if (at === from) return -1;
  }
  return at;
}

/** After a plain whole number of 1 to 5 digits, no leading zero (what a port is written as); -1 otherwise. */
export function wholeNumberEnd(bytes: Uint8Array, at: number): number {
  const end = digitsEnd(bytes, at);
  if (end === at || end - at > 5 || (end - at > 1 && bytes[at] === DIGIT_0)) return -1;
  const next = bytes[end];
  return next === DOT || next === LOWER_E || next === UPPER_E ? -1 : end;
}

function digitsEnd(bytes: Uint8Array, at: number): number {
  for (;;) {
    const c = bytes[at]!;
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) return at;
    at++;
  }
}

/** The value of the digits [start, end). */
export function digitsValue(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let at = start; at < end; at++) n = n * 10 + bytes[at]! - DIGIT_0;
  return n;
}

/** Whether the ASCII `word` is written at `at`: compared byte by byte. */
export function isWord(bytes: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (bytes[at + i] !== word.charCodeAt(i)) return false;
  return true;
}
