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

/** The little-endian word of four ASCII characters: what `view.getInt32(at, true)` reads where they are. */
function word(text: string): number {
  return text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24);
}

// The fixed parts of the line as words (and a last byte), compared inline: a helper per part was
// not inlined into the hot loop, and a pattern object's fields are loads where constants are not.
/** `{"src":"` */
const SRC_OPEN_0 = word('{"sr');
const SRC_OPEN_1 = word('c":"');
const SRC_OPEN_LENGTH = 8;
/** `","dst":"` */
const DST_OPEN_0 = word('","d');
const DST_OPEN_1 = word('st":');
const DST_OPEN_LENGTH = 9;
/** `","protocol":"` */
const PROTOCOL_OPEN_0 = word('","p');
const PROTOCOL_OPEN_1 = word('roto');
const PROTOCOL_OPEN_2 = word('col"');
const COLON = 0x3a;
const PROTOCOL_OPEN_LENGTH = 14;
/** `,"port":` */
const PORT_OPEN_0 = word(',"po');
const PORT_OPEN_1 = word('rt":');
const PORT_OPEN_LENGTH = 8;
/** Each protocol name with its closing quote (SCTP's quote is its fifth byte). */
const TCP_NAME = word('TCP"');
const UDP_NAME = word('UDP"');
const SCTP_NAME = word('SCTP');
/** Four quotes, and the constants of the zero-byte test (a word's byte is a quote when it is zero after xor). */
const QUOTES = 0x22222222;
const ONES = 0x01010101;
const HIGHS = 0x80808080 | 0;

/**
 * Matches a compact flow line starting at `start` and ending before `limit` (`view`: a DataView of
 * all of `bytes`): the index just after its closing brace (where its line end must follow, which
 * the caller checks), its fields in `out` (COMPACT): src and dst as byte ranges, the protocol
 * (COMPACT_PROTOCOL) and the port; -1 when the bytes from `start` do not begin with a compact flow
 * line. Every read is bounded by `limit`.
 */
export function matchCompactFlowBytes(bytes: Uint8Array, view: DataView, start: number, limit: number, out: Int32Array): number {
  if (start + SRC_OPEN_LENGTH > limit || view.getInt32(start, true) !== SRC_OPEN_0 || view.getInt32(start + 4, true) !== SRC_OPEN_1) return -1;
  const srcStart = start + SRC_OPEN_LENGTH;
  const srcEnd = closingQuote(bytes, view, srcStart, limit);
  if (srcEnd < 0 || srcEnd + DST_OPEN_LENGTH > limit) return -1;
  if (view.getInt32(srcEnd, true) !== DST_OPEN_0 || view.getInt32(srcEnd + 4, true) !== DST_OPEN_1 || bytes[srcEnd + 8] !== QUOTE) return -1;
  const dstStart = srcEnd + DST_OPEN_LENGTH;
  const dstEnd = closingQuote(bytes, view, dstStart, limit);
  // The shortest rest: `","port":1}` (the quote, PORT_OPEN, a digit, the brace).
  if (dstEnd < 0 || dstEnd + 1 + PORT_OPEN_LENGTH + 2 > limit) return -1;
  let at = dstEnd + 1;
  let protocol: number = COMPACT_PROTOCOL.ABSENT;
  // Both first words: `","port":` begins as `","protocol":"` does.
  if (view.getInt32(dstEnd, true) === PROTOCOL_OPEN_0 && view.getInt32(dstEnd + 4, true) === PROTOCOL_OPEN_1) {
    // `","protocol":"TCP"`, the port's opening, a digit and the brace.
    if (dstEnd + PROTOCOL_OPEN_LENGTH + 4 + PORT_OPEN_LENGTH + 2 > limit || view.getInt32(dstEnd + 8, true) !== PROTOCOL_OPEN_2) return -1;
    if (bytes[dstEnd + 12] !== COLON || bytes[dstEnd + 13] !== QUOTE) return -1;
    at = dstEnd + PROTOCOL_OPEN_LENGTH;
    const name = view.getInt32(at, true);
    if (name === TCP_NAME) protocol = COMPACT_PROTOCOL.TCP;
    else if (name === UDP_NAME) protocol = COMPACT_PROTOCOL.UDP;
    else if (name === SCTP_NAME && bytes[at + 4] === QUOTE) protocol = COMPACT_PROTOCOL.SCTP;
    else return -1;
    at += protocol === COMPACT_PROTOCOL.SCTP ? 5 : 4;
    if (at + PORT_OPEN_LENGTH + 2 > limit) return -1;
  }
  if (view.getInt32(at, true) !== PORT_OPEN_0 || view.getInt32(at + 4, true) !== PORT_OPEN_1) return -1;
  at += PORT_OPEN_LENGTH;
  const first = at;
  if (bytes[at] === ZERO) return -1;
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
