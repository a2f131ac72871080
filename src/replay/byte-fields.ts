/**
 * @module The fields the fast paths on bytes read, on a line's bytes [start, end) of printable
 * ASCII: the observed verdict, the protocol, a port and a time, each read as the line readers read
 * their text (parseObserved, classifyProtocol and parsePortField in records.ts, parseTimeText in
 * record-time.ts), without making a string for the common spellings. A spelling they do not
 * read here gives a value that sends the line to its LineReader.
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import { asciiText, OBSERVED_CODE } from './flow-records.js';
import { LineError, OBSERVED_WORDS, PROTOCOL_WORDS } from './records.js';
import { hasRfc3339Shape, parseTimeText, rfc3339Bytes } from './record-time.js';

const encode = (words: readonly (readonly [string, number])[]): readonly (readonly [Uint8Array, number])[] =>
  words.map(([word, code]) => [new TextEncoder().encode(word), code]);

/** The common spellings (records.ts), as bytes. */
const OBSERVED_BYTES = encode(OBSERVED_WORDS);
const PROTOCOL_BYTES = encode(PROTOCOL_WORDS);

/** Whether bytes [start, end) spell `word`. */
export function isWord(bytes: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}

function codeOf(bytes: Uint8Array, start: number, end: number, words: readonly (readonly [Uint8Array, number])[], none: number): number {
  for (const [word, code] of words) if (isWord(bytes, start, end, word)) return code;
  return none;
}

/** The verdict as parseObserved reads it: the OBSERVED_CODE, NONE for empty and "-", -1 for any spelling not in OBSERVED_WORDS. */
export function observedCodeOf(bytes: Uint8Array, start: number, end: number): number {
  if (start === end || (end - start === 1 && bytes[start] === 0x2d)) return OBSERVED_CODE.NONE;
  return codeOf(bytes, start, end, OBSERVED_BYTES, -1);
}

/** The protocol as classifyProtocol reads it: the PROTOCOL_CODE (TCP when empty), 0 for any spelling not in PROTOCOL_WORDS. */
export function protocolCodeOf(bytes: Uint8Array, start: number, end: number): number {
  return start === end ? PROTOCOL_CODE.TCP : codeOf(bytes, start, end, PROTOCOL_BYTES, 0);
}

/** The port as parsePortField reads it: 1-65535, at most 5 digits; 0 for any other spelling (parsePortField then says why). */
export function portOfBytes(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start || end - start > 5) return 0;
  let port = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return 0;
    port = port * 10 + digit;
  }
  return port <= 65535 ? port : 0;
}

/** What timeOfBytes gives for a field parseTimeText refuses (it cannot be a time). */
export const NOT_A_TIME = Number.NEGATIVE_INFINITY;

/** Epoch numbers below this are seconds, and past the second bound refused (as record-time.ts reads them). */
const EPOCH_MS_FROM = 1e11;
const EPOCH_MS_MAX = 1e14;

/**
 * parseTimeText on bytes: epoch milliseconds, NaN for a field that gives no time (empty, "-"),
 * NOT_A_TIME where it would throw. Whole epoch numbers and RFC 3339 are read in place; other
 * spellings (fractions of seconds) are read by parseTimeText itself.
 */
export function timeOfBytes(bytes: Uint8Array, start: number, end: number, field: string): number {
  if (start === end || (end - start === 1 && bytes[start] === 0x2d)) return NaN;
  if (end - start <= 15) {
    let number = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = bytes[i]! - 0x30;
      if (digit < 0 || digit > 9) break;
      number = number * 10 + digit;
    }
    if (i === end) {
      const ms = number < EPOCH_MS_FROM ? number * 1000 : number;
      return ms < EPOCH_MS_MAX ? ms : NOT_A_TIME;
    }
  }
  // parseTimeText's RFC 3339 branch, on the bytes (the line is printable ASCII: its text's UTF-8 is these bytes).
  if (hasRfc3339Shape(bytes, start, end)) return rfc3339Bytes(bytes, start, end) ?? NOT_A_TIME;
  try {
    return parseTimeText(asciiText(bytes, start, end), field) ?? NaN;
  } catch (error) {
    if (error instanceof LineError) return NOT_A_TIME;
    throw error;
  }
}
