import { describe, expect, it } from 'vitest';
import { decodeFlow } from '../flow/decode.js';
import { FlowError } from '../model/errors.js';
import { RemoteEngine, RemoteError } from './remote-engine.js';

const URL = 'http://127.0.0.1:1/v1/bundles/shop';
const flow = decodeFlow({ src: 'ns/a', dst: 'ns/b', port: 80 });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
const apiError = (status: number, code: string, message: string) => json(status, { error: { code, message, details: [] } });

/** A transport that answers from a script, and records what it was asked. */
function scripted(...answers: Response[]) {
  const requests: { url: string; type: string | null; body: unknown }[] = [];
  const transport: typeof fetch = async (input, init) => {
    requests.push({ url: String(input), type: new Headers(init?.headers).get('content-type'), body: init?.body });
    const next = answers.shift();
    if (!next) throw new TypeError('connection refused');
    return next;
  };
  return { requests, engine: new RemoteEngine({ url: URL, token: 't', fetch: transport, attempts: 3, backoffMs: 1 }) };
}

describe('RemoteEngine', () => {
  it('batches as NDJSON with the sides, retries 429 and 5xx, and notes the version that answered', async () => {
    const verdict = { allowed: true, reason: 'no-policy', egress: { direction: 'egress', allowed: true, reason: 'not-isolated' } };
    const { requests, engine } = scripted(
      apiError(429, 'busy', 'later'),
      apiError(503, 'engine-unavailable', 'again'),
      json(200, `${JSON.stringify(verdict)}\n{"error":"line 2: dst: no pod"}\n`, { 'x-netpol-edge-version': 'sha256:v' }),
    );
    const answers = await engine.decideBatch([flow, flow]);
    expect(answers[0]).toEqual({ ...verdict, deniedBy: [] }); // a Verdict always has deniedBy; the line leaves it off an allowed flow
    expect(answers[1]).toBeInstanceOf(FlowError);
    expect((answers[1] as FlowError).message).toBe('dst: no pod');
    expect(requests.map((r) => [r.url, r.type])).toEqual(Array(3).fill([`${URL}/decide/batch?sides=true`, 'application/x-ndjson']));
    expect(engine.version).toBe('sha256:v');
  });

  it('stops at once on another 4xx, and after its attempts on failures that may pass', async () => {
    await expect(scripted(apiError(403, 'forbidden', 'no')).engine.decideBatch([flow])).rejects.toThrow(/403 forbidden: no$/);
    await expect(scripted().engine.decideBatch([flow])).rejects.toThrow(/connection refused \(after 3 attempts\)/);
    await expect(scripted(...Array.from({ length: 3 }, () => apiError(503, 'x', 'y'))).engine.decideBatch([flow])).rejects.toThrow(RemoteError);
  });

  it('never takes a short or broken batch for an answer', async () => {
    await expect(scripted(json(200, '{"allowed":true,"reason":"no-policy"}\n')).engine.decideBatch([flow, flow])).rejects.toThrow(/answered 1 of 2/);
    const broken = `{"allowed":true,"reason":"no-policy"}\n${JSON.stringify({ error: { code: 'engine-unavailable' } })}\n`;
    await expect(scripted(json(200, broken)).engine.decideBatch([flow, flow])).rejects.toThrow(/stopped mid-batch/);
  });

  it('explains through decide?explain=true, and a refused flow is a FlowError', async () => {
    const egress = { direction: 'egress', allowed: true, reason: 'not-isolated', isolatedBy: [] };
    const ingress = { direction: 'ingress', allowed: false, reason: 'no-rule-matched', isolatedBy: [{ namespace: 'ns', name: 'p' }] };
    const { requests, engine } = scripted(
      json(200, { allowed: false, reason: 'denied', deniedBy: ['ingress'], version: 'v', explanation: { summary: 's', egress, ingress, text: 't' } }),
      json(200, { allowed: true, reason: 'loopback', version: 'v', explanation: { summary: 's', text: 't' } }),
      apiError(400, 'invalid-flow', 'src: no pod or workload "ns/a" in the bundle'),
    );
    expect(await engine.explain(flow)).toEqual({ allowed: false, reason: 'denied', deniedBy: ['ingress'], egress, ingress });
    expect(await engine.explain(flow)).toEqual({ allowed: true, reason: 'loopback', deniedBy: [] });
    await expect(engine.explain(flow)).rejects.toThrow(FlowError);
    expect(requests[0]!.url).toBe(`${URL}/decide?explain=true`);
    expect(JSON.parse(requests[0]!.body as string)).toEqual({ src: 'ns/a', dst: 'ns/b', protocol: 'TCP', port: 80 });
  });

  it('sends binary records to the batch route as they are', async () => {
    const { requests, engine } = scripted(json(200, 'x'.repeat(20)), apiError(400, 'invalid-records', 'not whole records'));
    const records = new Uint8Array(40);
    expect((await engine.decideRecords(records)).length).toBe(20);
    expect(requests[0]).toMatchObject({ url: `${URL}/decide/batch`, type: 'application/octet-stream', body: records });
    await expect(engine.decideRecords(new Uint8Array(41))).rejects.toThrow(FlowError);
  });
});
