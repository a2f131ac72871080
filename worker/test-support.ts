/** @module Calling the app inside workerd in tests, with the test bindings (vitest.config.ts). */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { app } from './app.js';
import type { Env } from './env.js';

export const ADMIN = { authorization: 'Bearer test-admin-token' };
export const QUERY = { authorization: 'Bearer test-query-token' };

/** Calls the app and buffers the body before the execution context ends. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), env as unknown as Env, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(response.status === 204 || init.method === 'HEAD' ? null : body, { status: response.status, headers: response.headers });
}

export async function publish(name: string, manifests: string, query = ''): Promise<Response> {
  return call(`/v1/bundles/${name}${query}`, { method: 'PUT', headers: { ...ADMIN, 'content-type': 'application/yaml' }, body: manifests });
}
