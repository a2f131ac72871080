/** `GET /v1/bundles/:name/connectivity|diff|exposure` in workerd: the analysis of stored versions. */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import cluster from '../examples/demo-cluster.yaml';
import denyIngress from '../examples/article/1-default-deny-ingress.yaml';
import isolatedPod from '../test/fixtures/isolated-pod.yaml';
import { app } from './app.js';
import type { Env } from './env.js';
import { ADMIN, call, publish, QUERY } from './test-support.js';

interface Endpoint {
  kind?: string;
  namespace?: string;
  name?: string;
  external?: string[];
}
interface ConnSet {
  all: boolean;
  ports: Record<'TCP' | 'UDP' | 'SCTP', [number, number][]>;
}
interface ListJSON {
  version: string;
  connections: (ConnSet & { src: Endpoint; dst: Endpoint; explanation?: unknown })[];
  workloads: (Endpoint & { labels: Record<string, string>; namespaceLabels: Record<string, string> })[];
}
interface DiffJSON {
  old: string;
  new: string;
  changes: { change: string; src: Endpoint; dst: Endpoint; old: ConnSet | null; new: ConnSet | null }[];
}

const get = (path: string) => call(path, { headers: QUERY });
const label = (e: Endpoint) => (e.external ? 'external' : `${e.namespace}/${e.name}`);
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string; details: unknown[] } }).error;

/** ns1 accepts `from` namespaces on `ports` (TCP), nothing else. */
const ns1Ingress = (from: readonly string[], ports: readonly number[]) => `${cluster}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ns1-ingress, namespace: ns1}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [${from.join(', ')}]}]}}]
    ports: [${ports.map((p) => `{protocol: TCP, port: ${p}}`).join(', ')}]
`;

async function versionOf(response: Response): Promise<string> {
  expect(response.status).toBeLessThan(300);
  return ((await response.json()) as { version: string }).version;
}

