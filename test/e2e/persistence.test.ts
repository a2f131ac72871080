/**
 * Crash safety of the bundle store under `wrangler dev`: uploads run while the runtime is killed
 * with SIGKILL, again and again, on the same state directory. Every version the service
 * acknowledged must come back after the restart, whole: listed, activatable, and answering as its
 * content says. Unacknowledged uploads may or may not have landed; either is fine.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWrangler, type DevServer } from '../../scripts/wrangler-dev.js';

const ADMIN = 'persist-admin-token';
const QUERY = 'persist-query-token';
const CYCLES = Number(process.env.PERSIST_CYCLES ?? 5);
const FLOW = { src: 'a/client', dst: 'a/server', port: 80 };

/** Variant i allows FLOW when i is even; its policy name makes it a version of its own. */
function manifests(i: number): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: a}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: variant-${i}, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: ${i % 2 === 0 ? '[{}]' : '[]'}}
`;
}

/** A small seeded generator, so that a failing run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('persistence across kill -9', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'netpol-edge-persist-'));
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  const request = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server!.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

  it(`keeps every acknowledged version through ${CYCLES} kills during uploads`, async () => {
    const next = random(Number(process.env.PERSIST_SEED ?? 7));
    const acknowledged = new Map<string, number>(); // version -> variant
    let variant = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      server = await startWrangler({ stateDir, vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const i = variant++;
          try {
            const response = await request('/v1/bundles/persist', ADMIN, {
              method: 'PUT',
              headers: { 'content-type': 'application/yaml' },
              body: manifests(i),
            });
            if (response.status === 201) acknowledged.set(((await response.json()) as { version: string }).version, i);
            else if (!killed) throw new Error(`upload ${i}: ${response.status} ${await response.text()}`);
          } catch (error) {
            if (!killed) throw error; // a connection cut by the kill is expected, nothing else is
          }
        }
      };
      const writers = [writer(), writer()];
      await new Promise((resolve) => setTimeout(resolve, 300 + next() * 1200));
      killed = true;
      await server.kill();
      await Promise.all(writers);
    }

    server = await startWrangler({ stateDir, vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    expect(acknowledged.size).toBeGreaterThan(CYCLES);
    const info = (await (await request('/v1/bundles/persist', QUERY)).json()) as { versions: { version: string }[] };
    const listed = new Set(info.versions.map((v) => v.version));
    for (const version of acknowledged.keys()) expect(listed, `acknowledged ${version}`).toContain(version);
    for (const [version, i] of acknowledged) {
      const activated = await request('/v1/bundles/persist/activate', ADMIN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version }),
      });
      expect(activated.status, `activate ${version}`).toBe(200);
      const answer = await request('/v1/bundles/persist/decide', QUERY, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(FLOW),
      });
      expect(await answer.json(), `variant ${i}`).toMatchObject({ version, allowed: i % 2 === 0 });
    }
    console.log(`${CYCLES} kills, ${acknowledged.size} acknowledged uploads, ${listed.size} versions listed, all whole`);
  }, 180_000);
});
