import { describe, expect, it, vi } from 'vitest';
import { DEMO_MANIFESTS } from './demo.js';
import { ADMIN, call, publish, QUERY } from './test-support.js';

const DENIED = { src: 'ns2/search', dst: 'ns1/web', port: 80 };
const ALLOWED = { src: 'ns3/frontend', dst: 'ns1/web', port: 80 };

function decide(name: string, flow: unknown, query = ''): Promise<Response> {
  return call(`/v1/bundles/${name}/decide${query}`, { method: 'POST', headers: { ...QUERY, 'content-type': 'application/json' }, body: JSON.stringify(flow) });
}

function setMode(name: string, body: unknown, token = ADMIN): Promise<Response> {
  return call(`/v1/bundles/${name}/mode`, { method: 'POST', headers: { ...token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function logged<T>(run: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const result = await run();
    return { result, lines: log.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>) };
  } finally {
    log.mockRestore();
  }
}

describe('audit mode', () => {
  it('answers a denial as allowed with audit would-deny, logs one line, and shows the mode', async () => {
    const put = await publish('audited', DEMO_MANIFESTS, '?mode=audit');
    expect(put.status).toBe(201);
    const { version, mode } = (await put.json()) as { version: string; mode: string };
    expect(mode).toBe('audit');
    const { result, lines } = await logged(async () => (await decide('audited', DENIED)).json());
    expect(result).toMatchObject({ allowed: true, audit: 'would-deny', reason: 'denied', deniedBy: ['ingress'], version });
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'netpol-edge.would-deny',
        bundle: 'audited',
        version,
        decisionId: (result as { decisionId: string }).decisionId,
        flow: { src: { kind: 'ref', ref: 'ns2/search' }, dst: { kind: 'ref', ref: 'ns1/web' }, protocol: 'TCP', port: 80 },
        rules: [{ direction: 'ingress', reason: 'no-rule-matched', isolatedBy: [{ namespace: 'ns1', name: 'test-network-policy' }] }],
      }),
    ]);
    const explained = await logged(async () => (await decide('audited', DENIED, '?explain=true')).json());
    expect(explained.result).toMatchObject({ allowed: true, audit: 'would-deny', deniedBy: ['ingress'] });
    expect(explained.lines).toHaveLength(1);
    const allowed = await logged(async () => (await decide('audited', ALLOWED)).json());
    expect(allowed.result).not.toHaveProperty('audit');
    expect(allowed.lines).toHaveLength(0);
    const info = (await (await call('/v1/bundles/audited', { headers: QUERY })).json()) as { versions: { version: string; mode: string }[] };
    expect(info.versions).toEqual([expect.objectContaining({ version, mode: 'audit' })]);
  });

  it('flags and logs each would-deny of an NDJSON batch, in order; refuses binary batches', async () => {
    await publish('audited-batch', DEMO_MANIFESTS, '?mode=audit');
    const body = [DENIED, ALLOWED, { src: 'ns3/frontend' }, DENIED].map((f) => JSON.stringify(f)).join('\n');
    const { result, lines } = await logged(async () =>
      (await call('/v1/bundles/audited-batch/decide/batch', { method: 'POST', headers: { ...QUERY, 'content-type': 'application/x-ndjson' }, body })).text(),
    );
    const verdicts = result.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(verdicts.map((v) => v.allowed ?? 'error')).toEqual([true, true, 'error', true]);
    expect(verdicts[0]).toMatchObject({ audit: 'would-deny', reason: 'denied', deniedBy: ['ingress'] });
    expect(verdicts[1]).not.toHaveProperty('audit');
    expect(lines.map((l) => l.decisionId)).toEqual([verdicts[0]!.decisionId, verdicts[3]!.decisionId]);
    const binary = await call('/v1/bundles/audited-batch/decide/batch', {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(40),
    });
    expect(binary.status).toBe(409);
  });

  it('changes mode with the admin token only; a re-upload without mode keeps it', async () => {
    await publish('switched', DEMO_MANIFESTS);
    expect(((await (await decide('switched', DENIED)).json()) as { allowed: boolean }).allowed).toBe(false);
    expect((await setMode('switched', { mode: 'audit' }, QUERY)).status).toBe(403);
    expect((await setMode('switched', { mode: 'loud' })).status).toBe(400);
    expect((await setMode('switched', { mode: 'audit', version: 'sha256:nope' })).status).toBe(404);
    expect((await setMode('switched', { mode: 'audit' })).status).toBe(200);
    const audited = await logged(async () => (await decide('switched', DENIED)).json());
    expect(audited.result).toMatchObject({ allowed: true, audit: 'would-deny' });
    const again = (await (await publish('switched', DEMO_MANIFESTS)).json()) as { mode: string };
    expect(again.mode).toBe('audit');
    expect(((await (await publish('switched', DEMO_MANIFESTS, '?mode=enforce')).json()) as { mode: string }).mode).toBe('enforce');
    expect(((await (await decide('switched', DENIED)).json()) as { allowed: boolean }).allowed).toBe(false);
    expect((await publish('switched', DEMO_MANIFESTS, '?mode=shadow')).status).toBe(400);
  });
});