describe('GET /v1/bundles/:name/connectivity', () => {
  it("lists the demo's connections: ns3 reaches ns1 on TCP 80 only, ns2 does not reach ns1", async () => {
    const response = await get('/v1/bundles/demo/connectivity');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const list = (await response.json()) as ListJSON;
    expect(response.headers.get('x-netpol-edge-version')).toBe(list.version);
    expect(list.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    const web = list.connections.find((c) => label(c.src) === 'ns3/frontend' && label(c.dst) === 'ns1/web');
    expect(web).toEqual({
      src: { kind: 'Pod', namespace: 'ns3', name: 'frontend' },
      dst: { kind: 'Pod', namespace: 'ns1', name: 'web' },
      all: false,
      ports: { TCP: [[80, 80]], UDP: [], SCTP: [] },
    });
    expect(list.connections.filter((c) => c.src.namespace === 'ns2' && c.dst.namespace === 'ns1')).toEqual([]);
    // default denies all ingress and egress: no pod of another namespace reaches it.
    expect(list.connections.filter((c) => c.dst.namespace === 'default' && !c.src.external)).toEqual([]);
  });

  it('lists every workload with its labels, the isolated ones too, after the connections', async () => {
    const quiet = `${cluster}
---
${isolatedPod}`;
    const version = await versionOf(await publish('isolated', quiet));
    const list = (await (await get(`/v1/bundles/isolated/connectivity?version=${version}`)).json()) as ListJSON;
    expect(Object.keys(list)).toEqual(['version', 'connections', 'workloads']);
    expect(list.workloads.map(label)).toEqual(['default/client', 'default/server', 'ns1/db', 'ns1/web', 'ns2/search', 'ns3/frontend', 'quiet/lonely']);
    const connected = new Set(list.connections.flatMap((c) => [label(c.src), label(c.dst)]));
    expect(list.workloads.map(label).filter((w) => !connected.has(w))).toEqual(['quiet/lonely']);
    expect(list.workloads.at(-1)).toEqual({
      kind: 'Pod',
      namespace: 'quiet',
      name: 'lonely',
      labels: { app: 'lonely', tier: 'none' },
      namespaceLabels: { 'kubernetes.io/metadata.name': 'quiet' },
    });
    expect(list.workloads.find((w) => label(w) === 'ns1/web')!.namespaceLabels).toMatchObject({ team: 'payments' });
  });

  it('focuses on one workload, and refuses a focus that names none', async () => {
    const list = (await (await get('/v1/bundles/demo/connectivity?focus=ns1/web')).json()) as ListJSON;
    expect(list.connections.length).toBeGreaterThan(0);
    for (const c of list.connections) expect([label(c.src), label(c.dst)]).toContain('ns1/web');
    expect(list.connections.some((c) => label(c.src) === 'ns3/frontend')).toBe(true);
    for (const focus of ['ns1/nothing', 'ns1', 'a/b/c/d']) {
      const response = await get(`/v1/bundles/demo/connectivity?focus=${focus}`);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid-focus');
      expect(error.message).toContain(focus);
    }
  });

  it('decides a focus on its scope with the answer of the full list, and explains from the scope', async () => {
    // Twelve alike pods: one stands for them all, so the scope (5 of 18 pods) is what is decided.
    const workers = Array.from({ length: 12 }, (_, i) => `apiVersion: v1
kind: Pod
metadata: {name: worker-${i}, namespace: ns2, labels: {app: worker}}
spec: {containers: [{name: w, image: w}]}
status: {podIP: 10.9.0.${i + 1}}
`);
    await versionOf(await publish('conn-scope', [cluster, ...workers].join('\n---\n')));
    const full = (await (await get('/v1/bundles/conn-scope/connectivity')).json()) as ListJSON;
    for (const focus of ['ns1/web', 'ns2/worker-3', 'ns3/frontend']) {
      const focused = (await (await get(`/v1/bundles/conn-scope/connectivity?focus=${focus}`)).json()) as ListJSON;
      const expected = full.connections.filter((c) => label(c.src) === focus || label(c.dst) === focus);
      expect(focused.connections.length, focus).toBeGreaterThan(0);
      expect(focused.connections, focus).toEqual(expected);
    }
    // The scope's flows are explained by the scope's bundle: the same rules as the full list's.
    const fullExplained = (await (await get('/v1/bundles/conn-scope/connectivity?explain=true')).json()) as ListJSON;
    const explained = (await (await get('/v1/bundles/conn-scope/connectivity?focus=ns1/web&explain=true')).json()) as ListJSON;
    expect(explained.connections.some((c) => label(c.src) === 'ns2/worker-7')).toBe(true);
    expect(explained.connections).toEqual(fullExplained.connections.filter((c) => label(c.src) === 'ns1/web' || label(c.dst) === 'ns1/web'));
  });

  it('answers txt, csv, md and dot, and explains in json', async () => {
    const txt = await get('/v1/bundles/demo/connectivity?format=txt');
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await txt.text()).toContain('ns3/frontend[Pod] => ns1/web[Pod] : TCP 80\n');
    const csv = await get('/v1/bundles/demo/connectivity?format=csv&focus=ns1/web');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\n').length).toBeGreaterThan(2);
    const md = await get('/v1/bundles/demo/connectivity?format=md');
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await md.text()).toMatch(/^\|/);
    const dot = await get('/v1/bundles/demo/connectivity?format=dot');
    expect(dot.headers.get('content-type')).toBe('text/vnd.graphviz; charset=utf-8');
    expect(await dot.text()).toMatch(/^digraph [^]*ns1[^]*\}\n?$/);
    const explained = (await (await get('/v1/bundles/demo/connectivity?focus=ns1/web&explain=true')).json()) as ListJSON;
    expect(explained.connections.every((c) => c.explanation !== undefined)).toBe(true);
    expect(JSON.stringify(explained.connections.find((c) => label(c.src) === 'ns3/frontend')!.explanation)).toContain('test-network-policy');
  });

  it('refuses svg with the way to get it, and unknown formats and flags', async () => {
    const svg = await get('/v1/bundles/demo/connectivity?format=svg');
    expect(svg.status).toBe(422);
    const error = await errorOf(svg);
    expect(error.code).toBe('svg-unavailable');
    expect(error.message).toContain('format=dot');
    expect(error.message).toContain('netpol-edge list --output svg');
    for (const [query, code] of [
      ['format=pdf', 'invalid-format'],
      ['explain=yes', 'invalid-query'],
      ['format=csv&explain=true', 'invalid-query'],
    ]) {
      const response = await get(`/v1/bundles/demo/connectivity?${query}`);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).code).toBe(code);
    }
  });

  it('needs the query token, and answers 404 for an unknown bundle or version', async () => {
    for (const path of ['/v1/bundles/demo/connectivity', '/v1/bundles/demo/diff?from=x', '/v1/bundles/demo/exposure']) {
      expect((await call(path)).status, path).toBe(401);
      expect((await call(path, { headers: { authorization: 'Bearer wrong' } })).status, path).toBe(403);
    }
    expect((await call('/v1/bundles/demo/exposure', { headers: ADMIN })).status).toBe(200);
    const noBundle = await get('/v1/bundles/no-such-bundle/connectivity');
    expect(noBundle.status).toBe(404);
    expect((await errorOf(noBundle)).code).toBe('no-bundle');
    const noVersion = await get(`/v1/bundles/demo/connectivity?version=sha256:${'0'.repeat(64)}`);
    expect(noVersion.status).toBe(404);
    expect((await errorOf(noVersion)).code).toBe('no-version');
    expect((await get('/v1/bundles/Not_A_Name/connectivity')).status).toBe(400);
  });
});

