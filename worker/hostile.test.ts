/**
 * A deterministic sample of the hostile corpus (test/hostile/corpus.ts) through the HTTP API: bundle
 * uploads, single decisions, NDJSON batches and wrong content types. Every answer is 2xx or 4xx,
 * never 5xx, and every 4xx is `{"error": {"code", "message", "details"}}`.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bundleCorpus, flowCorpus } from '../test/hostile/corpus.js';
import { app } from './app.js';
import type { Env } from './env.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const QUERY = { authorization: 'Bearer test-query-token' };

async function call(path: string, init: RequestInit): Promise<{ status: number; text: string }> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), env as unknown as Env, ctx);
  const text = new TextDecoder().decode(await response.arrayBuffer());
  await waitOnExecutionContext(ctx);
  return { status: response.status, text };
}

function expectWellFormed(where: string, response: { status: number; text: string }): void {
  expect(response.status, `${where}: ${response.text.slice(0, 300)}`).toBeLessThan(500);
  expect(response.status, where).toBeGreaterThanOrEqual(200);
  if (response.status < 400) return;
  const body = JSON.parse(response.text) as { error: { code: unknown; message: unknown; details: unknown } };
  expect(Object.keys(body), where).toEqual(['error']);
  expect(typeof body.error.code, where).toBe('string');
  expect(typeof body.error.message, where).toBe('string');
  expect((body.error.message as string).length, where).toBeGreaterThan(0);
  expect(Array.isArray(body.error.details), where).toBe(true);
}

/** Every k-th item, so that every category keeps its share of the sample. */
function sample<T>(items: readonly T[], size: number): T[] {
  const step = Math.max(1, Math.floor(items.length / size));
  return items.filter((_, i) => i % step === 0).slice(0, size);
}

describe('the hostile corpus through the HTTP API', () => {
  const bundles = bundleCorpus();
  const flows = flowCorpus();

  it('PUT bundle bodies: 2xx or a well-formed 4xx', async () => {
    // Every category, plus a spread of the rest.
    const chosen = [...new Map(bundles.map((b) => [b.category, b])).values(), ...sample(bundles, 150)];
    const statuses = new Set<number>();
    for (const [i, input] of chosen.entries()) {
      const type = i % 3 === 0 ? 'application/json' : 'application/yaml';
      const response = await call(`/v1/bundles/hostile-${i}`, {
        method: 'PUT',
        headers: { ...ADMIN, 'content-type': type },
        body: input.bytes ?? input.text!,
      });
      expectWellFormed(`PUT ${input.category}: ${input.name}`, response);
      statuses.add(response.status);
    }
    // The sample reaches ingest: some uploads are refused as malformed, some as invalid, some stored.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 422]));
    expect([...statuses].some((s) => s === 200 || s === 201)).toBe(true);
  });

  it('POST decide bodies: 2xx or a well-formed 4xx', async () => {
    for (const input of sample(flows, 100)) {
      const response = await call('/v1/bundles/demo/decide?explain=true', {
        method: 'POST',
        headers: { ...QUERY, 'content-type': 'application/json' },
        body: input.line,
      });
      expectWellFormed(`decide ${input.category}: ${input.name}`, response);
    }
  });

  it('NDJSON batches: 200 with one answer per line, or a well-formed 4xx', async () => {
    const lines = flows.map((f) => f.line).filter((line) => !line.includes('\n'));
    for (let batch = 0; batch < 20; batch++) {
      const chunk = lines.slice(batch * 25, batch * 25 + 25);
      const response = await call(`/v1/bundles/demo/decide/batch${batch % 2 ? '?sides=true' : ''}`, {
        method: 'POST',
        headers: { ...QUERY, 'content-type': 'application/x-ndjson' },
        body: chunk.join('\n'),
      });
      expectWellFormed(`batch ${batch}`, response);
      if (response.status === 200) {
        const out = response.text.trim().split('\n');
        // Empty lines are skipped; every other line gets an answer or an error line.
        expect(out.length, `batch ${batch}`).toBeGreaterThanOrEqual(chunk.filter((l) => l.trim() !== '').length);
        expect(out.length, `batch ${batch}`).toBeLessThanOrEqual(chunk.length);
        for (const line of out) expect(() => JSON.parse(line) as unknown, `batch ${batch}: ${line}`).not.toThrow();
      }
    }
  });

  it('wrong content types, binary garbage and bad names: well-formed 4xx', async () => {
    const types = ['text/plain', 'application/xml', '', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/x-ndjson', 'application/octet-stream', 'application/yaml;;;', '*/*', 'a'.repeat(5000)];
    const routes: [string, string, Record<string, string>][] = [
      ['PUT', '/v1/bundles/ct', ADMIN],
      ['POST', '/v1/bundles/demo/decide', QUERY],
      ['POST', '/v1/bundles/demo/decide/batch', QUERY],
      ['POST', '/v1/bundles/demo/activate', ADMIN],
    ];
    const body = flows[0]!.line;
    for (const [method, path, auth] of routes) {
      for (const type of types) {
        const response = await call(path, { method, headers: { ...auth, ...(type ? { 'content-type': type } : {}) }, body });
        expectWellFormed(`${method} ${path} as ${JSON.stringify(type.slice(0, 40))}`, response);
      }
    }
    const garbage = new Uint8Array(41).map((_, i) => (i * 37) & 0xff);
    expectWellFormed('binary batch of 41 bytes', await call('/v1/bundles/demo/decide/batch', { method: 'POST', headers: { ...QUERY, 'content-type': 'application/octet-stream' }, body: garbage }));
    expectWellFormed('binary batch of 40 garbage bytes', await call('/v1/bundles/demo/decide/batch', { method: 'POST', headers: { ...QUERY, 'content-type': 'application/octet-stream' }, body: garbage.slice(0, 40) }));
    for (const name of ['__proto__', 'constructor', 'A', '-', 'a'.repeat(300), '%00', '..', 'a%2Fb']) {
      expectWellFormed(`PUT name ${name.slice(0, 20)}`, await call(`/v1/bundles/${name}`, { method: 'PUT', headers: { ...ADMIN, 'content-type': 'application/yaml' }, body: 'kind: x' }));
      expectWellFormed(`decide name ${name.slice(0, 20)}`, await call(`/v1/bundles/${name}/decide`, { method: 'POST', headers: { ...QUERY, 'content-type': 'application/json' }, body }));
    }
    for (const activate of ['{"version":42}', '{"version":"sha256:x","ifActive":[]}', '{"__proto__":{"version":"v"}}', '[]', '{', '"x"']) {
      expectWellFormed(`activate ${activate}`, await call('/v1/bundles/demo/activate', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: activate }));
    }
  });
});
