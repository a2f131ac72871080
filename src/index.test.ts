import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError, createEngine, FlowError, loadBundle } from './index.js';

const ROOT = join(import.meta.dirname, '..');
const CLUSTER = join(ROOT, 'examples/demo-cluster.yaml');
const POLICY = join(ROOT, 'examples/article/5-ns1-from-ns3-tcp-80.yaml');
const ALLOWED = { src: 'ns3/frontend', dst: 'ns1/web', port: 80 };
const DENIED = { src: 'ns2/search', dst: 'ns1/web', port: 80 };

describe('the library API', () => {
  it('loads from files and from text to the same bundle and version', async () => {
    const fromFiles = await loadBundle({ files: [CLUSTER, POLICY] });
    const fromText = await loadBundle(`${readFileSync(CLUSTER, 'utf8')}\n---\n${readFileSync(POLICY, 'utf8')}`);
    expect(fromFiles.bundle).toEqual(fromText.bundle);
    expect((await createEngine(fromFiles)).version).toBe((await createEngine(fromText)).version);
  });

  it('answers the same with both engines', async () => {
    const loaded = await loadBundle({ files: [CLUSTER, POLICY] });
    for (const kind of ['wasm', 'reference'] as const) {
      const engine = await createEngine(loaded, { kind });
      expect(engine.kind).toBe(kind);
      expect(await engine.explain(ALLOWED)).toMatchObject({ allowed: true, ingress: { allowedBy: { rule: 0 } } });
      expect(await engine.decide(DENIED)).toMatchObject({ allowed: false, deniedBy: ['ingress'] });
      const batch = await engine.decideBatch([ALLOWED, { src: 'ns3/frontend', dst: 'nowhere/x', port: 80 }, { src: 'x' } as never]);
      expect(batch[0]).toMatchObject({ allowed: true });
      expect(batch[1]).toBeInstanceOf(FlowError);
      expect(batch[2]).toBeInstanceOf(FlowError);
      expect(await engine.decideBatch([{ src: 'x' } as never])).toEqual([expect.any(FlowError)]);
    }
  });

  it('reports diagnostics, refuses an invalid bundle, and skips invalid objects on request', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: BAD, namespace: ns1}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: ns1}\n';
    const strict = await loadBundle({ text, name: 'pods.yaml' });
    expect(strict.bundle).toBeUndefined();
    expect(strict.diagnostics[0]?.location?.file).toBe('pods.yaml');
    await expect(createEngine(strict)).rejects.toBeInstanceOf(BundleError);
    const lenient = await loadBundle(text, { skipInvalid: true });
    expect(lenient.bundle?.pods.map((p) => p.ref)).toEqual(['ns1/ok']);
    await expect(createEngine(lenient, { kind: 'nope' as never })).rejects.toThrow(/unknown engine kind/);
  });
});
