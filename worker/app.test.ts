import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from './app.js';
import { decodeFlow } from '../src/flow/decode.js';
import type { WasmEngine } from '../src/engine/wasm-engine.js';
import { DEMO_MANIFESTS } from './demo.js';
import { engineFor } from './engines.js';
import type { Env } from './env.js';
import { openApiDocument } from './openapi.js';
import type { BundleStore } from './store.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const QUERY = { authorization: 'Bearer test-query-token' };
const YAML = { 'content-type': 'application/yaml' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** Calls the app with the test bindings, or with some of them changed. */
async function call(path: string, init: RequestInit = {}, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), { ...(env as unknown as Env), ...overrides }, ctx);
  // Buffer the body before the context ends, so that streamed responses are complete.
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers });
}

async function put(name: string, manifests: string, query = ''): Promise<Response> {
  return call(`/v1/bundles/${name}${query}`, { method: 'PUT', headers: { ...ADMIN, ...YAML }, body: manifests });
}

async function decide(name: string, flow: unknown, query = ''): Promise<Response> {
  return call(`/v1/bundles/${name}/decide${query}`, { method: 'POST', headers: { ...QUERY, ...JSON_TYPE }, body: JSON.stringify(flow) });
}

const ALLOW_ALL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: ns1}
spec: {podSelector: {}, ingress: [{}]}
`;

async function errorOf(response: Response): Promise<{ code: string; message: string; details: unknown[] }> {
  const body = (await response.json()) as { error: { code: string; message: string; details: unknown[] } };
  expect(Object.keys(body)).toEqual(['error']);
  return body.error;
}

describe('service endpoints', () => {
  it('answers healthz and readyz', async () => {
    expect(await (await call('/healthz')).json()).toEqual({ ok: true });
    expect(await (await call('/readyz')).json()).toEqual({ ready: true });
  });

  it('describes exactly its routes in openapi.json', async () => {
    const document = (await (await call('/openapi.json')).json()) as typeof openApiDocument;
    const documented = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`))].sort();
    expect(routes).toEqual(documented);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await call('/v2/nothing');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not-found');
  });
});

describe('auth', () => {
  const adminRoutes: [string, RequestInit][] = [
    ['/v1/bundles', {}],
    ['/v1/bundles/x', { method: 'PUT', headers: YAML, body: ALLOW_ALL }],
    ['/v1/bundles/x/activate', { method: 'POST', headers: JSON_TYPE, body: '{"version":"v"}' }],
    ['/v1/bundles/x', { method: 'DELETE' }],
  ];
  const queryRoutes: [string, RequestInit][] = [
    ['/v1/bundles/demo', {}],
    ['/v1/bundles/demo/decide', { method: 'POST', headers: JSON_TYPE, body: '{"src":"ns3/frontend","dst":"ns1/web","port":80}' }],
  ];
  const withAuth = (init: RequestInit, authorization?: string): RequestInit => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) },
  });

  it('401 without a token, 403 with a wrong, shorter, longer or query token on writes', async () => {
    for (const [path, init] of adminRoutes) {
      expect((await call(path, withAuth(init))).status, path).toBe(401);
      for (const token of ['wrong', 'test-admin-toke', 'test-admin-token-and-more', 'test-query-token']) {
        const response = await call(path, withAuth(init, `Bearer ${token}`));
        expect(response.status, `${path} ${token}`).toBe(403);
        expect(JSON.stringify(await response.json())).not.toContain(token);
      }
      expect((await call(path, withAuth(init, 'Basic dGVzdA=='))).status, path).toBe(401);
    }
  });

  it('reads need the query token, and accept the admin token', async () => {
    for (const [path, init] of queryRoutes) {
      expect((await call(path, withAuth(init))).status, path).toBe(401);
      expect((await call(path, withAuth(init, 'Bearer wrong'))).status, path).toBe(403);
      expect((await call(path, withAuth(init, QUERY.authorization))).status, path).toBe(200);
      expect((await call(path, withAuth(init, ADMIN.authorization))).status, path).toBe(200);
    }
  });

  it('reads are open when no query token is configured; writes never are without an admin token', async () => {
    for (const [path, init] of queryRoutes) {
      expect((await call(path, withAuth(init), { QUERY_TOKEN: undefined })).status, path).toBe(200);
    }
    for (const [path, init] of adminRoutes) {
      const response = await call(path, withAuth(init, 'Bearer anything'), { ADMIN_TOKEN: undefined });
      expect(response.status, path).toBe(403);
      expect((await errorOf(response)).code).toBe('writes-disabled');
    }
  });
});

