import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as layout from '../compile/layout.js';
import { compileBundle } from '../compile/compile.js';
import { decodeFlow } from '../flow/decode.js';
import { FlowError } from '../model/errors.js';
import { ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { loadCoreModule } from './node-core.js';
import { ReferenceEngine } from './reference-engine.js';
import { EngineError, WasmEngine } from './wasm-engine.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const DEMO = ['examples/demo-cluster.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml'];

function demoBundle(order = DEMO): Bundle {
  return ingestSources(order.map((name) => ({ name, text: read(name) }))).bundle!;
}

const FLOWS = [
  { src: 'ns3/frontend', dst: 'ns1/web', port: 80 },
  { src: 'ns2/search', dst: 'ns1/web', port: 80 },
  { src: '10.1.3.10', dst: '10.1.1.20', port: 80 },
  { src: { namespace: 'ns3', labels: { app: 'x' } }, dst: 'ns1/db', port: 80 },
  { src: { namespace: 'elsewhere', labels: {} }, dst: 'ns1/db', port: 80 },
  { src: 'ns1/web', dst: 'ns1/web', port: 80 },
  { src: '203.0.113.7', dst: 'ns1/web', protocol: 'UDP', port: 80 },
  { src: 'ns9/ghost', dst: 'ns1/web', port: 80 },
  { src: '10.0.0.1', dst: 'fd00::1', port: 80 },
].map((line) => {
  try {
    return decodeFlow(line);
  } catch {
    throw new Error(`bad test flow ${JSON.stringify(line)}`);
  }
});

describe('compileBundle', () => {
  it('is deterministic: the same bundle in any input order gives the same bytes', () => {
    const a = compileBundle(demoBundle()).image;
    const b = compileBundle(demoBundle([...DEMO].reverse())).image;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('WasmEngine', () => {
  const bundle = demoBundle();
  const compiled = compileBundle(bundle);
  const engine = WasmEngine.fromCompiled(loadCoreModule(), compiled);
  const reference = new ReferenceEngine(bundle);

  it('answers as the reference does, refusals included', async () => {
    for (const flow of FLOWS) {
      let expected: unknown;
      try {
        expected = reference.explainNow(flow);
      } catch (error) {
        expect(error).toBeInstanceOf(FlowError);
        await expect(engine.explain(flow)).rejects.toThrow(FlowError);
        await expect(engine.decide(flow)).rejects.toThrow(FlowError);
        continue;
      }
      const explained = await engine.explain(flow);
      expect(explained).toEqual(expected);
      const { allowed, reason, deniedBy } = explained;
      expect(await engine.decide(flow)).toMatchObject({ allowed, reason, deniedBy });
    }
  });

  it('gives the same verdicts in a batch as one by one', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => FLOWS[i % FLOWS.length]!);
    const batch = await engine.decideBatch(many);
    for (const [i, verdict] of batch.entries()) {
      const flow = many[i]!;
      if (verdict instanceof FlowError) {
        await expect(engine.explain(flow)).rejects.toThrow(FlowError);
        continue;
      }
      const { egress, ingress, ...single } = await engine.explain(flow);
      expect(verdict).toMatchObject(single);
      expect(verdict.egress?.reason).toBe(egress?.reason);
      expect(verdict.ingress?.allowedBy).toEqual(ingress?.allowedBy);
    }
  });

  it('answers binary records as the batch path does, and byte for byte as the reference', async () => {
    const byNameOrIP = FLOWS.filter((f) => f.src.kind !== 'adhoc' && f.dst.kind !== 'adhoc').slice(0, 3);
    const records = engine.encodeRecords(byNameOrIP);
    const verdicts = await engine.decideRecords(records);
    expect(verdicts.length).toBe(byNameOrIP.length * layout.VERDICT_RECORD_BYTES);
    const allowed = byNameOrIP.map((_, i) => verdicts[i * layout.VERDICT_RECORD_BYTES + layout.VERDICT_RECORD.DECISION] !== layout.DECISION_CODE.DENIED);
    expect(allowed).toEqual((await engine.decideBatch(byNameOrIP)).map((v) => !(v instanceof FlowError) && v.allowed));
    expect(Buffer.from(await reference.decideRecords(records)).equals(Buffer.from(verdicts))).toBe(true);
    for (const each of [engine, reference]) {
      await expect(each.decideRecords(new Uint8Array(41))).rejects.toThrow(/not a multiple of 40/);
    }
  });

  it('refuses malformed binary records with a status, never an answer, as the reference does', async () => {
    const record = new Uint8Array(layout.FLOW_RECORD_BYTES);
    const cases: [Partial<Record<'srcKind' | 'protocol' | 'port' | 'pod', number>>, number][] = [
      [{ protocol: 9, port: 80 }, layout.STATUS.BAD_PROTOCOL],
      [{ protocol: 1, port: 0 }, layout.STATUS.BAD_PORT],
      [{ protocol: 1, port: 80, srcKind: 7 }, layout.STATUS.BAD_ENDPOINT],
      [{ protocol: 1, port: 80, srcKind: layout.ENDPOINT_KIND.ADHOC }, layout.STATUS.BAD_ENDPOINT],
      [{ protocol: 1, port: 80, pod: 99_999 }, layout.STATUS.BAD_POD],
    ];
    for (const [fields, status] of cases) {
      const view = new DataView(record.buffer);
      record.fill(0);
      view.setUint8(layout.FLOW_RECORD.SRC_KIND, fields.srcKind ?? 0);
      view.setUint8(layout.FLOW_RECORD.PROTOCOL, fields.protocol ?? 1);
      view.setUint16(layout.FLOW_RECORD.PORT, fields.port ?? 80, true);
      view.setUint32(layout.FLOW_RECORD.SRC, fields.pod ?? 0, true);
      const answers = [await engine.decideRecords(record), await reference.decideRecords(record)];
      for (const answer of answers) expect(answer[0]).toBe(status);
      expect(Buffer.from(answers[0]!).equals(Buffer.from(answers[1]!)), JSON.stringify(fields)).toBe(true);
    }
  });

  it('refuses truncated, corrupted and foreign images with a clear error', () => {
    const image = compiled.image;
    const module = loadCoreModule('debug');
    const refuse = (bytes: Uint8Array) => () => new WasmEngine(module, bytes, compiled.metadata);
    for (const length of [0, 3, 19, 20, 64, image.length - 4, image.length - 1]) {
      expect(refuse(image.slice(0, length))).toThrow(EngineError);
    }
    expect(refuse(new TextEncoder().encode('{"kind": "NetworkPolicy", "spec": {}}   '))).toThrow(/bad magic/);
    for (let i = 0; i < 200; i++) {
      const flipped = image.slice();
      const bit = (i * 7919) % (image.length * 8);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(refuse(flipped)).toThrow(/image refused/);
    }
  });
});
