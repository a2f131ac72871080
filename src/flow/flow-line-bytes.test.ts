import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowCorpus } from '../../test/hostile/corpus.js';
import { COMPACT, COMPACT_PROTOCOL, COMPACT_SLOTS, isPlainEndpointText, matchCompactFlowBytes } from './flow-line-bytes.js';

const encoder = new TextEncoder();
const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const PROTOCOL_NAMES = ['TCP', 'UDP', 'SCTP'];

/**
 * When the matcher takes a line (ending where the bytes end) and both endpoints are plain, the
 * fields are JSON.parse's and the line has no other key; the matcher never reads past `limit`.
 */
function expectAgreement(line: string): boolean {
  const bytes = encoder.encode(`${line}\n`);
  const out = new Int32Array(COMPACT_SLOTS);
  const limit = bytes.length - 1;
  const end = matchCompactFlowBytes(bytes, viewOf(bytes), 0, limit, out);
  if (end !== limit) return false;
  const plain = (start: number, stop: number): boolean => isPlainEndpointText(bytes, start, stop);
  if (!plain(out[COMPACT.SRC_START]!, out[COMPACT.SRC_END]!) || !plain(out[COMPACT.DST_START]!, out[COMPACT.DST_END]!)) return false;
  const text = (start: number, stop: number): string => new TextDecoder().decode(bytes.subarray(start, stop));
  const object = JSON.parse(line) as Record<string, unknown>;
  expect(Object.keys(object).every((key) => ['src', 'dst', 'protocol', 'port'].includes(key)), line).toBe(true);
  const protocol = out[COMPACT.PROTOCOL]!;
  expect(
    {
      src: text(out[COMPACT.SRC_START]!, out[COMPACT.SRC_END]!),
      dst: text(out[COMPACT.DST_START]!, out[COMPACT.DST_END]!),
      protocol: protocol === COMPACT_PROTOCOL.ABSENT ? undefined : PROTOCOL_NAMES[protocol - 1],
      port: out[COMPACT.PORT],
    },
    line,
  ).toEqual({ src: object.src, dst: object.dst, protocol: object.protocol, port: object.port });
  return true;
}

const ENDPOINTS = ['ns1/web', 'ns/Deployment/web', '10.0.0.1', '2001:db8::1', '', 'é/ü', 'ns1/we\\"b', 'a\u0007b', ' x ', '~'];
const flowLine = fc
  .record({
    src: fc.oneof(fc.constantFrom(...ENDPOINTS), fc.string({ maxLength: 8 })),
    dst: fc.oneof(fc.constantFrom(...ENDPOINTS), fc.string({ maxLength: 8 })),
    protocol: fc.option(fc.constantFrom<unknown>('TCP', 'UDP', 'SCTP', 'tcp', 'TCPX', 6, null), { nil: undefined }),
    port: fc.constantFrom<unknown>(80, 1, 65535, 65536, 0, 100000, '80', -1, 8.5, null),
  })
  .map((flow) => JSON.stringify(flow));
const mutated = fc
  .tuple(flowLine, fc.nat(), fc.constantFrom('"', '\\', ',', ':', '{', '}', ' ', '\r', '\u0001', '0', '.', 'e', '-', 'é', ''), fc.boolean())
  .map(([line, at, char, replace]) => {
    const i = at % (line.length + 1);
    return line.slice(0, i) + char + line.slice(replace ? i + 1 : i);
  });

