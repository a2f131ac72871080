import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowCorpus } from '../../test/hostile/corpus.js';
import { FlowError } from '../model/errors.js';
import { decodeFlow } from './decode.js';
import { decodeFlowLine, FIELD, flowLineSpans, isPlainJSONString, matchCompactFlowLine, NOT_JSON, scanFlowFields, spanValue } from './scan.js';

/** What a line meant before the scanner: JSON.parse, then decodeFlow. */
function viaJSON(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: NOT_JSON };
  }
  return outcome(() => decodeFlow(value));
}

function outcome(run: () => unknown): unknown {
  try {
    return { flow: run() };
  } catch (error) {
    if (!(error instanceof FlowError)) throw error;
    return { error: error.message };
  }
}

/** Both paths, and the scanner's fields against JSON.parse's object whenever it takes the line. */
function expectAgreement(text: string): void {
  expect(outcome(() => decodeFlowLine(text))).toEqual(viaJSON(text));
  // Twice: the second time the endpoints come from the scanner's table.
  expect(outcome(() => decodeFlowLine(text))).toEqual(viaJSON(text));
  const fields = scanFlowFields(text);
  if (fields === undefined) return;
  const object = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(object).every((key) => ['src', 'dst', 'protocol', 'port'].includes(key))).toBe(true);
  expect(fields).toEqual({ src: object.src, dst: object.dst, protocol: object.protocol, port: object.port });
}

/**
 * The compact matcher: when it takes a line whose src and dst are plain strings, the fields are
 * JSON.parse's; when it takes a line and one of them is not plain, JSON.parse reads something
 * else, which is why callers check (the matcher alone must not be trusted with it).
 */
function expectCompactAgreement(text: string): void {
  const spans = flowLineSpans();
  if (!matchCompactFlowLine(text, spans)) return;
  const src = spanValue(text, spans, FIELD.SRC) as string;
  const dst = spanValue(text, spans, FIELD.DST) as string;
  if (!isPlainJSONString(src) || !isPlainJSONString(dst)) return;
  const object = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(object).every((key) => ['src', 'dst', 'protocol', 'port'].includes(key))).toBe(true);
  const fields = { src, dst, protocol: spanValue(text, spans, FIELD.PROTOCOL), port: spanValue(text, spans, FIELD.PORT) };
  expect(fields, text).toEqual({ src: object.src, dst: object.dst, protocol: object.protocol, port: object.port });
  expect(fields, text).toEqual(scanFlowFields(text));
}

const ENDPOINTS = [
  'ns1/web',
  'ns3/frontend',
  'ns/Deployment/web',
  'kube-system/coredns-5d78c9869d-abcde',
  '10.0.0.1',
  '010.0.0.1',
  '2001:DB8::0:1',
  '2001:db8::1',
  '::ffff:10.0.0.1',
  'Ns1/web',
  'ns1/',
  '/web',
  'a/b/c/d',
  '',
  ' ns1/web',
  'ns1/web\u0007',
  'ns1/we\\"b',
  'é/ü',
  '\ud800',
];
const PROTOCOLS = ['TCP', 'tcp', 'UdP', 'SCTP', 'ICMP', '6', '', 'constructor'];
const NUMBERS = ['80', '0', '65535', '65536', '080', '80.0', '8e1', '1E2', '-80', '1.5', '99999999999999999999', '123456789012345'];

/** A JSON-ish token: strings (escaped or raw), numbers as text, literals, objects and arrays. */
const token = fc.oneof(
  fc.constantFrom(...ENDPOINTS, ...PROTOCOLS).map((s) => JSON.stringify(s)),
  fc.constantFrom(...ENDPOINTS).map((s) => `"${s}"`),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom('null', 'true', 'false', 'nul', '{}', '[]', '{"namespace":"ns1","labels":{"app":"web"}}', '"\\u0041"'),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
);
const key = fc.constantFrom('src', 'dst', 'protocol', 'port', 'sr', 'Port', 'observed', '__proto__', 'p\\u006frt');
const space = fc.constantFrom('', '', '', ' ', '\t', '\r\n', '\u00a0', '\f');

/** Object-shaped lines: any keys (repeated ones too), any tokens, any spacing. */
const objectLine = fc
  .tuple(fc.array(fc.tuple(key, token, space, space), { maxLength: 6 }), space, space)
  .map(([members, before, after]) => {
    const body = members.map(([k, v, s1, s2]) => `${s1}"${k}"${s2}:${s1}${v}${s2}`).join(',');
    return `${before}{${body}}${after}`;
  });

