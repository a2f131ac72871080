/**
 * @module The Worker's API as the page calls it. A query token, when the Worker wants one, lives in
 * this tab's session storage only; every call sends it, and a 401 or 403 asks for it again.
 */
import type { AnalysisLimits, BundleInfo, ConnectivityDiff, ConnectivityList, ExplainedDecision, ExposureReport, NamespaceMatrixAnswer } from './model/types.js';

const TOKEN_KEY = 'netpol-edge.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** The Worker wants a token, or a different one. */
  get needsToken(): boolean {
    return this.status === 401 || (this.status === 403 && this.code === 'forbidden');
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const token = storedToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  let code = 'http-error';
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not a JSON error body: keep the status line
  }
  throw new ApiError(response.status, code, message);
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await call(path, init)).json()) as T;
}

const bundlePath = (bundle: string): string => `/v1/bundles/${encodeURIComponent(bundle)}`;
const versionQuery = (version: string | null): string => (version ? `?version=${encodeURIComponent(version)}` : '');

export function bundleInfo(bundle: string): Promise<BundleInfo> {
  return json(bundlePath(bundle));
}

export interface Access {
  readonly tokenRequired: boolean;
  readonly role: 'admin' | 'query' | null;
  readonly analysisLimits: AnalysisLimits;
}

/** What the stored token may do; always a 200, so that asking never logs an error in the console. */
export function access(): Promise<Access> {
  return json('/v1/access');
}

/** Bundle names; only an admin token may list them. */
export async function bundleNames(): Promise<string[]> {
  return (await json<{ bundles: { name: string }[] }>('/v1/bundles')).bundles.map((b) => b.name);
}

export interface Timed<T> {
  readonly data: T;
  /** performance.now() when the whole body had arrived, before parsing. */
  readonly arrivedAt: number;
}

/** The connectivity list of a version; with a focus (`NS/NAME`), only that workload's connections. */
export async function connectivity(bundle: string, version: string | null, focus: string | null = null): Promise<Timed<ConnectivityList>> {
  const query = new URLSearchParams({ ...(version ? { version } : {}), ...(focus ? { focus } : {}) }).toString();
  const response = await call(`${bundlePath(bundle)}/connectivity${query ? `?${query}` : ''}`);
  const text = await response.text();
  const arrivedAt = performance.now();
  return { data: JSON.parse(text) as ConnectivityList, arrivedAt };
}

/** The namespace-by-namespace matrix of a version, for bundles too large for the whole list. */
export async function namespaceMatrix(bundle: string, version: string | null): Promise<Timed<NamespaceMatrixAnswer>> {
  const query = new URLSearchParams({ group: 'namespace', ...(version ? { version } : {}) }).toString();
  const text = await (await call(`${bundlePath(bundle)}/connectivity?${query}`)).text();
  const arrivedAt = performance.now();
  return { data: JSON.parse(text) as NamespaceMatrixAnswer, arrivedAt };
}

/** The connections into or out of one namespace, and its workloads. */
export function namespaceList(bundle: string, version: string | null, namespace: string): Promise<ConnectivityList> {
  const query = new URLSearchParams({ namespace, ...(version ? { version } : {}) });
  return json(`${bundlePath(bundle)}/connectivity?${query.toString()}`);
}

export function diff(bundle: string, from: string, to: string | null): Promise<ConnectivityDiff> {
  const query = new URLSearchParams({ from, ...(to ? { to } : {}) });
  return json(`${bundlePath(bundle)}/diff?${query.toString()}`);
}

export function exposure(bundle: string, version: string | null): Promise<ExposureReport> {
  return json(`${bundlePath(bundle)}/exposure${versionQuery(version)}`);
}

/** One flow decided and explained by a stored version (null: the active one). */
export function explain(bundle: string, flow: unknown, version: string | null): Promise<ExplainedDecision> {
  const query = new URLSearchParams({ explain: 'true', ...(version ? { version } : {}) });
  return json(`${bundlePath(bundle)}/decide?${query.toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(flow),
  });
}

export function activate(bundle: string, version: string, ifActive: string | null): Promise<{ active: string }> {
  return json(`${bundlePath(bundle)}/activate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version, ifActive }),
  });
}