interface MatrixJSON {
  version: string;
  group: 'namespace';
  namespaces: { name: string; workloads: number }[];
  cells: (ConnSet & { src: string; dst: string; coverage: string; workloadPairs: number; connected: number; allowedEverything: number })[];
}

describe('GET /v1/bundles/:name/connectivity grouped by namespace', () => {
  it('folds the whole list to namespace pairs: counts, coverage and the union of ports agree with it', async () => {
    const list = (await (await get('/v1/bundles/demo/connectivity')).json()) as ListJSON;
    const response = await get('/v1/bundles/demo/connectivity?group=namespace');
    expect(response.status).toBe(200);
    const matrix = (await response.json()) as MatrixJSON;
    expect(matrix.version).toBe(list.version);
    expect(response.headers.get('x-netpol-edge-version')).toBe(list.version);
    expect(matrix.namespaces.map((n) => n.name)).toEqual([...new Set(list.workloads.map((w) => w.namespace!))].sort());
    const ns3ns1 = matrix.cells.find((c) => c.src === 'ns3' && c.dst === 'ns1');
    expect(ns3ns1).toMatchObject({ coverage: 'some', all: false, ports: { TCP: [[80, 80]], UDP: [], SCTP: [] } });
    expect(matrix.cells.find((c) => c.src === 'ns2' && c.dst === 'ns1')).toBeUndefined();
    for (const cell of matrix.cells) {
      const pairs = list.connections.filter((c) => c.src.namespace === cell.src && c.dst.namespace === cell.dst && label(c.src) !== label(c.dst));
      expect(cell.connected, `${cell.src}->${cell.dst}`).toBe(pairs.length);
      expect(cell.allowedEverything).toBe(pairs.filter((c) => c.all).length);
      expect(cell.coverage).toBe(cell.allowedEverything === cell.workloadPairs ? 'everything' : 'some');
    }
  });

  it("answers one namespace's rows: the connections into or out of it and its workloads", async () => {
    const list = (await (await get('/v1/bundles/demo/connectivity')).json()) as ListJSON;
    const response = await get('/v1/bundles/demo/connectivity?namespace=ns1');
    expect(response.status).toBe(200);
    const rows = (await response.json()) as ListJSON;
    expect(rows.connections).toEqual(list.connections.filter((c) => c.src.namespace === 'ns1' || c.dst.namespace === 'ns1'));
    expect(rows.workloads).toEqual(list.workloads.filter((w) => w.namespace === 'ns1'));
  });

  it('refuses other groupings, combinations, formats and a namespace without workloads', async () => {
    for (const [query, code] of [
      ['group=pod', 'invalid-query'],
      ['group=namespace&namespace=ns1', 'invalid-query'],
      ['group=namespace&focus=ns1/web', 'invalid-query'],
      ['namespace=ns1&explain=true', 'invalid-query'],
      ['group=namespace&format=txt', 'invalid-format'],
      ['namespace=nowhere', 'invalid-namespace'],
    ]) {
      const response = await get(`/v1/bundles/demo/connectivity?${query}`);
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).code, query).toBe(code);
    }
  });
});

