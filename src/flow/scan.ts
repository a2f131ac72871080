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

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const ZERO = 0x30;
const NINE = 0x39;
/** A backslash or a control character: strings the scanner does not unescape or JSON.parse refuses. */
const UNSCANNED = /[\\\x00-\x1f]/;
/** Integers up to 15 digits are exact doubles, so reading them digit by digit equals JSON.parse. */
const MAX_DIGITS = 15;

/**
 * The fields of a one-object line whose keys are only src, dst, protocol and port (each at most
 * once) and whose values are strings without escapes or control characters, non-negative integers
 * or null; undefined for any other line (other keys, escapes, objects, fractions, bad JSON), which
 * the fallback reads.
 */
export function scanFlowFields(text: string): ScannedFields | undefined {
  // Escapes and control characters anywhere: the fallback reads the line (one pass, then indexOf).
  if (UNSCANNED.test(text)) return undefined;
  const fields: ScannedFields = { src: undefined, dst: undefined, protocol: undefined, port: undefined };
  let seen = 0;
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== OPEN) return undefined;
  at = skipSpace(text, at + 1);
  if (text.charCodeAt(at) === CLOSE) return skipSpace(text, at + 1) === text.length ? fields : undefined;
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = text.indexOf('"', at + 1);
    if (keyEnd < 0) return undefined;
    const bit = keyBit(text, at + 1, keyEnd);
    if (bit === 0 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    at = skipSpace(text, keyEnd + 1);
    if (text.charCodeAt(at) !== COLON) return undefined;
    at = skipSpace(text, at + 1);
    const code = text.charCodeAt(at);
    let value: unknown;
    if (code === QUOTE) {
      const end = text.indexOf('"', at + 1);
      if (end < 0) return undefined;
      value = text.slice(at + 1, end);
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
      if ((code === ZERO && end > at + 1) || end - at > MAX_DIGITS || next === 0x2e || next === 0x65 || next === 0x45) return undefined;
      value = number;
      at = end;
    } else if (code === 0x6e && text.startsWith('null', at)) {
      value = null;
      at += 4;
    } else {
      return undefined;
    }
    if (bit === 1) fields.src = value;
    else if (bit === 2) fields.dst = value;
    else if (bit === 4) fields.protocol = value;
    else fields.port = value;
    at = skipSpace(text, at);
    const separator = text.charCodeAt(at);
    if (separator === CLOSE) return skipSpace(text, at + 1) === text.length ? fields : undefined;
    if (separator !== COMMA) return undefined;
    at = skipSpace(text, at + 1);
  }
}

/** JSON's whitespace: space, tab, LF, CR (and nothing else). */
function skipSpace(text: string, at: number): number {
  for (;;) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return at;
    at++;
  }
}

/** 1 src, 2 dst, 4 protocol, 8 port; 0 for any other key. */
function keyBit(text: string, start: number, end: number): number {
  const length = end - start;
  if (length === 3) {
    const a = text.charCodeAt(start);
    const b = text.charCodeAt(start + 1);
    const c = text.charCodeAt(start + 2);
    if (a === 0x73 && b === 0x72 && c === 0x63) return 1; // src
    if (a === 0x64 && b === 0x73 && c === 0x74) return 2; // dst
    return 0;
  }
  if (length === 4) return text.startsWith('port', start) ? 8 : 0;
  if (length === 8) return text.startsWith('protocol', start) ? 4 : 0;
  return 0;
}

/** Endpoint strings met before (any field), decoded once each. */
const endpoints = new EndpointTable(decodeEndpoint);

function endpointOf(value: unknown, field: string): EndpointSpec {
  return typeof value === 'string' ? endpoints.get(value, field) : decodeEndpoint(value, field);
}
