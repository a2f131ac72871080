/**
 * @module Bearer tokens. Both sides are hashed before comparison, so the comparison takes the same
 * time whatever the tokens' lengths and contents; tokens are never logged or echoed.
 */
import type { Env } from './env.js';
import { ApiError } from './errors.js';

export type Role = 'admin' | 'query';

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** Equal digests, compared without an early exit. */
async function sameToken(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/**
 * Admin requests need ADMIN_TOKEN; without one configured, writes are refused. Query requests need
 * QUERY_TOKEN when one is configured, and accept the admin token too.
 */
export async function authorize(env: Env, role: Role, header: string | undefined): Promise<void> {
  const adminToken = env.ADMIN_TOKEN ?? '';
  const queryToken = env.QUERY_TOKEN ?? '';
  if (role === 'query' && queryToken === '') return;
  if (role === 'admin' && adminToken === '') {
    throw new ApiError(403, 'writes-disabled', 'no ADMIN_TOKEN is configured on this Worker, so it accepts no writes');
  }
  const token = bearer(header);
  if (token === undefined) {
    throw new ApiError(401, 'unauthenticated', `this request needs an ${role} token: Authorization: Bearer <token>`);
  }
  const admin = adminToken !== '' && (await sameToken(token, adminToken));
  const query = role === 'query' && (await sameToken(token, queryToken));
  if (!admin && !query) {
    throw new ApiError(403, 'forbidden', `the token is not valid for ${role === 'admin' ? 'writes' : 'queries'}`);
  }
}
