/**
 * @module Flow lines without JSON.parse: a hand-written scanner for the shape nearly every line
 * has (`{"src": "...", "dst": "...", "protocol": "TCP", "port": 80}`, any key order, spaces
 * between tokens), with JSON.parse + decodeFlow as the fallback for every other line. The scanner
 * takes a line only when JSON.parse would read it as the same four values, and hands those values
 * to decode.ts's own field decoders in decodeFlow's order, so answers and error messages are those
 * of the fallback by construction.
 */
import type { EndpointSpec, Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { decodeEndpoint, decodeFlow, decodePort, decodeProtocol } from './decode.js';
import { EndpointTable } from './endpoint-table.js';

/** What a line that JSON.parse refuses is answered with (`{"error": "line N: not valid JSON"}`). */
export const NOT_JSON = 'not valid JSON';

/**
 * One NDJSON flow line to a Flow; throws FlowError (`NOT_JSON` for a line that is not JSON) as
 * `decodeFlow(JSON.parse(text))` would.
 */
export function decodeFlowLine(text: string): Flow {
  const fields = scanFlowFields(text);
  if (fields !== undefined) {
    return {
      src: endpointOf(fields.src, 'src'),
      dst: endpointOf(fields.dst, 'dst'),
      protocol: decodeProtocol(fields.protocol),
      port: decodePort(fields.port),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FlowError(NOT_JSON);
  }
  return decodeFlow(value);
}

/** The four values of a line in the scanned shape, as JSON.parse would give them (undefined: absent). */
export interface ScannedFields {
  src: unknown;
  dst: unknown;
  protocol: unknown;
  port: unknown;
}

/**
 * Where scanFlowLine puts each field: FIELD_SLOTS numbers per field, in the order src, dst,
 * protocol, port (FIELD), each [value type (VALUE), start or the number, end of a string].
 */
export const FIELD = { SRC: 0, DST: 1, PROTOCOL: 2, PORT: 3 } as const;
export const FIELD_SLOTS = 3;
export const SLOT = { TYPE: 0, START: 1, END: 2 } as const;
/** A value's type: absent, a string (text.slice(start, end)), a number (in START), null. */
export const VALUE = { ABSENT: 0, STRING: 1, NUMBER: 2, NULL: 3 } as const;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;
/** Integers up to 15 digits are exact doubles, so reading them digit by digit equals JSON.parse. */
const MAX_DIGITS = 15;

/** Slots for one scanned line (scanFlowLine's `spans`). */
export function flowLineSpans(): Float64Array {
  return new Float64Array(4 * FIELD_SLOTS);
}

/**
 * The fields of a one-object line whose keys are only src, dst, protocol and port (each at most
 * once) and whose values are strings without escapes or control characters, non-negative integers
 * or null; undefined for any other line (other keys, escapes, objects, fractions, bad JSON), which
 * the fallback reads.
 */
export function scanFlowFields(text: string): ScannedFields | undefined {
  const spans = flowLineSpans();
  if (!scanFlowLine(text, spans)) return undefined;
  return {
    src: spanValue(text, spans, FIELD.SRC),
    dst: spanValue(text, spans, FIELD.DST),
    protocol: spanValue(text, spans, FIELD.PROTOCOL),
    port: spanValue(text, spans, FIELD.PORT),
  };
}

/** Field `field` of a scanned line as JSON.parse gives it. */
export function spanValue(text: string, spans: Float64Array, field: number): unknown {
  const at = field * FIELD_SLOTS;
  switch (spans[at + SLOT.TYPE]) {
    case VALUE.STRING:
      return text.slice(spans[at + SLOT.START], spans[at + SLOT.END]);
    case VALUE.NUMBER:
      return spans[at + SLOT.START];
    case VALUE.NULL:
      return null;
    default:
      return undefined;
  }
}

/**
 * scanFlowFields without building anything: true when the line is in the scanned shape, its
 * fields then in `spans` (FIELD, SLOT, VALUE); false for a line the fallback reads.
 */
export function scanFlowLine(text: string, spans: Float64Array): boolean {
  spans.fill(0);
  let seen = 0;
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== OPEN) return false;
  at = skipSpace(text, at + 1);
  if (text.charCodeAt(at) === CLOSE) return skipSpace(text, at + 1) === text.length;
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) return false;
    const keyEnd = text.indexOf('"', at + 1);
    if (keyEnd < 0) return false;
    const field = keyField(text, at + 1, keyEnd);
    if (field < 0 || (seen & (1 << field)) !== 0) return false;
    seen |= 1 << field;
    const slot = field * FIELD_SLOTS;
    at = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(at) !== COLON) return false;
    at = skipSpace(text, at + 1);
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      const end = stringEnd(text, at + 1);
      if (end < 0) return false;
      spans[slot + SLOT.TYPE] = VALUE.STRING;
      spans[slot + SLOT.START] = at + 1;
      spans[slot + SLOT.END] = end;
      at = end + 1;
    } else if (code >= ZERO && code <= NINE) {
      let end = at + 1;
      let number = code - ZERO;
      for (; end < text.length; end++) {
        const digit = text.charCodeAt(end) - ZERO;
        if (digit < 0 || digit > 9) break;
        number = number * 10 + digit;
      }
      // A leading zero, a fraction or an exponent: JSON.parse decides.
      const next = text.charCodeAt(end);
      if ((code === ZERO && end > at + 1) || end - at > MAX_DIGITS || next === 0x2e || next === 0x65 || next === 0x45) return false;
      spans[slot + SLOT.TYPE] = VALUE.NUMBER;
      spans[slot + SLOT.START] = number;
      at = end;
    } else if (code === 0x6e && text.startsWith('null', at)) {
      spans[slot + SLOT.TYPE] = VALUE.NULL;
      at += 4;
    } else {
      return false;
    }
    at = skipSpace(text, at);
    const separator = text.charCodeAt(at);
    if (separator === CLOSE) return skipSpace(text, at + 1) === text.length;
    if (separator !== COMMA) return false;
    at = skipSpace(text, at + 1);
  }
}