describe('the compact flow line matcher on bytes, against JSON.parse', () => {
  it('takes the shape JSON.stringify writes and ends at the closing brace', () => {
    for (const line of [
      '{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}',
      '{"src":"ns3/frontend","dst":"10.0.0.1","port":65535}',
      '{"src":"a","dst":"b","protocol":"SCTP","port":1}',
    ]) {
      expect(expectAgreement(line), line).toBe(true);
    }
    const out = new Int32Array(COMPACT_SLOTS);
    const bytes = encoder.encode('{"src":"a","dst":"b","port":80}\r\n{"src"');
    expect(matchCompactFlowBytes(bytes, viewOf(bytes), 0, bytes.length, out)).toBe(31);
  });

  it('refuses other spellings, whatever follows', () => {
    const out = new Int32Array(COMPACT_SLOTS);
    for (const line of [
      '{"src":"a","dst":"b","protocol":"tcp","port":80}',
      '{"src":"a","dst":"b","protocol":6,"port":80}',
      '{"src":"a","dst":"b","port":080}',
      '{"src":"a","dst":"b","port":0}',
      '{"src":"a","dst":"b","port":123456}',
      '{"src":"a","dst":"b","port":65536}',
      '{"src":"a","dst":"b","port":"80"}',
      '{"src":"a","dst":"b","port":80.5}',
      '{"dst":"b","src":"a","port":80}',
      '{"src":"a","dst":"b","port":80,"port":81}',
      '{"src": "a","dst":"b","port":80}',
      '{"src":"a","dst":"b","port":',
      '{"src":"a","dst":"b',
    ]) {
      const bytes = encoder.encode(line);
      expect(matchCompactFlowBytes(bytes, viewOf(bytes), 0, bytes.length, out), line).toBe(-1);
    }
  });

  it('never reads past its limit', () => {
    const out = new Int32Array(COMPACT_SLOTS);
    for (const text of [
      '{"src":"a","dst":"b","protocol":"TCP","port":80}',
      '{"src":"a","dst":"b","protocol":"SCTP","port":8}',
      '{"src":"a","dst":"b","port":8}',
      '{"src":"","dst":"","protocol":"UDP","port":65535}',
    ]) {
      const line = encoder.encode(text);
      for (let limit = 0; limit < line.length; limit++) expect(matchCompactFlowBytes(line, viewOf(line), 0, limit, out), `${text} ${limit}`).toBe(-1);
      expect(matchCompactFlowBytes(line, viewOf(line), 0, line.length, out), text).toBe(line.length);
    }
  });

  it('tells the protocol key from the port key, which begins with the same four bytes', () => {
    const out = new Int32Array(COMPACT_SLOTS);
    for (const [text, end] of [
      ['{"src":"a","dst":"b","port":80}', 31],
      ['{"src":"a","dst":"b","protocoX":"TCP","port":80}', -1],
      ['{"src":"a","dst":"b","protocol":"SCTPX","port":80}', -1],
      ['{"src":"a","dst":"b","protocol":"SCT","port":80}', -1],
      ['{"src":"a","dst":"b","protocol":"TCP,"port":80}', -1],
      ['{"src":"a","dst":"b","protocol":"TCP","porT":80}', -1],
    ] as const) {
      const bytes = encoder.encode(text);
      expect(matchCompactFlowBytes(bytes, viewOf(bytes), 0, bytes.length, out), text).toBe(end);
    }
  });

  it('checks endpoint texts: printable ASCII without a backslash', () => {
    const check = (text: string): boolean => {
      const bytes = encoder.encode(text);
      return isPlainEndpointText(bytes, 0, bytes.length);
    };
    expect(check('ns1/web-5d78c9869d-abcde')).toBe(true);
    expect(check('2001:db8::1')).toBe(true);
    for (const text of ['a\\b', 'a\u0001', 'a\u007f', 'é', '\t']) expect(check(text), text).toBe(false);
  });

  it('agrees on likely lines, changed lines, any text and the hostile corpus', () => {
    let taken = 0;
    fc.assert(fc.property(flowLine, (line) => void (taken += Number(expectAgreement(line)))), { numRuns: 3000 });
    expect(taken).toBeGreaterThan(100);
    fc.assert(fc.property(mutated, (line) => void expectAgreement(line)), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (line) => void expectAgreement(line)), { numRuns: 1000 });
    for (const input of flowCorpus()) expectAgreement(input.line);
  });
});
