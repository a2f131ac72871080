/**
 * @module The compact flow line matched on its bytes, before any text is decoded: the shape
 * JSON.stringify writes, `{"src":"A","dst":"B","protocol":"TCP","port":80}` (protocol optional,
 * no spaces), with protocol TCP, UDP or SCTP in capitals and a port of 1 to 65535 without a leading
 * zero. The matcher finds where src and dst lie but does not check their bytes: the caller finds
 * them among endpoint texts it has checked (printable ASCII, no backslash: isPlainEndpointText),
 * and a line whose endpoints pass that check is valid UTF-8 that JSON.parse reads as exactly these
 * four values. Every other line is left to the text path (scan.ts and JSON.parse).
 */

/** Where matchCompactFlowBytes puts what it found (indexes into its `out`). */
export const COMPACT = { SRC_START: 0, SRC_END: 1, DST_START: 2, DST_END: 3, PROTOCOL: 4, PORT: 5 } as const;
/** The length of matchCompactFlowBytes's `out`. */
export const COMPACT_SLOTS = 6;
/** The protocol a matched line names; ABSENT when it names none (the decoders' default, TCP). */
export const COMPACT_PROTOCOL = { ABSENT: 0, TCP: 1, UDP: 2, SCTP: 3 } as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE = 0x7d;
const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;
const MAX_PORT = 65_535;
const MAX_PORT_DIGITS = 5;

/**
 * A fixed run of 4 to 14 bytes to match: its first words (little-endian; `words` of them, up to
 * three) and the bytes after them (`tail` of them, up to three), as fields so that a match is a
 * few compares without a loop.
 */
interface Pattern {
  readonly length: number;
  readonly words: number;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly tail: number;
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
}

function pattern(text: string): Pattern {
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const words = Math.min(3, bytes.length >> 2);
  const word = (i: number): number => (i < words ? view.getInt32(4 * i, true) : 0);
  const byte = (i: number): number => bytes[4 * words + i] ?? 0;
  const tail = bytes.length - 4 * words;
  if (tail > 3) throw new Error(`pattern ${text} is too long`);
  return { length: bytes.length, words, w0: word(0), w1: word(1), w2: word(2), tail, t0: byte(0), t1: byte(1), t2: byte(2) };
}

const SRC_OPEN = pattern('{"src":"');
const DST_OPEN = pattern('","dst":"');
const PROTOCOL_OPEN = pattern('","protocol":"');
const PORT_OPEN = pattern(',"port":');
/** Each protocol name with its closing quote. */
const TCP_NAME = pattern('TCP"');
const UDP_NAME = pattern('UDP"');
const SCTP_NAME = pattern('SCTP"');
/** Four quotes, and the constants of the zero-byte test (a word's byte is a quote when it is zero after xor). */
const QUOTES = 0x22222222;
const ONES = 0x01010101;
const HIGHS = 0x80808080 | 0;

/**
 * Matches a compact flow line starting at `start` and ending before `limit` (`view`: a DataView of
 * all of `bytes`): the index just after
 * its closing brace (where its line end must follow, which the caller checks), its fields in `out`
 * (COMPACT): src and dst as byte ranges, the protocol (COMPACT_PROTOCOL) and the port; -1 when the
 * bytes from `start` do not begin with a compact flow line.
 */
export function matchCompactFlowBytes(bytes: Uint8Array, view: DataView, start: number, limit: number, out: Int32Array): number {
  if (!hasAt(bytes, view, start, limit, SRC_OPEN)) return -1;
  const srcStart = start + SRC_OPEN.length;
  const srcEnd = closingQuote(bytes, view, srcStart, limit);
  if (srcEnd < 0 || !hasAt(bytes, view, srcEnd, limit, DST_OPEN)) return -1;
  const dstStart = srcEnd + DST_OPEN.length;
  const dstEnd = closingQuote(bytes, view, dstStart, limit);
  if (dstEnd < 0) return -1;
  let at = dstEnd + 1;
  let protocol: number = COMPACT_PROTOCOL.ABSENT;
  if (hasAt(bytes, view, dstEnd, limit, PROTOCOL_OPEN)) {
    at = dstEnd + PROTOCOL_OPEN.length;
    if (hasAt(bytes, view, at, limit, TCP_NAME)) protocol = COMPACT_PROTOCOL.TCP;
    else if (hasAt(bytes, view, at, limit, UDP_NAME)) protocol = COMPACT_PROTOCOL.UDP;
    else if (hasAt(bytes, view, at, limit, SCTP_NAME)) protocol = COMPACT_PROTOCOL.SCTP;
    else return -1;
    at += protocol === COMPACT_PROTOCOL.SCTP ? SCTP_NAME.length : TCP_NAME.length;
  }
  if (!hasAt(bytes, view, at, limit, PORT_OPEN)) return -1;
  at += PORT_OPEN.length;
  const first = at;
  if (at >= limit || bytes[at] === ZERO) return -1;
  let port = 0;
  for (; at < limit && at - first <= MAX_PORT_DIGITS; at++) {
    const code = bytes[at]!;
    if (code < ZERO || code > NINE) break;
    port = port * 10 + (code - ZERO);
  }
  if (at === first || at - first > MAX_PORT_DIGITS || port > MAX_PORT || at >= limit || bytes[at] !== CLOSE) return -1;
  out[COMPACT.SRC_START] = srcStart;
  out[COMPACT.SRC_END] = srcEnd;
  out[COMPACT.DST_START] = dstStart;
  out[COMPACT.DST_END] = dstEnd;
  out[COMPACT.PROTOCOL] = protocol;
  out[COMPACT.PORT] = port;
  return at + 1;
}

/**
 * Whether endpoint text `bytes[start, end)` (between its quotes) is printable ASCII without a
 * backslash: the string JSON.parse reads is then these bytes (no escape, no control character,
 * valid UTF-8).
 */
export function isPlainEndpointText(bytes: Uint8Array, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const code = bytes[at]!;
    if (code < PRINTABLE_FIRST || code > PRINTABLE_LAST || code === BACKSLASH) return false;
  }
  return true;
}

/** The first quote from `at`, before `limit`; -1 when there is none. Words are tested four bytes at a time. */
function closingQuote(bytes: Uint8Array, view: DataView, at: number, limit: number): number {
  for (; at + 4 <= limit; at += 4) {
    const x = view.getInt32(at, true) ^ QUOTES;
    // The lowest high bit set marks the first byte that was a quote (little-endian: the first in memory).
    const zeros = ((x - ONES) | 0) & ~x & HIGHS;
    if (zeros !== 0) return at + ((31 - Math.clz32(zeros & -zeros)) >> 3);
  }
  while (at < limit && bytes[at] !== QUOTE) at++;
  return at < limit ? at : -1;
}

/** Whether `expected` is at `at`, wholly before `end`. */
function hasAt(bytes: Uint8Array, view: DataView, at: number, end: number, expected: Pattern): boolean {
  if (at + expected.length > end) return false;
  const words = expected.words;
  if (view.getInt32(at, true) !== expected.w0) return false;
  if (words > 1 && view.getInt32(at + 4, true) !== expected.w1) return false;
  if (words > 2 && view.getInt32(at + 8, true) !== expected.w2) return false;
  const rest = at + 4 * words;
  const tail = expected.tail;
  if (tail > 0 && bytes[rest] !== expected.t0) return false;
  if (tail > 1 && bytes[rest + 1] !== expected.t1) return false;
  return tail < 3 || bytes[rest + 2] === expected.t2;
}