describe('PUT /v1/bundles/:name', () => {
  it('publishes a new version (201), then is idempotent for the same content in any form (200)', async () => {
    const first = await put('pub', DEMO_MANIFESTS);
    expect(first.status).toBe(201);
    const published = (await first.json()) as { version: string; active: string; counts: { pods: number }; warnings: unknown[] };
    expect(published.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(published.active).toBe(published.version);
    expect(published.counts.pods).toBe(6);
    expect(published.warnings.length).toBeGreaterThan(0);

    const again = await put('pub', DEMO_MANIFESTS);
    expect(again.status).toBe(200);
    const reordered = DEMO_MANIFESTS.split('\n---\n').reverse().join('\n---\n');
    const third = await put('pub', reordered);
    expect(third.status).toBe(200);
    expect(((await third.json()) as { version: string }).version).toBe(published.version);
  });

  it('accepts JSON and keeps the active version with ?activate=false', async () => {
    const v1 = (await (await put('inactive', DEMO_MANIFESTS)).json()) as { version: string };
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } }] });
    const response = await call('/v1/bundles/inactive?activate=false', { method: 'PUT', headers: { ...ADMIN, ...JSON_TYPE }, body: json });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { active: string }).active).toBe(v1.version);
  });

  it('422 with every error and its field path for an invalid bundle', async () => {
    const bad = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: ns1}
spec:
  ingress:
  - ports:
    - {port: 80, endPort: 70}
    - {protocol: ICMP}
`;
    const response = await put('bad', bad);
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid-bundle');
    expect(error.details).toEqual([
      expect.objectContaining({ path: 'spec.ingress[0].ports[0].endPort', location: expect.objectContaining({ line: 7 }) }),
      expect.objectContaining({ path: 'spec.ingress[0].ports[1].protocol' }),
    ]);
  });

  it('publishes cluster-wide tiers and decides with them, naming the deciding rule', async () => {
    const anp = `${DEMO_MANIFESTS}
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: no-frontend}
spec:
  priority: 1
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ns1}}}
  ingress: [{name: block, action: Deny, from: [{namespaces: {matchLabels: {team: frontend}}}]}]
