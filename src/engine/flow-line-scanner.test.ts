import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VALID_BUNDLE_YAML } from '../../test/hostile/corpus.js';
import { compileBundle } from '../compile/compile.js';
import { ENDPOINT_BYTES, FLOW_RECORD, FLOW_RECORD_BYTES, PROTOCOL_CODE } from '../compile/layout.js';
import { COMPACT, COMPACT_SLOTS, matchCompactFlowBytes } from '../flow/flow-line-bytes.js';
import { ingestSources } from '../ingest/bundle.js';
import { SCAN_INPUT_BYTES, SCAN_MAX_LINES, type FlowLineScanner } from './flow-line-scanner.js';
import { loadCoreModule } from './node-core.js';
import { WasmEngine } from './wasm-engine.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const encoder = new TextEncoder();
const bundle = ingestSources([{ name: 'valid.yaml', text: VALID_BUNDLE_YAML }]).bundle!;
/** COMPACT_PROTOCOL (absent, TCP, UDP, SCTP) to PROTOCOL_CODE: an absent protocol is TCP. */
const PROTOCOL_CODES = [PROTOCOL_CODE.TCP, PROTOCOL_CODE.TCP, PROTOCOL_CODE.UDP, PROTOCOL_CODE.SCTP];

/** An endpoint handed over: its kind and ENDPOINT_BYTES. */
interface Handed {
  readonly kind: number;
  readonly endpoint: Uint8Array;
}

/** A line taken: its start, its LF, its record. */
interface Taken {
  readonly start: number;
  readonly feed: number;
  readonly record: number[];
}

/**
 * What the scanner must take from `bytes[start]`, read by the host's own matcher
 * (matchCompactFlowBytes) and a Map of the endpoints handed over: lines in a row, each a compact
 * line ending in LF or CRLF before `limit`, no longer than `maxLine`, both endpoints handed over.
 */
function expectedLines(bytes: Uint8Array, start: number, limit: number, maxLines: number, maxLine: number, handed: Map<string, Handed>): Taken[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(COMPACT_SLOTS);
  const taken: Taken[] = [];
  const text = (from: number, to: number): string => new TextDecoder().decode(bytes.subarray(from, to));
  for (let p = start; taken.length < maxLines; ) {
    const end = matchCompactFlowBytes(bytes, view, p, limit, out);
    if (end < 0) break;
    const feed = bytes[end] === 0x0d ? end + 1 : end;
    if (feed >= limit || bytes[feed] !== 0x0a || feed - p > maxLine) break;
    const src = handed.get(text(out[COMPACT.SRC_START]!, out[COMPACT.SRC_END]!));
    const dst = handed.get(text(out[COMPACT.DST_START]!, out[COMPACT.DST_END]!));
    if (src === undefined || dst === undefined) break;
    const record = new Uint8Array(FLOW_RECORD_BYTES);
    record[FLOW_RECORD.SRC_KIND] = src.kind;
    record[FLOW_RECORD.DST_KIND] = dst.kind;
    record[FLOW_RECORD.PROTOCOL] = PROTOCOL_CODES[out[COMPACT.PROTOCOL]!]!;
    record[FLOW_RECORD.PORT] = out[COMPACT.PORT]! & 0xff;
    record[FLOW_RECORD.PORT + 1] = out[COMPACT.PORT]! >>> 8;
    record.set(src.endpoint, FLOW_RECORD.SRC);
    record.set(dst.endpoint, FLOW_RECORD.DST);
    taken.push({ start: p, feed, record: [...record] });
    p = feed + 1;
  }
  return taken;
}

/** What the scanner took from `chunk[start]` with a fresh window. */
function scanned(scanner: FlowLineScanner, chunk: Uint8Array, start: number, maxLines: number, maxLine: number): Taken[] {
  scanner.forgetWindow();
  const count = scanner.scan(chunk, start, maxLines, maxLine);
  const records = scanner.recordBytes(count);
  const taken = Array.from({ length: count }, (_, i) => ({
    start: scanner.lineStart(i),
    feed: scanner.lineFeed(i),
    record: [...records.subarray(i * FLOW_RECORD_BYTES, (i + 1) * FLOW_RECORD_BYTES)],
  }));
  expect(scanner.next).toBe(count === 0 ? start : taken[count - 1]!.feed + 1);
  return taken;
}

