/**
 * `netpol-edge replay --jobs`: on a log large enough for the worker threads (over 8 MiB), the
 * report, the JSON summary, --out and the exit code are those of --jobs 1, byte for byte, for a
 * single and a baseline replay; --jobs is checked like every count.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'netpol-edge.js');
const LOGS = join(ROOT, 'test/fixtures/flowlogs');
const TMP = mkdtempSync(join(tmpdir(), 'netpol-edge-jobs-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** flows.csv's rows (and its malformed ones) over and over: about 12 MiB, 159,999 records after the header. */
function bigLog(): string {
  const rows = (name: string): string[] => readFileSync(join(LOGS, name), 'utf8').trim().split('\n').slice(1);
  const mixed = [...rows('flows.csv'), ...rows('csv-malformed.csv')];
  const lines = ['timestamp,src,dst,port,protocol,verdict,bytes'];
  for (let i = 0; lines.length < 160_000; i++) lines.push(mixed[(i * 7919) % mixed.length]!);
  const path = join(TMP, 'big.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, 'replay', ...args], { encoding: 'utf8', cwd: ROOT, timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('replay --jobs', () => {
  const log = bigLog();
  const bundle = ['--bundle', join(LOGS, 'cluster.yaml')];

  it('gives the --jobs 1 report, JSON summary with rules, --out and exit code on 2 threads (this one and a worker)', () => {
    for (const args of [[], ['--summary', 'json', '--rules']]) {
      const outs = [1, 2].map((jobs) => join(TMP, `out-${jobs}-${args.length}.ndjson`));
      const [one, two] = [1, 2].map((jobs, i) => run([...bundle, ...args, '--jobs', String(jobs), '--out', outs[i]!, log]));
      expect(one!.stderr).toBe('');
      expect(two).toEqual(one);
      expect(one!.stdout).toMatch(/records 159999|"records":159999/);
      expect(readFileSync(outs[1]!, 'utf8')).toBe(readFileSync(outs[0]!, 'utf8'));
    }
  }, 480_000);

  it('gives the --jobs 1 report of a staged change (--baseline) on 3 threads (this one and two workers)', () => {
    const staged = [...bundle, '--bundle', join(LOGS, 'staged-change.yaml'), '--baseline', join(LOGS, 'cluster.yaml'), '--summary', 'json'];
    const one = run([...staged, '--jobs', '1', log]);
    expect(one.code).toBe(3);
    expect(run([...staged, '--jobs', '3', log])).toEqual(one);
  }, 480_000);

  it('takes a whole number above 0', () => {
    const zero = run([...bundle, '--jobs', '0', log]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--jobs 0: expected a whole number above 0/);
  });
});