`;
    expect((await put('tiers', anp)).status).toBe(201);
    const body = (await (await decide('tiers', { src: 'ns3/frontend', dst: 'ns1/web', port: 80 }, '?explain=true')).json()) as {
      allowed: boolean;
      explanation: { ingress: { reason: string; decidedBy: unknown } };
    };
    expect(body.allowed).toBe(false);
    expect(body.explanation.ingress).toMatchObject({
      reason: 'admin-denied',
      decidedBy: { kind: 'AdminNetworkPolicy', name: 'no-frontend', rule: 0, ruleName: 'block', action: 'Deny' },
    });
  });

  it('400 for malformed YAML or invalid UTF-8, 415 for another type, 413 over the limit, 400 for a bad name', async () => {
    expect((await put('broken', 'kind: [unclosed\n')).status).toBe(400);
    const invalidUtf8 = await call('/v1/bundles/utf', { method: 'PUT', headers: { ...ADMIN, ...YAML }, body: new Uint8Array([0x6b, 0xff, 0x0a]) });
    expect((await errorOf(invalidUtf8)).code).toBe('invalid-utf8');
    const text = await call('/v1/bundles/t', { method: 'PUT', headers: { ...ADMIN, 'content-type': 'text/plain' }, body: ALLOW_ALL });
    expect(text.status).toBe(415);
    const huge = await call('/v1/bundles/huge', { method: 'PUT', headers: { ...ADMIN, ...YAML }, body: '#'.repeat(16 * 1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect((await put('Not_A_Name', ALLOW_ALL)).status).toBe(400);
  });
});

describe('reading, activating and deleting bundles', () => {
  it('lists bundles and describes one; 404 for an unknown one', async () => {
    await put('listed', ALLOW_ALL);
    const list = (await (await call('/v1/bundles', { headers: ADMIN })).json()) as { bundles: { name: string }[] };
    expect(list.bundles.map((b) => b.name)).toContain('listed');
    const info = (await (await call('/v1/bundles/listed', { headers: QUERY })).json()) as { active: string; versions: { version: string; createdAt: string }[] };
    expect(info.versions).toHaveLength(1);
    expect(info.active).toBe(info.versions[0]!.version);
    expect((await call('/v1/bundles/unknown', { headers: QUERY })).status).toBe(404);
  });

  it('rolls back and forward; every answer names the version it used', async () => {
    const v1 = ((await (await put('roll', DEMO_MANIFESTS)).json()) as { version: string }).version;
    const v2 = ((await (await put('roll', `${DEMO_MANIFESTS}\n---\n${ALLOW_ALL}`)).json()) as { version: string }).version;
    const flow = { src: 'ns2/search', dst: 'ns1/web', port: 80 };
    expect(await (await decide('roll', flow)).json()).toMatchObject({ allowed: true, version: v2 });

    const activate = (version: string, ifActive?: string) =>
      call('/v1/bundles/roll/activate', { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: JSON.stringify({ version, ifActive }) });
    const rollback = await activate(v1, v2);
    expect(await rollback.json()).toMatchObject({ active: v1, previous: v2 });
    expect(await (await decide('roll', flow)).json()).toMatchObject({ allowed: false, version: v1 });
    expect((await activate(v2, v2)).status).toBe(409);
    expect((await activate('sha256:nope')).status).toBe(404);
    expect((await call('/v1/bundles/ghost/activate', { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: JSON.stringify({ version: v1 }) })).status).toBe(404);
    expect((await call('/v1/bundles/roll/activate', { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: '{"version": 3}' })).status).toBe(400);
    expect(await (await activate(v2)).json()).toMatchObject({ active: v2, previous: v1 });
  });

  it('deletes a bundle (204), then it is gone (404)', async () => {
    await put('doomed', ALLOW_ALL);
    expect((await call('/v1/bundles/doomed', { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    expect((await decide('doomed', { src: '1.1.1.1', dst: '2.2.2.2', port: 1 })).status).toBe(404);
    expect((await call('/v1/bundles/doomed', { method: 'DELETE', headers: ADMIN })).status).toBe(404);
  });
});

describe('POST /v1/bundles/:name/decide', () => {
  it('answers on the demo bundle, created on first use', async () => {
    const response = await decide('demo', { src: 'ns3/frontend', dst: 'ns1/web', port: 80 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ allowed: true, reason: 'allowed' });
    expect(body.version).toMatch(/^sha256:/);
    expect(body.decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-netpol-edge-version')).toBe(body.version);
  });

  it('adds the explanation with ?explain=true', async () => {
    const body = (await (await decide('demo', { src: 'ns2/search', dst: 'ns1/web', port: 80 }, '?explain=true')).json()) as {
      allowed: boolean;
      deniedBy: string[];
      explanation: { ingress: { reason: string; isolatedBy: unknown[] }; summary: string; text: string[] };
    };
    expect(body.allowed).toBe(false);
    expect(body.deniedBy).toEqual(['ingress']);
    expect(body.explanation.ingress).toMatchObject({ reason: 'no-rule-matched', isolatedBy: [{ namespace: 'ns1', name: 'test-network-policy' }] });
    expect(body.explanation.summary).toContain('ns1/web is isolated for ingress');
  });

  it('400 for a bad flow or malformed JSON, 415 for another type, 404 for an unknown bundle', async () => {
    const unknownPod = await decide('demo', { src: 'ns3/ghost', dst: 'ns1/web', port: 80 });
    expect(unknownPod.status).toBe(400);
    expect(await errorOf(unknownPod)).toMatchObject({ code: 'invalid-flow', message: expect.stringContaining('ns3/ghost') });
    expect((await decide('demo', { src: 'ns3/frontend', dst: 'ns1/web', port: 0 })).status).toBe(400);
    const malformed = await call('/v1/bundles/demo/decide', { method: 'POST', headers: { ...QUERY, ...JSON_TYPE }, body: '{"src":' });
    expect((await errorOf(malformed)).code).toBe('malformed-json');
    const yaml = await call('/v1/bundles/demo/decide', { method: 'POST', headers: { ...QUERY, ...YAML }, body: 'src: a/b' });
    expect(yaml.status).toBe(415);
    expect((await decide('nowhere', { src: '1.1.1.1', dst: '2.2.2.2', port: 1 })).status).toBe(404);
  });

  it('creates demo only when DEMO_BUNDLE is on, and again after it was deleted', async () => {
    await decide('demo', { src: '1.1.1.1', dst: '2.2.2.2', port: 1 });
    expect((await call('/v1/bundles/demo', { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    const flow = { method: 'POST', headers: { ...QUERY, ...JSON_TYPE }, body: '{"src":"ns3/frontend","dst":"ns1/web","port":80}' };
    expect((await call('/v1/bundles/demo/decide', flow, { DEMO_BUNDLE: undefined })).status).toBe(404);
    expect((await call('/v1/bundles/demo/decide', flow)).status).toBe(200);
  });
});

describe('POST /v1/bundles/:name/decide/batch', () => {
  it('streams NDJSON verdicts in input order, an error line in place of a bad line', async () => {
    const lines = [
      '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
      '{"src":"ns2/search","dst":"ns1/web","port":80}',
      'not json',
      '',
      '{"src":"10.1.3.10","dst":"10.1.1.20","port":80}',
      '{"src":"ns3/ghost","dst":"ns1/web","port":80}',
    ];
    const response = await call('/v1/bundles/demo/decide/batch', {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-netpol-edge-version')).toMatch(/^sha256:/);
    const out = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toEqual([
      { allowed: true, reason: 'allowed' },
      { allowed: false, reason: 'denied', deniedBy: ['ingress'] },
      { error: 'line 3: not valid JSON' },
      { allowed: true, reason: 'allowed' },
      { error: expect.stringMatching(/^line 6: src: no pod or workload "ns3\/ghost"/) },
    ]);
  });

  it('adds the sides with ?sides=true, for reports that say what decided each flow', async () => {
    const response = await call('/v1/bundles/demo/decide/batch?sides=true', {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/x-ndjson' },
      body: '{"src":"ns2/search","dst":"ns1/web","port":80}\n',
    });
    expect(JSON.parse(await response.text())).toMatchObject({
      allowed: false,
      egress: { direction: 'egress', reason: 'not-isolated' },
      ingress: { direction: 'ingress', reason: 'no-rule-matched' },
    });
  });

  it('answers binary flow records with verdict records', async () => {
    const records = new Uint8Array(2 * 40);
    const view = new DataView(records.buffer);
    const ip = (text: string) => text.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    // 10.1.3.10 (ns3/frontend) -> 10.1.1.10 (ns1/web) TCP/80, then 10.1.2.10 (ns2/search) -> the same.
    for (const [i, src] of ['10.1.3.10', '10.1.2.10'].entries()) {
      view.setUint8(i * 40, 1);
      view.setUint8(i * 40 + 1, 1);
      view.setUint8(i * 40 + 2, 1);
      view.setUint16(i * 40 + 4, 80, true);
      view.setUint32(i * 40 + 8, ip(src), true);
      view.setUint32(i * 40 + 24, ip('10.1.1.10'), true);
    }
    const response = await call('/v1/bundles/demo/decide/batch', {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/octet-stream' },
      body: records,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-netpol-edge-flows')).toBe('2');
    const verdicts = new Uint8Array(await response.arrayBuffer());
    expect(verdicts.length).toBe(40);
    expect([verdicts[0], verdicts[1], verdicts[20], verdicts[21]]).toEqual([0, 2, 0, 3]); // ok+allowed, ok+denied
  });

  it('400 for a partial record, 415 for another type', async () => {
    const partial = await call('/v1/bundles/demo/decide/batch', {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(41),
    });
    expect((await errorOf(partial)).code).toBe('invalid-records');
    const json = await call('/v1/bundles/demo/decide/batch', { method: 'POST', headers: { ...QUERY, ...JSON_TYPE }, body: '[]' });
    expect(json.status).toBe(415);
  });
});

describe('failing closed', () => {
  /**
   * Breaks the loaded engine's core from its `trapOn`-th batch call on, as a core bug or exhausted
   * memory would: only a fresh engine answers again.
   */
  async function trapMidBatch(version: string, trapOn: number): Promise<void> {
    const engine = await engineFor(env as unknown as Env, version);
    const core = Reflect.get(engine, 'core') as { decideBatch: (...args: number[]) => void };
    let calls = 0;
    Reflect.set(engine, 'core', {
      ...core,
      decideBatch: (...args: number[]) => {
        if (++calls >= trapOn) throw new WebAssembly.RuntimeError('unreachable');
        return core.decideBatch(...args);
      },
    });
  }

  it('answers 503 when the core traps in the middle of a binary batch, and the next request gets a fresh engine', async () => {
    const manifests = `${DEMO_MANIFESTS}\n---\n${ALLOW_ALL.replace('name: open', 'name: trap-binary')}`;
    const version = ((await (await put('trap-binary', manifests)).json()) as { version: string }).version;
    const flow = { src: 'ns3/frontend', dst: 'ns1/web', port: 80 };
    const engine = await engineFor(env as unknown as Env, version);
    const flows = Array.from({ length: 10_000 }, () => decodeFlow(flow));
    const records = (engine as WasmEngine).encodeRecords(flows);
    await trapMidBatch(version, 2); // 10,000 records are three core calls of 4,096
    const batch = () =>
      call('/v1/bundles/trap-binary/decide/batch', { method: 'POST', headers: { ...QUERY, 'content-type': 'application/octet-stream' }, body: records });
    const failed = await batch();
    expect(failed.status).toBe(503);
    expect(await errorOf(failed)).toMatchObject({ code: 'engine-unavailable' });
    const recovered = await batch();
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('x-netpol-edge-flows')).toBe('10000');
    // Identity, not .not.toBe: a failing toBe compares the two engines deeply (their WASM memories), for a minute.
    expect((await engineFor(env as unknown as Env, version)) === engine).toBe(false);
  });

  it('ends an NDJSON stream with an error line when the core traps, never with a verdict after it', async () => {
    const manifests = `${DEMO_MANIFESTS}\n---\n${ALLOW_ALL.replace('name: open', 'name: trap-ndjson')}`;
    const version = ((await (await put('trap-ndjson', manifests)).json()) as { version: string }).version;
    await (await decide('trap-ndjson', { src: 'ns3/frontend', dst: 'ns1/web', port: 80 })).arrayBuffer();
    const engine = await engineFor(env as unknown as Env, version);
    await trapMidBatch(version, 2);
    const body = `${JSON.stringify({ src: 'ns3/frontend', dst: 'ns1/web', port: 80 })}\n`.repeat(3000);
    const send = () => call('/v1/bundles/trap-ndjson/decide/batch', { method: 'POST', headers: { ...QUERY, 'content-type': 'application/x-ndjson' }, body });
    const lines = (await (await send()).text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const verdicts = lines.filter((l) => 'allowed' in l);
    expect(verdicts.length).toBeLessThan(3000); // the batch did not finish...
    expect(lines.at(-1)).toMatchObject({ error: { code: 'engine-unavailable' } }); // ...and says so last
    expect(lines.slice(verdicts.length, -1)).toEqual([]); // verdicts first, nothing between
    const recovered = await send();
    expect((await engineFor(env as unknown as Env, version)) === engine).toBe(false);
    expect(recovered.headers.get('x-netpol-edge-version')).toBe(version);
    const again = (await recovered.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(again).toHaveLength(3000);
    expect(again.filter((l) => l.allowed !== true).slice(0, 2)).toEqual([]);
  });

  it('answers 503 when a stored image is corrupted, and recovers once it is whole again', async () => {
    // Content of its own: versions are content-addressed, and this one must not be loaded already.
    const manifests = `${DEMO_MANIFESTS}\n---\n${ALLOW_ALL.replace('name: open', 'name: fragile')}`;
    const version = ((await (await put('fragile', manifests)).json()) as { version: string }).version;
    const stub = (env as unknown as Env).BUNDLES.get((env as unknown as Env).BUNDLES.idFromName('bundles'));
    const original = await runInDurableObject(stub, (_: BundleStore, state) => {
      const row = state.storage.sql.exec<{ data: ArrayBuffer }>('SELECT data FROM images WHERE version = ? AND seq = 0', version).one();
      const corrupted = new Uint8Array(row.data.slice(0));
      corrupted[100]! ^= 0xff;
      state.storage.sql.exec('UPDATE images SET data = ? WHERE version = ? AND seq = 0', corrupted, version);
      return row.data;
    });
    const flow = { src: 'ns3/frontend', dst: 'ns1/web', port: 80 };
    const broken = await decide('fragile', flow);
    expect(broken.status).toBe(503);
    expect(await errorOf(broken)).toMatchObject({ code: 'engine-unavailable', message: expect.stringContaining('corrupted') });

    await runInDurableObject(stub, (_: BundleStore, state) => {
      state.storage.sql.exec('UPDATE images SET data = ? WHERE version = ? AND seq = 0', original, version);
    });
    expect(await (await decide('fragile', flow)).json()).toMatchObject({ allowed: true, version });
  });
});
