/**
 * @module The web console's responses: its page and files come from Workers static assets (the
 * ASSETS binding, built into ui/dist by `npm run build:ui`), every response of the Worker, page or
 * API, carries the security headers below, and /v1/access tells the page what its token may do.
 */
import type { MiddlewareHandler } from 'hono';
import type { AnalysisLimits } from '../src/analysis/limits.js';
import { analysisLimitsOf } from './analysis-limits.js';
import { authorize, type Role } from './auth.js';
import type { Env } from './env.js';

/**
 * Everything the page loads comes from this Worker: no inline script or style, no frames, no
 * plugins. `data:` images are the empty favicon; `blob:` images are exported graph pictures.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

/** True for the paths the console answers: the page at `/` and `/ui/...` (files, or the page). */
function isConsolePath(pathname: string): boolean {
  return pathname === '/' || pathname === '/ui' || pathname.startsWith('/ui/');
}

/**
 * Serves the console for GET and HEAD of its paths, and adds the security headers to every
 * response, including errors. A path under /ui/ that is not a file gets the page, so that a shared
 * link such as /ui/matrix?bundle=demo opens the console.
 */
export const consoleAndHeaders: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const url = new URL(c.req.url);
  const method = c.req.method;
  if ((method === 'GET' || method === 'HEAD') && isConsolePath(url.pathname) && c.env.ASSETS) {
    let asset = await c.env.ASSETS.fetch(new Request(url, { method, headers: c.req.raw.headers }));
    if (asset.status === 404 && url.pathname !== '/') {
      asset = await c.env.ASSETS.fetch(new Request(new URL('/', url), { method }));
    }
    c.res = withHeaders(asset);
    return;
  }
  await next();
  c.res = withHeaders(c.res);
};

function withHeaders(response: Response): Response {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) copy.headers.set(name, value);
  return copy;
}

export interface Access {
  /** Reads need a query token (QUERY_TOKEN is set). */
  readonly tokenRequired: boolean;
  /** What the presented token (or none) may do: `admin`, `query`, or nothing. */
  readonly role: Role | null;
  /**
   * The sizes the analysis routes answer (422 too-large above them): the page asks for the
   * namespace matrix first when a version's pods exceed the whole list's limit, rather than
   * provoking a 422 that the browser logs as an error.
   */
  readonly analysisLimits: AnalysisLimits;
}

/**
 * What a request's token may do, answered with a 200 whatever it is: the console asks this first,
 * so that it can prompt for a token and hide admin actions without provoking a 401 or 403 (which a
 * browser reports as a console error). Same token checks as every route.
 */
export async function accessOf(env: Env, header: string | undefined): Promise<Access> {
  const allows = async (role: Role) => authorize(env, role, header).then(() => true, () => false);
  const role = (await allows('admin')) ? 'admin' : (await allows('query')) ? 'query' : null;
  return { tokenRequired: (env.QUERY_TOKEN ?? '') !== '', role, analysisLimits: analysisLimitsOf(env) };
}
