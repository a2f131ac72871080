/** `POST /v1/bundles/:name/decide/batch?compare=VERSION` in workerd: both verdicts per flow. */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from './app.js';
import type { Env } from './env.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const QUERY = { authorization: 'Bearer test-query-token' };
const NDJSON = { 'content-type': 'application/x-ndjson' };

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), env as unknown as Env, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
}

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ns1, labels: {app: web}}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ns2, labels: {app: client}}
status: {podIP: 10.0.0.2}
`;

const policy = (port: number) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ns2}}}]
    ports: [{port: ${port}}]
`;

/** The current bundle allows port 80 into ns1/web; the staged one allows 443 instead, and adds a pod. */
const CURRENT = PODS + policy(80);
const STAGED = `${PODS + policy(443)}---
apiVersion: v1
kind: Pod
metadata: {name: extra, namespace: ns2, labels: {app: extra}}
`;

async function publish(body: string): Promise<string> {
  const response = await call('/v1/bundles/staged', { method: 'PUT', headers: { ...ADMIN, 'content-type': 'application/yaml' }, body });
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { version: string }).version;
}

const batch = (query: string, body: string, type = NDJSON) =>
  call(`/v1/bundles/staged/decide/batch${query}`, { method: 'POST', headers: { ...QUERY, ...type }, body });

describe('decide/batch?compare=VERSION', () => {
  let current = '';
  let staged = '';
  beforeAll(async () => {
    current = await publish(CURRENT);
    staged = await publish(STAGED); // now the active version
  });

  it('answers each flow with the active verdict and the baseline verdict, in order', async () => {
    const flows = [
      { src: 'ns2/client', dst: 'ns1/web', port: 80 },
      { src: 'ns2/client', dst: 'ns1/web', port: 443 },
      'not json',
      { src: 'ns2/extra', dst: 'ns1/web', port: 443 },
      { src: 'ns2/ghost', dst: 'ns1/web', port: 443 },
    ];
    const response = await batch(`?compare=${current}`, flows.map((f) => (typeof f === 'string' ? f : JSON.stringify(f))).join('\n'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-netpol-edge-version')).toBe(staged);
    expect(response.headers.get('x-netpol-edge-baseline-version')).toBe(current);
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { allowed: false, reason: 'denied', deniedBy: ['ingress'], baseline: { allowed: true, reason: 'allowed' } },
      { allowed: true, reason: 'allowed', baseline: { allowed: false, reason: 'denied', deniedBy: ['ingress'] } },
      { error: 'line 3: not valid JSON' },
      // A pod only the staged version knows: the baseline cannot answer for it.
      { allowed: true, reason: 'allowed', baseline: { error: expect.stringMatching(/no pod or workload "ns2\/extra"/) } },
      { error: expect.stringMatching(/^line 5: src: no pod or workload "ns2\/ghost"/) },
    ]);
  });

  it('adds both verdicts\' sides with sides=true', async () => {
    const response = await batch(`?sides=true&compare=${current}`, '{"src":"ns2/client","dst":"ns1/web","port":80}\n');
    expect(JSON.parse(await response.text())).toMatchObject({
      allowed: false,
      ingress: { reason: 'no-rule-matched' },
      baseline: { allowed: true, ingress: { reason: 'allowed-by-rule', allowedBy: { policy: { namespace: 'ns1', name: 'web' }, rule: 0 } } },
    });
  });

  it('compares a version with itself as the same verdicts', async () => {
    const response = await batch(`?compare=${staged}`, '{"src":"ns2/client","dst":"ns1/web","port":443}\n');
    expect(JSON.parse(await response.text())).toEqual({ allowed: true, reason: 'allowed', baseline: { allowed: true, reason: 'allowed' } });
  });

  it('refuses a version the bundle does not have, binary records, and explain', async () => {
    const unknown = await batch('?compare=sha256:0000', '{"src":"ns2/client","dst":"ns1/web","port":80}\n');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('no-version');
    const binary = await batch(`?compare=${current}`, '', { 'content-type': 'application/octet-stream' });
    expect(binary.status).toBe(400);
    const explain = await batch(`?explain=true&compare=${current}`, '{"src":"ns2/client","dst":"ns1/web","port":80}\n');
    expect(explain.status).toBe(400);
    expect(((await explain.json()) as { error: { message: string } }).error.message).toMatch(/sides=true/);
  });

  it('is described in openapi.json', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, { post?: { parameters?: { name: string }[] } }> };
    expect(doc.paths['/v1/bundles/{name}/decide/batch']!.post!.parameters!.map((p) => p.name)).toContain('compare');
  });
});
