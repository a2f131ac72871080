import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAdminToken } from './dev-vars.js';

describe('ensureAdminToken (npm start on a fresh clone)', () => {
  it('generates a token into a missing .dev.vars, readable only by its owner, then reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dev-vars-')), '.dev.vars');
    const first = ensureAdminToken(file);
    expect(first.generated).toBe(true);
    expect(first.token).toMatch(/^dev-[0-9a-f]{48}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureAdminToken(file)).toEqual({ token: first.token, generated: false });
  });

  it('keeps a configured token and other variables', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dev-vars-')), '.dev.vars');
    writeFileSync(file, 'QUERY_TOKEN=q\nADMIN_TOKEN="mine"\n');
    expect(ensureAdminToken(file)).toEqual({ token: 'mine', generated: false });
    writeFileSync(file, 'QUERY_TOKEN=q');
    const added = ensureAdminToken(file);
    expect(readFileSync(file, 'utf8')).toBe(`QUERY_TOKEN=q\nADMIN_TOKEN="${added.token}"\n`);
  });
});