/** Keys that differ in one byte, in length, in a prefix, around 8 and 16 bytes: hashing and comparing must tell them apart. */
const KEYS = [
  'a', 'b', 'ab', 'ns1/web', 'ns1/wec', 'ns1/web-0', 'ns1/web-1', 'ns2/web-0', '10.0.0.1', '10.0.0.10', '10.0.0.2',
  'fd00::1', 'fd00::2', '2001:db8::1', 'payments-prod/checkout-hdwz9zxz4t-ppnt2', 'payments-prod/checkout-hdwz9zxz4t-ppnt3',
  'qayments-prod/checkout-hdwz9zxz4t-ppnt2', 'monitoring/prometheus-0', 'monitoring/prometheus-00', 'x'.repeat(16), `${'x'.repeat(15)}y`,
  'ns/Deployment/web', '~', ' x ',
];
const endpointOf = fc.uint8Array({ minLength: ENDPOINT_BYTES, maxLength: ENDPOINT_BYTES });
/** Every key but a few, each with a kind and endpoint bytes. */
const handedArbitrary = fc
  .tuple(fc.subarray(KEYS, { maxLength: 3 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), endpointOf), { minLength: KEYS.length, maxLength: KEYS.length }))
  .map(([left, endpoints]) => KEYS.flatMap((key, i) => (left.includes(key) ? [] : [[key, ...endpoints[i]!] as const])));
const lineArbitrary = fc
  .record({
    src: fc.oneof({ weight: 15, arbitrary: fc.constantFrom(...KEYS) }, fc.constantFrom('é/ü', 'a\\"b', '', 'ns1/we"b')),
    dst: fc.oneof({ weight: 15, arbitrary: fc.constantFrom(...KEYS) }, fc.constantFrom('é/ü', 'a\\"b', '', 'ns1/we"b')),
    protocol: fc.option(fc.oneof({ weight: 10, arbitrary: fc.constantFrom('TCP', 'UDP', 'SCTP') }, fc.constantFrom<unknown>('tcp', 'SCTPX', 'TCPX', 6, null)), { nil: undefined }),
    port: fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 1, max: 65535 }) }, fc.constantFrom<unknown>(65536, 0, 100000, '80', 1.5)),
    crlf: fc.boolean(),
  })
  .map(({ crlf, ...flow }) => `${JSON.stringify(flow)}${crlf ? '\r' : ''}\n`);
/** A line changed at one place (a byte added, replaced or removed), most often at or next to a quote, colon, comma or brace. */
const changedLine = fc
  .tuple(lineArbitrary, fc.nat(), fc.boolean(), fc.constantFrom('"', '\\', ',', ':', '{', '}', ' ', '\r', '\n', '0', '9', 'é', 'A', ''), fc.boolean())
  .map(([line, at, nearSyntax, char, replace]) => {
    const syntax = [...line].flatMap((c, i) => ('":,{}'.includes(c) ? [i - 1, i, i + 1] : [])).filter((i) => i >= 0 && i < line.length);
    const i = nearSyntax ? syntax[at % syntax.length]! : at % line.length;
    return line.slice(0, i) + char + line.slice(replace ? i + 1 : i);
  });

/** A body of lines, placed at an offset in a bigger buffer (the chunk is a view, as chunks of a stream are). */
const bodyArbitrary = fc.record({
  lines: fc.array(fc.oneof({ weight: 12, arbitrary: lineArbitrary }, { weight: 1, arbitrary: changedLine }), { maxLength: 30 }),
  offset: fc.nat(9),
  start: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat(3)),
  maxLines: fc.integer({ min: 1, max: 40 }),
  maxLine: fc.oneof({ weight: 4, arbitrary: fc.constant(64 * 1024) }, fc.constantFrom(30, 60)),
  handed: handedArbitrary,
});

function engineScanner(): FlowLineScanner {
  return WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle)).flowLines();
}

function chunkOf(text: string, offset: number): Uint8Array {
  const body = encoder.encode(text);
  const buffer = new Uint8Array(offset + body.length + 7).fill(0x22);
  buffer.set(body, offset);
  return buffer.subarray(offset, offset + body.length);
}

