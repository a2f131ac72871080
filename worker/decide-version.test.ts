/** `POST /v1/bundles/:name/decide[/batch]?version=V` in workerd: deciding with a stored version that is not active. */
import { describe, expect, it } from 'vitest';
import cluster from '../examples/demo-cluster.yaml';
import { ADMIN, call, publish, QUERY } from './test-support.js';

/** ns1 accepts namespace `from` on TCP 80, nothing else. */
const ns1From = (from: string) => `${cluster}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ns1-from-${from}, namespace: ns1}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${from}}}}]
    ports: [{protocol: TCP, port: 80}]
`;

const JSON_TYPE = { ...QUERY, 'content-type': 'application/json' };
const SEARCH_TO_WEB = JSON.stringify({ src: 'ns2/search', dst: 'ns1/web', port: 80 });

async function versionOf(response: Response): Promise<string> {
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { version: string }).version;
}

/** Publishes ns1-from-ns2 (older) then ns1-from-ns3 (active) as bundle `name`. */
async function twoVersions(name: string): Promise<{ older: string; active: string }> {
  const older = await versionOf(await publish(name, ns1From('ns2')));
  const active = await versionOf(await publish(name, ns1From('ns3')));
  return { older, active };
}

const decide = (name: string, query: string, body = SEARCH_TO_WEB, headers: Record<string, string> = JSON_TYPE) =>
  call(`/v1/bundles/${name}/decide${query}`, { method: 'POST', headers, body });

describe('POST /v1/bundles/:name/decide?version=', () => {
  it('decides with the stored version asked for, and with the active one without it', async () => {
    const { older, active } = await twoVersions('versions-a');
    const now = await decide('versions-a', '');
    expect(await now.json()).toMatchObject({ allowed: false, version: active });
    const then = await decide('versions-a', `?version=${older}`);
    expect(then.status).toBe(200);
    expect(then.headers.get('x-netpol-edge-version')).toBe(older);
    expect(await then.json()).toMatchObject({ allowed: true, reason: 'allowed', version: older });
  });

  it("explains with that version's rules", async () => {
    const { older, active } = await twoVersions('versions-b');
    type Explained = { allowed: boolean; version: string; explanation: { ingress: { allowedBy?: { policy: { name: string } }; isolatedBy: { name: string }[] } } };
    const then = (await (await decide('versions-b', `?version=${older}&explain=true`)).json()) as Explained;
    expect(then.version).toBe(older);
    expect(then.explanation.ingress.allowedBy?.policy.name).toBe('ns1-from-ns2');
    const now = (await (await decide('versions-b', `?explain=true&version=${active}`)).json()) as Explained;
    expect(now).toMatchObject({ allowed: false, version: active });
    expect(now.explanation.ingress.isolatedBy.map((p) => p.name)).toEqual(['ns1-from-ns3']);
  });

  it("answers in that version's own mode", async () => {
    const { older } = await twoVersions('versions-c');
    const mode = await call('/v1/bundles/versions-c/mode', {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'audit', version: older }),
    });
    expect(mode.status).toBe(200);
    const flow = JSON.stringify({ src: 'ns3/frontend', dst: 'ns1/web', port: 80 });
    expect(await (await decide('versions-c', `?version=${older}`, flow)).json()).toMatchObject({ allowed: true, audit: 'would-deny', version: older });
    expect(await (await decide('versions-c', '', flow)).json()).toMatchObject({ allowed: true, reason: 'allowed' });
  });

  it('404 no-version for a version the bundle does not have (another bundle\'s included), and needs the query token', async () => {
    const { older } = await twoVersions('versions-d');
    const other = await versionOf(await publish('versions-e', `${cluster}`));
    for (const [name, version] of [['versions-d', `sha256:${'0'.repeat(64)}`], ['versions-d', other], ['versions-e', older], ['no-such-bundle', older]]) {
      const response = await decide(name!, `?version=${version}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'no-version',
        message: `version=${version}: bundle "${name}" has no such version`,
      });
    }
    expect((await decide('versions-d', `?version=${older}`, SEARCH_TO_WEB, { 'content-type': 'application/json' })).status).toBe(401);
  });

  it('works on the demo bundle before anything else created it', async () => {
    const response = await decide('demo', `?version=sha256:${'1'.repeat(64)}`);
    expect(response.status).toBe(404);
    const info = (await (await call('/v1/bundles/demo', { headers: QUERY })).json()) as { active: string };
    expect(await (await decide('demo', `?version=${info.active}`)).json()).toMatchObject({ allowed: false, version: info.active });
  });
});

describe('POST /v1/bundles/:name/decide/batch?version=', () => {
  it('answers every line with the version asked for, NDJSON and binary', async () => {
    const { older } = await twoVersions('versions-f');
    const response = await call(`/v1/bundles/versions-f/decide/batch?version=${older}`, {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/x-ndjson' },
      body: `${SEARCH_TO_WEB}\n${JSON.stringify({ src: 'ns3/frontend', dst: 'ns1/web', port: 80 })}\n`,
    });
    expect(response.headers.get('x-netpol-edge-version')).toBe(older);
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as { allowed: boolean });
    expect(lines.map((l) => l.allowed)).toEqual([true, false]);
    const missing = await call(`/v1/bundles/versions-f/decide/batch?version=sha256:${'2'.repeat(64)}`, {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(0),
    });
    expect(missing.status).toBe(404);
  });
});
