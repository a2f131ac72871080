/**
 * Uploads and activations racing readers, in one isolate against the real Durable Object. Every
 * answer must name a version that was active at some point during its request, give that
 * version's verdict (no torn read: engine and version always agree), and the bundle must end on
 * the activation the store applied last.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from './app.js';
import type { Env } from './env.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const QUERY = { authorization: 'Bearer test-query-token' };
const BUNDLE = 'race';
const FLOW = { src: 'a/client', dst: 'a/server', port: 80 };

async function call(path: string, init: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), env as unknown as Env, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
}

/** Variant i allows FLOW when i is even; the policy name makes every variant a version of its own. */
function manifests(i: number): string {
  const ingress = i % 2 === 0 ? '[{}]' : '[]';
  return `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: a, labels: {app: server}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: variant-${i}, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: ${ingress}}
`;
}

async function upload(i: number, activate: boolean): Promise<string> {
  const response = await call(`/v1/bundles/${BUNDLE}${activate ? '' : '?activate=false'}`, {
    method: 'PUT',
    headers: { ...ADMIN, 'content-type': 'application/yaml' },
    body: manifests(i),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return ((await response.json()) as { version: string }).version;
}

/** A clock of events in this single-threaded test: request starts and ends, in the order seen. */
let clock = 0;

interface Activation {
  readonly version: string;
  readonly start: number;
  readonly end: number;
  readonly generation: number;
}

interface Answer {
  readonly version: string;
  readonly allowed: boolean;
  readonly start: number;
  readonly end: number;
}

describe('concurrent uploads, activations and reads', () => {
  it('answers only with versions active during the request, and ends on the last activation', async () => {
    const initial = await upload(0, true);
    const variants = 40;
    const expected = new Map<string, boolean>([[initial, true]]);
    const activations: Activation[] = [];
    const answers: Answer[] = [];
    let writing = true;

    const writer = async (offset: number) => {
      for (let i = 1 + offset; i <= variants; i += 2) {
        const version = await upload(i, false);
        expected.set(version, i % 2 === 0);
        const start = ++clock;
        const response = await call(`/v1/bundles/${BUNDLE}/activate`, {
          method: 'POST',
          headers: { ...ADMIN, 'content-type': 'application/json' },
          body: JSON.stringify({ version }),
        });
        const body = (await response.json()) as { active: string; generation: number };
        expect(response.status).toBe(200);
        activations.push({ version: body.active, start, end: ++clock, generation: body.generation });
      }
    };
    const reader = async () => {
      while (writing) {
        const start = ++clock;
        const response = await call(`/v1/bundles/${BUNDLE}/decide`, {
          method: 'POST',
          headers: { ...QUERY, 'content-type': 'application/json' },
          body: JSON.stringify(FLOW),
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as { version: string; allowed: boolean };
        answers.push({ version: body.version, allowed: body.allowed, start, end: ++clock });
      }
    };
    const readers = Array.from({ length: 6 }, reader);
    await Promise.all([writer(0), writer(1)]);
    writing = false;
    await Promise.all(readers);

    expect(activations).toHaveLength(variants);
    expect(answers.length).toBeGreaterThan(variants);
    // The readers saw the activations happen, not just one version throughout.
    expect(new Set(answers.map((a) => a.version)).size).toBeGreaterThan(2);
    console.log(`${answers.length} answers, ${new Set(answers.map((a) => a.version)).size} versions, ${activations.length} activations`);
    const done = [{ version: initial, start: 0, end: 0, generation: 0 }, ...activations];
    for (const answer of answers) {
      // Active at some point in [start, end]: activated by a request overlapping it, or the
      // outcome of one that finished before it began and was not certainly replaced by then.
      const overlapping = done.filter((a) => a.start < answer.end && a.end > answer.start);
      const before = done.filter((a) => a.end < answer.start);
      const current = before.filter((a) => !before.some((b) => b.start > a.end));
      const possible = new Set([...overlapping, ...current].map((a) => a.version));
      expect(possible, `answer ${JSON.stringify(answer)}`).toContain(answer.version);
      expect(answer.allowed, `verdict of ${answer.version}`).toBe(expected.get(answer.version));
    }
    const last = activations.reduce((a, b) => (b.generation > a.generation ? b : a));
    const info = (await (await call(`/v1/bundles/${BUNDLE}`, { headers: QUERY })).json()) as { active: string };
    expect(info.active).toBe(last.version);
    const final = (await (await call(`/v1/bundles/${BUNDLE}/decide`, { method: 'POST', headers: { ...QUERY, 'content-type': 'application/json' }, body: JSON.stringify(FLOW) })).json()) as { version: string };
    expect(final.version).toBe(last.version);
  });
});