describe("the core's flow line scanner, against the host's matcher and a map of the endpoints handed over", () => {
  for (const [name, mask] of [
    ['all hash bits', 0xffffffff],
    ['every key colliding (no hash bits)', 0],
  ] as const) {
    it(`takes exactly the lines the host would take, with the same records: ${name}`, () => {
      const scanner = engineScanner();
      let taken = 0;
      fc.assert(
        fc.property(bodyArbitrary, ({ lines, offset, start, maxLines, maxLine, handed }) => {
          scanner.cutHash(mask);
          const table = new Map<string, Handed>();
          for (const [key, kind, endpoint] of handed) {
            const bytes = encoder.encode(key);
            scanner.remember(bytes, 0, bytes.length, kind, endpoint, 0);
            if (!table.has(key)) table.set(key, { kind, endpoint });
          }
          const chunk = chunkOf(lines.join(''), offset);
          const from = Math.min(start, chunk.length);
          const expected = expectedLines(chunk, from, chunk.length, maxLines, maxLine, table);
          expect(scanned(scanner, chunk, from, maxLines, maxLine)).toEqual(expected);
          taken += expected.length;
        }),
        { seed: SEED, numRuns: 1500 },
      );
      expect(taken).toBeGreaterThan(800);
    });
  }

  it('takes a changed line only when the host would, and the line after it only then', () => {
    const scanner = engineScanner();
    const table = new Map<string, Handed>();
    KEYS.forEach((key, i) => {
      const bytes = encoder.encode(key);
      const endpoint = new Uint8Array(ENDPOINT_BYTES).fill(i);
      scanner.remember(bytes, 0, bytes.length, i % 3, endpoint, 0);
      table.set(key, { kind: i % 3, endpoint });
    });
    let taken = 0;
    fc.assert(
      fc.property(changedLine, lineArbitrary, (changed, next) => {
        const chunk = chunkOf(changed + next, 1);
        const expected = expectedLines(chunk, 0, chunk.length, 5, 64 * 1024, table);
        expect(scanned(scanner, chunk, 0, 5, 64 * 1024)).toEqual(expected);
        taken += expected.length;
      }),
      { seed: SEED, numRuns: 6000 },
    );
    expect(taken).toBeGreaterThan(500);
  });

  it('is one per core instance, whoever asks (a wrapper of the engine too): the block holds one chunk at a time', () => {
    const engine = WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle));
    const wrapper = Object.create(engine) as WasmEngine;
    expect(wrapper.flowLines()).toBe(engine.flowLines());
    expect(WasmEngine.fromCompiled(loadCoreModule('debug'), compileBundle(bundle)).flowLines()).not.toBe(engine.flowLines());
  });

  it('reads a chunk past its 64-KiB window and never past its end; takes at most its batch of lines', () => {
    const scanner = engineScanner();
    const key = encoder.encode('ns1/web');
    scanner.remember(key, 0, key.length, 0, new Uint8Array(ENDPOINT_BYTES).fill(7), 0);
    const table = new Map([['ns1/web', { kind: 0, endpoint: new Uint8Array(ENDPOINT_BYTES).fill(7) }]]);
    const line = '{"src":"ns1/web","dst":"ns1/web","protocol":"UDP","port":53}\n';
    const chunk = chunkOf(line.repeat(Math.ceil((2.5 * SCAN_INPUT_BYTES) / line.length)), 3);
    // From every window start, what fits whole in the window; the line cut by its end is left to the host.
    for (let start = 0; start < chunk.length; start = scanner.next) {
      const limit = Math.min(chunk.length, start + SCAN_INPUT_BYTES);
      const expected = expectedLines(chunk, start, limit, SCAN_MAX_LINES, 1024, table);
      const got = scanned(scanner, chunk, start, SCAN_MAX_LINES, 1024);
      expect(got).toEqual(expected);
      if (got.length === 0) {
        expect(limit).toBeLessThan(chunk.length);
        scanner.next = chunk.indexOf(0x0a, start) + 1;
      }
    }
    // A line whose LF is the chunk's last byte is taken; one without its LF is not.
    expect(scanned(scanner, chunkOf(line, 0), 0, 5, 1024)).toHaveLength(1);
    expect(scanned(scanner, chunkOf(line.slice(0, -1), 0), 0, 5, 1024)).toHaveLength(0);
  });
});
