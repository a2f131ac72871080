import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileBundle } from '../compile/compile.js';
import { ENDPOINT_BYTES, ENDPOINT_KIND, FLOW_RECORD, FLOW_RECORD_BYTES, PROTOCOL_CODE, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import { ingestSources } from '../ingest/bundle.js';
import { ipv6Words, parseIP } from '../net/ip.js';
import { loadCoreModule } from './node-core.js';
import { ReferenceEngine } from './reference-engine.js';
import { WasmEngine } from './wasm-engine.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const SOURCES = ['examples/demo-cluster.yaml', 'examples/article/3-default-deny-egress.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml'];

/** An endpoint of a record: a pod by index, or an address (a pod's or an outside one). */
type Endpoint = readonly [kind: number, words: readonly number[]];

function writeRecord(view: DataView, at: number, src: Endpoint, dst: Endpoint, protocol: number, port: number): void {
  view.setUint8(at + FLOW_RECORD.SRC_KIND, src[0]);
  view.setUint8(at + FLOW_RECORD.DST_KIND, dst[0]);
  view.setUint8(at + FLOW_RECORD.PROTOCOL, protocol);
  view.setUint16(at + FLOW_RECORD.PORT, port, true);
  for (const [offset, [, words]] of [[FLOW_RECORD.SRC, src], [FLOW_RECORD.DST, dst]] as const) {
    for (let i = 0; i < ENDPOINT_BYTES / 4; i++) view.setUint32(at + offset + 4 * i, words[i] ?? 0, true);
  }
}

function addressEndpoint(text: string): Endpoint {
  const ip = parseIP(text)!;
  return ip.family === 4 ? [ENDPOINT_KIND.IPV4, [Number(ip.value)]] : [ENDPOINT_KIND.IPV6, ipv6Words(ip.value)];
}

/** A small deterministic generator (mulberry32), so that a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("the core's batch path (verdict cache, address index)", () => {
  const bundle = ingestSources(SOURCES.map((name) => ({ name, text: read(name) }))).bundle!;
  const engine = WasmEngine.fromCompiled(loadCoreModule(), compileBundle(bundle));
  const reference = new ReferenceEngine(bundle);
  const endpoints: Endpoint[] = [
    ...bundle.pods.map((_, i): Endpoint => [ENDPOINT_KIND.POD, [i]]),
    ...bundle.pods.flatMap((pod) => pod.ips.map(addressEndpoint)),
    ...['203.0.113.7', '10.1.1.250', '192.168.0.1', '2001:db8::7', 'fd00::1'].map(addressEndpoint),
    [ENDPOINT_KIND.POD, [bundle.pods.length + 5]],
  ];

  it('answers byte for byte as the reference: records seen again, evicted, and never seen', async () => {
    // More distinct records than the cache holds (16,384), each sent twice in another order, so
    // that answers come from hits, from misses after evictions, and from first sightings.
    const next = random(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const distinct = 20_000;
    const records = new Uint8Array(2 * distinct * FLOW_RECORD_BYTES);
    const view = new DataView(records.buffer);
    for (let i = 0; i < distinct; i++) {
      const protocol = next() < 0.05 ? 7 : pick([PROTOCOL_CODE.TCP, PROTOCOL_CODE.UDP, PROTOCOL_CODE.SCTP]);
      const port = next() < 0.02 ? 0 : next() < 0.5 ? pick([53, 80, 443, 5432, 8080]) : 1 + Math.floor(next() * 65_535);
      writeRecord(view, i * FLOW_RECORD_BYTES, pick(endpoints), pick(endpoints), protocol, port);
    }
    for (let i = 0; i < distinct; i++) {
      const from = Math.floor(next() * distinct) * FLOW_RECORD_BYTES;
      records.copyWithin((distinct + i) * FLOW_RECORD_BYTES, from, from + FLOW_RECORD_BYTES);
    }
    const expected = Buffer.from(await reference.decideRecords(records));
    for (let round = 0; round < 2; round++) {
      expect(Buffer.from(await engine.decideRecords(records)).equals(expected), `round ${round}`).toBe(true);
    }
    // A few records many times over: nearly every answer is a hit.
    const few = records.subarray(0, 500 * FLOW_RECORD_BYTES);
    const repeated = new Uint8Array(20 * few.length);
    for (let i = 0; i < 20; i++) repeated.set(few, i * few.length);
    const hits = Buffer.from(await engine.decideRecords(repeated));
    for (let i = 0; i < 20; i++) expect(hits.subarray(i * 500 * VERDICT_RECORD_BYTES, (i + 1) * 500 * VERDICT_RECORD_BYTES).equals(expected.subarray(0, 500 * VERDICT_RECORD_BYTES))).toBe(true);
    // The same into a reused buffer, which a wrong size is refused for.
    const verdicts = new Uint8Array(expected.length).fill(0xee);
    engine.decideRecordsInto(records, verdicts);
    expect(Buffer.from(verdicts).equals(expected)).toBe(true);
    expect(() => engine.decideRecordsInto(records, verdicts.subarray(1))).toThrow(RangeError);
  });

  it('finds every pod by each of its addresses, and no pod by an address none holds', async () => {
    const addressed = bundle.pods.flatMap((pod) => pod.ips.map(addressEndpoint));
    const outside: Endpoint = [ENDPOINT_KIND.IPV4, [Number(parseIP('198.51.100.1')!.value)]];
    const records = new Uint8Array(addressed.length * 2 * FLOW_RECORD_BYTES);
    const view = new DataView(records.buffer);
    addressed.forEach((endpoint, i) => {
      writeRecord(view, 2 * i * FLOW_RECORD_BYTES, endpoint, outside, PROTOCOL_CODE.TCP, 80);
      writeRecord(view, (2 * i + 1) * FLOW_RECORD_BYTES, outside, endpoint, PROTOCOL_CODE.TCP, 80);
    });
    expect(Buffer.from(await engine.decideRecords(records)).equals(Buffer.from(await reference.decideRecords(records)))).toBe(true);
  });

  it('answers a record that differs from a cached one in a single word by deciding it', async () => {
    // A dual-stack pod besides the demo's: its IPv6 address fills all four words of an endpoint.
    const dualStack = `apiVersion: v1
kind: Pod
metadata: {name: dual, namespace: ns2, labels: {app: dual}}
spec: {containers: [{name: c, image: c}]}
status: {podIP: 10.1.2.77, podIPs: [{ip: 10.1.2.77}, {ip: 'fd00:10:1::77'}], hostIP: 192.168.0.11}
`;
    const sources = [...SOURCES.map((name) => ({ name, text: read(name) })), { name: 'dual.yaml', text: dualStack }];
    const dual = ingestSources(sources).bundle!;
    const dualEngine = WasmEngine.fromCompiled(loadCoreModule(), compileBundle(dual));
    const pod: Endpoint = addressEndpoint('fd00:10:1::77');
    const other: Endpoint = [ENDPOINT_KIND.POD, [0]];
    // The pod's address twice, then a neighbour: its address with one word changed, no pod's. Of
    // NEIGHBOURS per word, some land in the pod's cache set (8,192 sets), where a key compare that
    // skipped that word would answer "the pod" for an address outside the cluster.
    const NEIGHBOURS = 40_000;
    const records = new Uint8Array(2 * 4 * NEIGHBOURS * 3 * FLOW_RECORD_BYTES);
    const view = new DataView(records.buffer);
    let at = 0;
    const add = (src: Endpoint, dst: Endpoint): void => {
      writeRecord(view, at, src, dst, PROTOCOL_CODE.TCP, 80);
      at += FLOW_RECORD_BYTES;
    };
    for (const podIsSource of [true, false]) {
      for (let word = 0; word < 4; word++) {
        for (let k = 1; k <= NEIGHBOURS; k++) {
          const neighbour: Endpoint = [pod[0], pod[1].map((w, i) => (i === word ? (w ^ k) >>> 0 : w))];
          for (const endpoint of [pod, pod, neighbour]) (podIsSource ? add(endpoint, other) : add(other, endpoint));
        }
      }
    }
    // Expected: each record decided on its own, by calls too small for the cache (the differential
    // tests hold that path to the reference).
    const expected = new Uint8Array(records.length / FLOW_RECORD_BYTES * VERDICT_RECORD_BYTES);
    const SMALL = 128;
    for (let i = 0; i < records.length / FLOW_RECORD_BYTES; i += SMALL) {
      const chunk = records.subarray(i * FLOW_RECORD_BYTES, (i + SMALL) * FLOW_RECORD_BYTES);
      expected.set(await dualEngine.decideRecords(chunk), i * VERDICT_RECORD_BYTES);
    }
    expect(new Set([VERDICT_RECORD_BYTES, 2 * VERDICT_RECORD_BYTES].map((n) => Buffer.from(expected.subarray(n, n + VERDICT_RECORD_BYTES)).toString('hex'))).size).toBe(2);
    expect(Buffer.from(await dualEngine.decideRecords(records)).equals(Buffer.from(expected))).toBe(true);
  });
});