describe('GET /v1/bundles/:name/diff', () => {
  let before = '';
  let after = '';
  beforeAll(async () => {
    before = await versionOf(await publish('conn-diff', ns1Ingress(['ns2', 'ns3'], [80])));
    after = await versionOf(await publish('conn-diff', ns1Ingress(['ns3', 'default'], [80, 443]))); // now active
  });

  it('lists added, removed and changed pairs between a version and the active one', async () => {
    const response = await get(`/v1/bundles/conn-diff/diff?from=${before}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-netpol-edge-version')).toBe(after);
    const diff = (await response.json()) as DiffJSON;
    expect(diff.old).toBe(before);
    expect(diff.new).toBe(after);
    const changes = diff.changes.filter((c) => label(c.dst) === 'ns1/web').map((c) => [c.change, label(c.src), c.old?.ports.TCP ?? null, c.new?.ports.TCP ?? null]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['removed', 'ns2/search', [[80, 80]], null],
        ['changed', 'ns3/frontend', [[80, 80]], [[80, 80], [443, 443]]],
        ['added', 'default/client', null, [[80, 80], [443, 443]]],
      ]),
    );
    expect(response.headers.get('x-netpol-edge-changes')).toBe(String(diff.changes.length));
  });

  it('answers the same diff with an explicit to, nothing between a version and itself, and txt', async () => {
    const explicit = (await (await get(`/v1/bundles/conn-diff/diff?from=${before}&to=${after}`)).json()) as DiffJSON;
    expect(explicit.changes.length).toBeGreaterThan(0);
    const same = (await (await get(`/v1/bundles/conn-diff/diff?from=${after}&to=${after}`)).json()) as DiffJSON;
    expect(same.changes).toEqual([]);
    const txt = await get(`/v1/bundles/conn-diff/diff?from=${before}&format=txt`);
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await txt.text()).toContain('ns2/search[Pod]');
  });

  it('requires from, and a version of this bundle on each side', async () => {
    const missing = await get('/v1/bundles/conn-diff/diff');
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toContain('from=');
    const unknown = await get(`/v1/bundles/conn-diff/diff?from=${before}&to=sha256:nope`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('no-version');
    const svg = await get(`/v1/bundles/conn-diff/diff?from=${before}&format=svg`);
    expect(svg.status).toBe(422);
    expect((await errorOf(svg)).message).toContain('netpol-edge diff --output svg');
  });
});

describe('GET /v1/bundles/:name/exposure', () => {
  it("reports the demo's workloads per direction", async () => {
    const response = await get('/v1/bundles/demo/exposure');
    expect(response.status).toBe(200);
    const exposure = (await response.json()) as { version: string; workloads: { workload: Endpoint; ingress: { world: unknown } }[] };
    expect(response.headers.get('x-netpol-edge-version')).toBe(exposure.version);
    const web = exposure.workloads.find((w) => label(w.workload) === 'ns1/web')!;
    expect(web.ingress.world).toEqual({ ipv4: null, ipv6: null });
    const search = exposure.workloads.find((w) => label(w.workload) === 'ns2/search')!;
    expect(search.ingress.world).toMatchObject({ ipv4: { all: true } });
    const txt = await get('/v1/bundles/demo/exposure?format=txt');
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await get('/v1/bundles/demo/exposure?format=dot')).status).toBe(400);
  });
});

describe('the size limit', () => {
  /** The app with smaller limits, as a deployment sets them (ANALYSIS_MAX_PODS, ANALYSIS_MAX_PODS_FOCUS). */
  async function callLimited(path: string, limits: Record<string, string> = { ANALYSIS_MAX_PODS: '3', ANALYSIS_MAX_PODS_FOCUS: '10' }): Promise<Response> {
    const limited = { ...(env as unknown as Env), ...limits };
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, { headers: QUERY }), limited, ctx);
    const body = await response.arrayBuffer();
    await waitOnExecutionContext(ctx);
    return new Response(body, { status: response.status, headers: response.headers });
  }

  it('answers 422 too-large with the CLI command above the limit, and a focused list within its own', async () => {
    // A version no other test asked about: its answers are not in the isolate's cache yet.
    const version = await versionOf(await publish('conn-big', `${cluster}\n---\n${denyIngress}`));
    for (const [path, command] of [
      ['/v1/bundles/conn-big/connectivity', 'netpol-edge list --output json MANIFEST...'],
      [`/v1/bundles/conn-big/diff?from=${version}`, 'netpol-edge diff --output json OLD NEW'],
      ['/v1/bundles/conn-big/exposure', 'netpol-edge exposure --output json MANIFEST...'],
    ]) {
      const response = await callLimited(path!);
      expect(response.status, path).toBe(422);
      const error = await errorOf(response);
      expect(error.code).toBe('too-large');
      expect(error.message).toContain('6 pods');
      expect(error.details).toEqual([{ command }]);
    }
    const scope = await callLimited('/v1/bundles/conn-big/connectivity?focus=ns1/web', { ANALYSIS_MAX_FOCUS_SCOPE: '2' });
    expect(scope.status).toBe(422);
    const scopeError = await errorOf(scope);
    expect(scopeError.code).toBe('too-large');
    expect(scopeError.message).toMatch(/focus=ns1\/web is decided on \d+ pods .* at most 2\. Run it locally: netpol-edge list --focus ns1\/web/);
    expect(scopeError.details).toEqual([{ command: 'netpol-edge list --focus ns1/web --output json MANIFEST...' }]);
    const whole = await callLimited('/v1/bundles/conn-big/connectivity?focus=ns1/web', { ANALYSIS_MAX_PODS_FOCUS: '5' });
    expect(whole.status).toBe(422);
    expect((await errorOf(whole)).message).toMatch(/6 pods; a focused connectivity answer is computed here for at most 5/);
    const focused = await callLimited('/v1/bundles/conn-big/connectivity?focus=ns1/web');
    expect(focused.status).toBe(200);
    const endpoints = await callLimited('/v1/bundles/conn-big/exposure', { ANALYSIS_MAX_ENDPOINTS: '5' });
    expect(endpoints.status).toBe(422);
    expect((await errorOf(endpoints)).message).toMatch(/6 workloads and unowned pods; .* at most 5\. Run it locally: netpol-edge exposure/);
  });

  it('refuses under tighter limits what looser ones answered and cached (the cache key holds the limits)', async () => {
    const version = await versionOf(await publish('conn-cached', ns1Ingress(['ns3'], [81])));
    for (const query of ['connectivity', 'connectivity?focus=ns1/web', 'connectivity?group=namespace', 'exposure', `diff?from=${version}`]) {
      const path = `/v1/bundles/conn-cached/${query}`;
      expect((await get(path)).status, path).toBe(200);
      const tight = { ANALYSIS_MAX_PODS: '3', ANALYSIS_MAX_PODS_FOCUS: '3', ANALYSIS_MAX_PODS_GROUPED: '3' };
      const refused = await callLimited(path, tight);
      expect(refused.status, path).toBe(422);
      expect((await errorOf(refused)).code).toBe('too-large');
      expect((await get(path)).status, path).toBe(200);
    }
  });

  it('bounds grouped answers by their own pod limit, above the whole list', async () => {
    await versionOf(await publish('conn-grouped', ns1Ingress(['ns3'], [8080])));
    const refused = await callLimited('/v1/bundles/conn-grouped/connectivity?group=namespace', { ANALYSIS_MAX_PODS_GROUPED: '5' });
    expect(refused.status).toBe(422);
    const error = await errorOf(refused);
    expect(error.message).toMatch(/6 pods; a namespace-grouped connectivity answer is computed here for at most 5\. Run it locally: netpol-edge list/);
    expect(error.details).toEqual([{ command: 'netpol-edge list --output json MANIFEST...' }]);
    const whole = await callLimited('/v1/bundles/conn-grouped/connectivity');
    expect(whole.status).toBe(422);
    for (const query of ['group=namespace', 'namespace=ns1']) {
      expect((await callLimited(`/v1/bundles/conn-grouped/connectivity?${query}`)).status, query).toBe(200);
    }
  });
});
