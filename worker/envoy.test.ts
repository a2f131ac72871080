import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_MANIFESTS } from './demo.js';
import { ADMIN, call, publish, QUERY } from './test-support.js';

/**
 * Request shapes of Envoy's ext_authz HTTP service (envoy.filters.http.ext_authz, http_service):
 * the original method, path_prefix + the original path and query, Content-Length 0 (no body unless
 * with_request_body), the original Host, x-forwarded-for with Envoy's own address, x-envoy-* and
 * the headers allowed_headers or headers_to_add name.
 */
function envoyCheck(method: string, path: string, netpol: Record<string, string>, extra: Record<string, string> = {}): Promise<Response> {
  return call(`/v1/bundles/envoy-demo/envoy/authz${path}`, {
    method,
    headers: {
      ...QUERY,
      host: 'web.ns1.svc.cluster.local',
      'content-length': '0',
      'x-forwarded-for': '10.244.0.1',
      'x-forwarded-proto': 'http',
      'x-envoy-internal': 'true',
      'x-envoy-expected-rq-timeout-ms': '250',
      'x-request-id': 'a4b1f6f2-9a0e-4a7e-8d4e-1f0b6c2d3e4f',
      ...netpol,
      ...extra,
    },
  });
}

const FROM_NS3 = { 'x-netpol-src': 'ns3/frontend', 'x-netpol-dst': 'ns1/web', 'x-netpol-port': '80' };
const FROM_NS2 = { 'x-netpol-src': 'ns2/search', 'x-netpol-dst': 'ns1/web', 'x-netpol-port': '80' };

describe('Envoy ext_authz HTTP service', () => {
  beforeAll(async () => {
    expect((await publish('envoy-demo', DEMO_MANIFESTS)).status).toBe(201);
  });

  it('allows with 200 and the decision id and version headers, for any method and path', async () => {
    for (const [method, path] of [
      ['GET', '/api/items?page=2'],
      ['POST', '/api/items'],
      ['DELETE', '/'],
      ['PATCH', ''],
      ['HEAD', '/healthz'],
    ] as const) {
      const response = await envoyCheck(method, path, FROM_NS3);
      expect(response.status, `${method} ${path}`).toBe(200);
      expect(response.headers.get('x-netpol-decision-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('x-netpol-version')).toMatch(/^sha256:/);
      expect(response.headers.get('x-netpol-audit')).toBeNull();
    }
  });

  it('denies with 403 and a JSON reason naming the denying rules', async () => {
    const response = await envoyCheck('GET', '/api/items', FROM_NS2);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-netpol-decision-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ allowed: false, reason: 'denied', deniedBy: ['ingress'] });
    expect(body.rules).toEqual([
      { direction: 'ingress', reason: 'no-rule-matched', isolatedBy: [{ namespace: 'ns1', name: 'test-network-policy' }] },
    ]);
    expect(body.summary).toContain('ns1/test-network-policy');
  });

  it('ignores a forwarded body (with_request_body) and x-forwarded-for', async () => {
    const response = await envoyCheck('POST', '/upload', FROM_NS2, { 'content-length': '13', 'x-forwarded-for': '10.1.3.10' });
    expect(response.status).toBe(403);
    const body = await call('/v1/bundles/envoy-demo/envoy/authz/upload', {
      method: 'POST',
      headers: { ...QUERY, ...FROM_NS3, 'content-type': 'application/json' },
      body: '{"any":"body"}',
    });
    expect(body.status).toBe(200);
  });

  it('reads the protocol, TCP by default', async () => {
    expect((await envoyCheck('GET', '/', { ...FROM_NS3, 'x-netpol-protocol': 'tcp' })).status).toBe(200);
    expect((await envoyCheck('GET', '/', { ...FROM_NS3, 'x-netpol-protocol': 'UDP' })).status).toBe(403);
  });

  it('answers 400, never an allow, when a header is missing or malformed', async () => {
    const cases: Record<string, string>[] = [
      { 'x-netpol-dst': 'ns1/web', 'x-netpol-port': '80' },
      { 'x-netpol-src': 'ns3/frontend', 'x-netpol-port': '80' },
      { 'x-netpol-src': 'ns3/frontend', 'x-netpol-dst': 'ns1/web' },
      { ...FROM_NS3, 'x-netpol-port': '80x' },
      { ...FROM_NS3, 'x-netpol-port': '0' },
      { ...FROM_NS3, 'x-netpol-port': '' },
      { ...FROM_NS3, 'x-netpol-protocol': 'ICMP' },
      { ...FROM_NS3, 'x-netpol-protocol': '' },
      { ...FROM_NS3, 'x-netpol-src': '10.1.1.1, 10.1.3.10' },
      { ...FROM_NS3, 'x-netpol-dst': 'not a pod' },
    ];
    for (const headers of cases) {
      const response = await envoyCheck('GET', '/', headers);
      expect(response.status, JSON.stringify(headers)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-flow-headers');
    }
  });

  it('needs the query token, and 404s an unknown bundle', async () => {
    const anonymous = await call('/v1/bundles/envoy-demo/envoy/authz/x', { headers: FROM_NS3 });
    expect(anonymous.status).toBe(401);
    expect((await call('/v1/bundles/no-such/envoy/authz/x', { headers: { ...QUERY, ...FROM_NS3 } })).status).toBe(404);
  });

  it('in audit mode answers a would-deny with 200 and x-netpol-audit, and logs it', async () => {
    expect((await publish('envoy-audit', DEMO_MANIFESTS, '?mode=audit')).status).toBe(201);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const response = await call('/v1/bundles/envoy-audit/envoy/authz/api', { headers: { ...QUERY, ...FROM_NS2 } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-netpol-audit')).toBe('would-deny');
      const id = response.headers.get('x-netpol-decision-id');
      const lines = log.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ event: 'netpol-edge.would-deny', bundle: 'envoy-audit', decisionId: id, deniedBy: ['ingress'] });
      expect(JSON.stringify(lines[0])).not.toContain('test-query-token');
      const allowed = await call('/v1/bundles/envoy-audit/envoy/authz/api', { headers: { ...QUERY, ...FROM_NS3 } });
      expect(allowed.headers.get('x-netpol-audit')).toBeNull();
      expect(log).toHaveBeenCalledTimes(1);
    } finally {
      log.mockRestore();
    }
    // Back to enforcing with the admin token only.
    const mode = (token: Record<string, string>) =>
      call('/v1/bundles/envoy-audit/mode', { method: 'POST', headers: { ...token, 'content-type': 'application/json' }, body: '{"mode":"enforce"}' });
    expect((await mode(QUERY)).status).toBe(403);
    expect((await mode(ADMIN)).status).toBe(200);
    expect((await call('/v1/bundles/envoy-audit/envoy/authz/api', { headers: { ...QUERY, ...FROM_NS2 } })).status).toBe(403);
  });
});