const SRC_OPEN = '{"src":"';
const DST_OPEN = '","dst":"';
const PROTOCOL_OPEN = '","protocol":';
const PORT_OPEN = ',"port":';
const MAX_PORT_DIGITS = 5;

/**
 * The shape JSON.stringify writes and most clients send, `{"src":"A","dst":"B","protocol":"TCP",
 * "port":80}` (protocol optional) with no spaces, matched with a handful of native string
 * searches instead of a pass over every character. Fills `spans` as scanFlowLine does, with one
 * difference: src and dst are the text between their quotes, NOT checked for a backslash or a
 * control character (where JSON.parse would read something else or refuse): the caller checks a
 * value before it trusts it (isPlainJSONString). False for any other line, which scanFlowLine reads.
 */
export function matchCompactFlowLine(text: string, spans: Float64Array): boolean {
  if (!text.startsWith(SRC_OPEN)) return false;
  const srcEnd = text.indexOf('"', SRC_OPEN.length);
  if (srcEnd < 0 || !text.startsWith(DST_OPEN, srcEnd)) return false;
  const dstStart = srcEnd + DST_OPEN.length;
  const dstEnd = text.indexOf('"', dstStart);
  if (dstEnd < 0) return false;
  let at = dstEnd + 1;
  let protocol: number = VALUE.ABSENT;
  let protocolStart = 0;
  if (text.startsWith(PROTOCOL_OPEN, dstEnd)) {
    at = dstEnd + PROTOCOL_OPEN.length;
    const length = compactProtocolLength(text, at);
    if (length === 0) return false;
    protocol = VALUE.STRING;
    protocolStart = at + 1;
    at += length;
  }
  if (!text.startsWith(PORT_OPEN, at)) return false;
  at += PORT_OPEN.length;
  const first = text.charCodeAt(at);
  if (first <= ZERO || first > NINE) return false;
  const portStart = at;
  let port = 0;
  const end = text.length - 1;
  for (; at < end; at++) {
    const digit = text.charCodeAt(at) - ZERO;
    if (digit < 0 || digit > 9) return false;
    port = port * 10 + digit;
  }
  if (at !== end || text.charCodeAt(end) !== CLOSE || end - portStart > MAX_PORT_DIGITS) return false;
  setSpan(spans, FIELD.SRC, VALUE.STRING, SRC_OPEN.length, srcEnd);
  setSpan(spans, FIELD.DST, VALUE.STRING, dstStart, dstEnd);
  setSpan(spans, FIELD.PROTOCOL, protocol, protocolStart, protocol === VALUE.STRING ? text.indexOf('"', protocolStart) : 0);
  setSpan(spans, FIELD.PORT, VALUE.NUMBER, port, 0);
  return true;
}

/** The length of the quoted protocol name at `at` (TCP, UDP or SCTP in capitals); 0 for any other value. */
function compactProtocolLength(text: string, at: number): number {
  if (text.startsWith('"TCP"', at) || text.startsWith('"UDP"', at)) return 5;
  return text.startsWith('"SCTP"', at) ? 6 : 0;
}

function setSpan(spans: Float64Array, field: number, type: number, start: number, end: number): void {
  const at = field * FIELD_SLOTS;
  spans[at + SLOT.TYPE] = type;
  spans[at + SLOT.START] = start;
  spans[at + SLOT.END] = end;
}

/** A backslash or a control character: a string JSON.parse would unescape or refuse. */
const UNPLAIN = /[\\\x00-\x1f]/;

/** True when the text between a string's quotes is the string JSON.parse reads (no escape, no control character). */
export function isPlainJSONString(text: string): boolean {
  return !UNPLAIN.test(text);
}

/**
 * The closing quote of a string value starting at `at`; -1 when there is none, or when the string
 * holds a backslash (an escape, which the scanner does not unescape) or a control character
 * (which JSON.parse refuses).
 */
function stringEnd(text: string, at: number): number {
  for (; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) return at;
    if (code < 0x20 || code === BACKSLASH) return -1;
  }
  return -1;
}

/** JSON's whitespace: space, tab, LF, CR (and nothing else). */
function skipSpace(text: string, at: number): number {
  for (;;) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return at;
    at++;
  }
}

/** The FIELD a key names; -1 for any other key. */
function keyField(text: string, start: number, end: number): number {
  const length = end - start;
  if (length === 3) {
    const a = text.charCodeAt(start);
    const b = text.charCodeAt(start + 1);
    const c = text.charCodeAt(start + 2);
    if (a === 0x73 && b === 0x72 && c === 0x63) return FIELD.SRC;
    if (a === 0x64 && b === 0x73 && c === 0x74) return FIELD.DST;
    return -1;
  }
  if (length === 4) return text.startsWith('port', start) ? FIELD.PORT : -1;
  if (length === 8) return text.startsWith('protocol', start) ? FIELD.PROTOCOL : -1;
  return -1;
}

/** Endpoint strings met before (any field), decoded once each. */
const endpoints = new EndpointTable(decodeEndpoint);

function endpointOf(value: unknown, field: string): EndpointSpec {
  return typeof value === 'string' ? endpoints.get(value, field) : decodeEndpoint(value, field);
}
