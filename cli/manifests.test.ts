import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../src/ingest/limits.js';
import { inputLimitBytes, MAX_INPUT_ENV, readManifestSources } from './manifests.js';

describe('inputLimitBytes', () => {
  it('is the default, the environment variable, or --max-input-mb, in that order of precedence', () => {
    expect(inputLimitBytes({}, {})).toBe(LIMITS.maxInputBytes);
    expect(inputLimitBytes({}, { [MAX_INPUT_ENV]: '100' })).toBe(100 * 2 ** 20);
    expect(inputLimitBytes({ 'max-input-mb': '1' }, { [MAX_INPUT_ENV]: '100' })).toBe(2 ** 20);
  });

  it('refuses what is not a whole number of MiB from 1 to 500, naming where it came from', () => {
    expect(() => inputLimitBytes({ 'max-input-mb': '0' }, {})).toThrow(/^--max-input-mb 0: expected a whole number of MiB from 1 to 500$/);
    expect(() => inputLimitBytes({ 'max-input-mb': '1.5' }, {})).toThrow(/--max-input-mb 1.5/);
    expect(() => inputLimitBytes({}, { [MAX_INPUT_ENV]: '501' })).toThrow(/^NETPOL_EDGE_MAX_INPUT_MB 501:/);
  });
});

describe('readManifestSources', () => {
  it('refuses input above the limit with the file, its size and the setting that reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-manifests-'));
    const path = join(dir, 'big.yaml');
    writeFileSync(path, `# padding\n${'#'.repeat(3 * 2 ** 20)}\n`);
    await expect(readManifestSources([path], 2 ** 20)).rejects.toThrow(
      `${path}: 3,145,739 bytes (3.0 MiB), above the input limit of 1,048,576 bytes (1.0 MiB) for all manifests together; raise the limit with --max-input-mb 4 (or ${MAX_INPUT_ENV}=4)`,
    );
    await expect(readManifestSources([path], 4 * 2 ** 20)).resolves.toHaveLength(1);
  });
});

describe('netpol-edge list: the input limit end to end', () => {
  const root = join(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-manifests-'));
  const path = join(dir, 'demo.yaml');
  writeFileSync(path, `${readFileSync(join(root, 'examples', 'demo-cluster.yaml'), 'utf8')}\n# ${'#'.repeat(2 ** 20)}\n`);
  const list = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(root, 'bin', 'netpol-edge.js'), 'list', ...args, path], { encoding: 'utf8', cwd: root, env: { ...process.env, ...env } });

  it('refuses the file under a 1 MiB limit from the environment, and reads it with --max-input-mb 2', () => {
    const refused = list([], { [MAX_INPUT_ENV]: '1' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${path}: `);
    expect(refused.stderr).toContain('above the input limit of 1,048,576 bytes (1.0 MiB)');
    expect(refused.stderr).toContain('--max-input-mb 2');
    const read = list(['--max-input-mb', '2'], { [MAX_INPUT_ENV]: '1' });
    expect(read.stderr).toBe('');
    expect(read.status).toBe(0);
    expect(read.stdout).toContain('=>');
  });
});
