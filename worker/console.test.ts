import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_LIMITS } from '../src/analysis/limits.js';
import { accessOf, SECURITY_HEADERS } from './console.js';
import type { Env } from './env.js';

/** Through the Worker's entry point, as wrangler.toml declares it (static assets included). */
async function call(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`http://netpol-edge.test${path}`, init);
}

function expectSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name), name).toBe(value);
}

describe('web console', () => {
  it('serves the page at / and at any /ui/ path, with the security headers', async () => {
    for (const path of ['/', '/ui/', '/ui/matrix?bundle=demo&view=graph']) {
      const response = await call(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const page = await response.text();
      expect(page).toContain('<script type="module" src="/ui/app.js"></script>');
      expect(page).not.toMatch(/<script>|style=/);
      expectSecurityHeaders(response);
    }
  });

  it("serves the page's script and style sheet from the Worker, with the headers", async () => {
    const script = await call('/ui/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expectSecurityHeaders(script);
    const style = await call('/ui/app.css');
    expect(style.headers.get('content-type')).toMatch(/^text\/css/);
    expectSecurityHeaders(style);
  });

  it('forbids framing, sniffing, inline script and other origins in its policy', () => {
    const csp = SECURITY_HEADERS['content-security-policy']!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it('puts the headers on API answers and errors too', async () => {
    expectSecurityHeaders(await call('/healthz'));
    const missing = await call('/v1/nothing-here');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    const denied = await call('/v1/bundles/demo');
    expect(denied.status).toBe(401);
    expectSecurityHeaders(denied);
  });

  it('tells the page what its token may do, with a 200 whatever the token', async () => {
    const access = async (token?: string) => {
      const response = await call('/v1/access', token ? { headers: { authorization: `Bearer ${token}` } } : {});
      expect(response.status).toBe(200);
      return response.json();
    };
    const analysisLimits = ANALYSIS_LIMITS;
    expect(await access()).toEqual({ tokenRequired: true, role: null, analysisLimits });
    expect(await access('wrong')).toEqual({ tokenRequired: true, role: null, analysisLimits });
    expect(await access('test-query-token')).toEqual({ tokenRequired: true, role: 'query', analysisLimits });
    expect(await access('test-admin-token')).toEqual({ tokenRequired: true, role: 'admin', analysisLimits });
    const open = { ...(env as unknown as Env), QUERY_TOKEN: undefined };
    expect(await accessOf(open, undefined)).toEqual({ tokenRequired: false, role: 'query', analysisLimits });
    expect(await accessOf({ ...open, ADMIN_TOKEN: undefined }, 'Bearer test-admin-token')).toEqual({ tokenRequired: false, role: 'query', analysisLimits });
    // A deployment's own limits are what the page is told; a malformed one keeps the default.
    const limited = await accessOf({ ...open, ANALYSIS_MAX_PODS: '300', ANALYSIS_MAX_ENDPOINTS: '12x', ANALYSIS_MAX_FOCUS_SCOPE: '900' }, undefined);
    expect(limited.analysisLimits).toEqual({ ...ANALYSIS_LIMITS, maxPods: 300, maxFocusScope: 900 });
  });

  it('leaves other methods and paths to the API', async () => {
    expect((await call('/', { method: 'POST' })).status).toBe(404);
    expect((await call('/uix')).status).toBe(404);
  });
});