/** Likely lines: the four keys in any order, mostly good values. */
const flowLine = fc
  .record({
    src: fc.constantFrom(...ENDPOINTS.slice(0, 9)),
    dst: fc.constantFrom(...ENDPOINTS.slice(0, 9)),
    protocol: fc.option(fc.constantFrom<unknown>('TCP', 'udp', 6, 17, 132, null), { nil: undefined }),
    port: fc.constantFrom<unknown>(80, 443, 53, 1, 65535, '8080', null),
  })
  .chain((flow) => fc.shuffledSubarray(Object.entries(flow).filter(([, v]) => v !== undefined), { minLength: 0 }))
  .map((entries) => JSON.stringify(Object.fromEntries(entries)));

/** A line with one character inserted, replaced or deleted. */
const mutated = fc
  .tuple(flowLine, fc.nat(), fc.constantFrom('"', '\\', ',', ':', '{', '}', ' ', '\t', '\u0001', '0', '.', 'e', 'n', '-', ''), fc.boolean())
  .map(([line, at, char, replace]) => {
    const i = at % (line.length + 1);
    return line.slice(0, i) + char + line.slice(replace ? i + 1 : i);
  });

describe('the compact flow line matcher against JSON.parse', () => {
  it('takes the shape JSON.stringify writes, protocol optional', () => {
    const spans = flowLineSpans();
    for (const line of [
      '{"src":"ns3/frontend","dst":"ns1/web","protocol":"TCP","port":80}',
      '{"src":"ns3/frontend","dst":"10.0.0.1","port":65535}',
      '{"src":"a","dst":"b","protocol":"SCTP","port":1}',
    ]) {
      expect(matchCompactFlowLine(line, spans), line).toBe(true);
      expectCompactAgreement(line);
    }
    for (const line of [
      '{"src":"ns3/frontend","dst":"ns1/web","protocol":"tcp","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","protocol":6,"port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":080}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":0}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":123456}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":80} ',
      '{"src":"ns3/frontend","dst":"ns1/web","port":"80"}',
      '{"dst":"ns1/web","src":"ns3/frontend","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":80,"port":81}',
    ]) {
      expect(matchCompactFlowLine(line, spans), line).toBe(false);
    }
  });

  it('leaves escaped values to the caller\'s check', () => {
    const spans = flowLineSpans();
    const line = '{"src":"x\\","dst":"ns1/web","port":80}';
    expect(matchCompactFlowLine(line, spans)).toBe(true);
    expect(isPlainJSONString(spanValue(line, spans, FIELD.SRC) as string)).toBe(false);
  });

  it('agrees on likely lines, changed lines, any text and the hostile corpus', () => {
    fc.assert(fc.property(flowLine, (line) => expectCompactAgreement(line)), { numRuns: 2000 });
    fc.assert(fc.property(mutated, (line) => expectCompactAgreement(line)), { numRuns: 5000 });
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (line) => expectCompactAgreement(line)), { numRuns: 1000 });
    for (const input of flowCorpus()) expectCompactAgreement(input.line);
  });
});

describe('the flow line scanner against JSON.parse + decodeFlow', () => {
  it('takes the common shapes itself', () => {
    for (const line of [
      '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
      '{"src":"ns3/frontend","dst":"10.0.0.1","protocol":"TCP","port":80}',
      ' { "port" : 53 , "protocol":"udp",  "dst":"2001:db8::1", "src":"ns1/web" } ',
      '{"src":"a/b","dst":"c/d","protocol":null,"port":"443"}',
      '{}',
    ]) {
      expect(scanFlowFields(line)).toBeDefined();
      expectAgreement(line);
    }
  });

  it('leaves escapes, other keys, duplicates, fractions and nesting to the fallback', () => {
    for (const line of [
      '{"src":"ns3\\/frontend","dst":"ns1/web","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":80,"observed":"allowed"}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":80,"port":0}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":80.0}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":8e1}',
      '{"src":{"namespace":"ns3"},"dst":"ns1/web","port":80}',
      '{"src":"ns3/frontend","dst":"ns1/web","port":080}',
      '{"src":"ns3/frontend\u0001","dst":"ns1/web","port":80}',
      '\uFEFF{"src":"ns3/frontend","dst":"ns1/web","port":80}',
    ]) {
      expect(scanFlowFields(line)).toBeUndefined();
      expectAgreement(line);
    }
  });

  it('agrees on likely lines', () => {
    fc.assert(fc.property(flowLine, (line) => expectAgreement(line)), { numRuns: 2000 });
  });

  it('agrees on object-shaped lines of any keys and values', () => {
    fc.assert(fc.property(objectLine, (line) => expectAgreement(line)), { numRuns: 3000 });
  });

  it('agrees on lines with one character changed', () => {
    fc.assert(fc.property(mutated, (line) => expectAgreement(line)), { numRuns: 3000 });
  });

  it('agrees on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (line) => expectAgreement(line)), { numRuns: 1000 });
  });

  it('agrees on every line of the hostile flow corpus', () => {
    for (const input of flowCorpus()) expectAgreement(input.line);
  });
});
