import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestSources } from './bundle.js';
import { readManifestFiles } from './files.js';

const POD = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ns1\n`;
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: ns1}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: 0}]
`;

describe('directory scans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-scan-'));
  mkdirSync(join(dir, 'chart'));
  writeFileSync(join(dir, 'pods.yaml'), POD('web'));
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- pods.yaml\n');
  writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: web\n');
  writeFileSync(join(dir, 'report.json'), '{"passed": 3}');

  it('skips scanned files with no Kubernetes object, with one warning each', async () => {
    const result = ingestSources(await readManifestFiles([dir]));
    expect(result.bundle?.pods.map((p) => p.ref)).toEqual(['ns1/web']);
    const skipped = result.diagnostics.filter((d) => d.code === 'not-a-manifest');
    expect(skipped.map((d) => d.location?.file).sort()).toEqual(
      [join(dir, 'chart', 'Chart.yaml'), join(dir, 'kustomization.yaml'), join(dir, 'report.json')].sort(),
    );
    expect(skipped.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('keeps a file named explicitly strict', async () => {
    const result = ingestSources(await readManifestFiles([join(dir, 'kustomization.yaml'), join(dir, 'pods.yaml')]));
    expect(result.bundle).toBeUndefined();
    expect(result.diagnostics.some((d) => d.severity === 'error' && d.code === 'required')).toBe(true);
  });

  it('keeps a scanned file with a syntax error or one kind-less document strict', () => {
    const broken = ingestSources([{ name: 'a.yaml', text: 'a: [', scanned: true }]);
    expect(broken.bundle).toBeUndefined();
    const mixed = ingestSources([{ name: 'b.yaml', text: `${POD('web')}---\nfoo: bar\n`, scanned: true }]);
    expect(mixed.bundle).toBeUndefined();
  });
});

describe('skipInvalid', () => {
  const sources = [{ name: 'x.yaml', text: `${POD('web')}---\n${POD('BAD')}---\n${POLICY}---\n${POD('db')}` }];

  it('refuses the whole input by default', () => {
    const result = ingestSources(sources);
    expect(result.bundle).toBeUndefined();
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(2);
  });

  it('drops each invalid object, its errors becoming warnings', () => {
    const result = ingestSources(sources, { skipInvalid: true });
    expect(result.bundle?.pods.map((p) => p.ref)).toEqual(['ns1/db', 'ns1/web']);
    expect(result.bundle?.policies).toEqual([]);
    const skipped = result.diagnostics.filter((d) => d.code === 'skipped-invalid');
    expect(skipped.map((d) => d.object?.name)).toEqual(['BAD', 'deny']);
    expect(skipped.every((d) => d.severity === 'warning' && d.message.includes('object skipped'))).toBe(true);
  });

  it('still fails on a document that does not parse', () => {
    const result = ingestSources([{ name: 'y.yaml', text: `${POD('web')}---\na: [\n` }], { skipInvalid: true });
    expect(result.bundle).toBeUndefined();
  });
});
