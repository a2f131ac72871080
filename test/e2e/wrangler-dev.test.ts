import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerFetch, ROOT, startWrangler, type DevServer } from '../../scripts/wrangler-dev.js';

const ADMIN = 'e2e-admin-token';
const QUERY = 'e2e-query-token';
const demo = ['examples/demo-cluster.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml']
  .map((f) => readFileSync(join(ROOT, f), 'utf8'))
  .join('\n---\n');
const openNs1 = `${demo}\n---\napiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: ns1}
spec: {podSelector: {}, ingress: [{}]}
`;
const flows = [
  { src: 'ns3/frontend', dst: 'ns1/web', port: 80 },
  { src: 'ns2/search', dst: 'ns1/web', port: 80 },
];

describe('wrangler dev, end to end over HTTP', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'netpol-edge-state-'));
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  const request = bearerFetch(() => server!, QUERY);
  const upload = async (manifests: string): Promise<string> => {
    const response = await request('/v1/bundles/e2e', {
      method: 'PUT',
      token: ADMIN,
      headers: { 'content-type': 'application/yaml' },
      body: manifests,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { version: string }).version;
  };
  const decideAll = async () =>
    Promise.all(
      flows.map(async (flow) => {
        const response = await request('/v1/bundles/e2e/decide', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(flow),
        });
        const body = (await response.json()) as { allowed: boolean; version: string };
        return { allowed: body.allowed, version: body.version };
      }),
    );

  it('publishes, decides, batches, rolls back, and keeps all of it across a restart', async () => {
    server = await startWrangler({ stateDir, vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    const v1 = await upload(demo);
    expect(await decideAll()).toEqual([
      { allowed: true, version: v1 },
      { allowed: false, version: v1 },
    ]);

    const ndjson = await request('/v1/bundles/e2e/decide/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: flows.map((f) => JSON.stringify(f)).join('\n'),
    });
    expect(ndjson.headers.get('x-netpol-edge-version')).toBe(v1);
    expect((await ndjson.text()).trim().split('\n').map((l) => (JSON.parse(l) as { allowed: boolean }).allowed)).toEqual([true, false]);

    const records = new Uint8Array(40);
    const view = new DataView(records.buffer);
    view.setUint8(0, 1);
    view.setUint8(1, 1);
    view.setUint8(2, 1);
    view.setUint16(4, 80, true);
    view.setUint32(8, 0x0a01030a, true); // 10.1.3.10, ns3/frontend
    view.setUint32(24, 0x0a01010a, true); // 10.1.1.10, ns1/web
    const binary = await request('/v1/bundles/e2e/decide/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: records,
    });
    expect([...new Uint8Array(await binary.arrayBuffer()).subarray(0, 2)]).toEqual([0, 2]);

    const v2 = await upload(openNs1);
    expect((await decideAll()).map((d) => d.allowed)).toEqual([true, true]);
    const rollback = await request('/v1/bundles/e2e/activate', {
      method: 'POST',
      token: ADMIN,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: v1, ifActive: v2 }),
    });
    expect(await rollback.json()).toMatchObject({ active: v1, previous: v2 });
    const before = await decideAll();
    expect(before).toEqual([
      { allowed: true, version: v1 },
      { allowed: false, version: v1 },
    ]);

    await server.stop();
    server = await startWrangler({ stateDir, vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    expect(await decideAll()).toEqual(before);
    const info = (await (await request('/v1/bundles/e2e')).json()) as { active: string; versions: { version: string }[] };
    expect(info.active).toBe(v1);
    expect(info.versions.map((v) => v.version)).toEqual([v1, v2]);
  }, 180_000);
});
