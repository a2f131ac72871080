/**
 * @module Local secrets for `npm start`: `.dev.vars` gets a generated ADMIN_TOKEN when it has
 * none, so that a fresh clone can publish bundles at once. QUERY_TOKEN is left unset: local
 * decisions are open, as the README's first curl expects. Never used by a deployed Worker.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface DevToken {
  readonly token: string;
  /** True when this call created it. */
  readonly generated: boolean;
}

/** Reads ADMIN_TOKEN from a `.dev.vars` file, adding a random one when it is missing. */
export function ensureAdminToken(path: string): DevToken {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const line = text.split(/\r?\n/).find((l) => /^\s*ADMIN_TOKEN\s*=/.test(l));
  if (line) {
    const value = line.slice(line.indexOf('=') + 1).trim().replace(/^"(.*)"$/, '$1');
    if (value !== '') return { token: value, generated: false };
  }
  const token = `dev-${randomBytes(24).toString('hex')}`;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileSync(path, `${text}${separator}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
  return { token, generated: true };
}
