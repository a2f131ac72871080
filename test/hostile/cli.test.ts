/**
 * The hostile corpus through the `netpol-edge` CLI as a user runs it: every flow line through
 * `eval` (both engines, one process each), and a sample of the bundles through `validate --json`.
 * No crash, no stack trace, the documented exit codes (0 valid, 1 invalid, 2 unreadable), one answer per flow line, every error
 * located.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleCorpus, flowCorpus, VALID_BUNDLE_YAML } from './corpus.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'netpol-edge.js');
const STACK_TRACE = /^\s+at .+[:(]/m;

function run(args: string[], input?: string | Uint8Array) {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: ROOT, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe('hostile input through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-hostile-'));
  const bundleFile = join(dir, 'valid.yaml');
  writeFileSync(bundleFile, VALID_BUNDLE_YAML);

  it('eval answers every hostile flow line with a verdict or a located error, the same on both engines', () => {
    // One corpus entry per input line: entries with a line break of their own are more than one line.
    const lines = flowCorpus().map((f) => f.line).filter((line) => line.trim() !== '' && !/[\r\n\u2028\u2029]/.test(line));
    expect(lines.length).toBeGreaterThan(400);
    const outputs = ['wasm', 'reference'].map((engine) => {
      const { code, signal, stdout, stderr } = run(['eval', '--engine', engine, '--flows', '-', bundleFile], `${lines.join('\n')}\n`);
      expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
      expect(stderr).not.toMatch(STACK_TRACE);
      const answers = stdout.trim().split('\n').map((l) => JSON.parse(l) as { allowed?: boolean; error?: string });
      expect(answers).toHaveLength(lines.length);
      answers.forEach((answer, i) => {
        if (answer.error !== undefined) expect(answer.error, lines[i]).toMatch(new RegExp(`^line ${i + 1}: .+`));
        else expect(typeof answer.allowed, lines[i]).toBe('boolean');
      });
      return answers;
    });
    expect(outputs[0]).toEqual(outputs[1]);
  });

  it('validate refuses or accepts a sample of every category, with exit 0, 1 or 2 and located errors', () => {
    const corpus = bundleCorpus();
    const categories = [...new Set(corpus.map((c) => c.category))];
    // Two per category (the first and a middle one) keeps the process count, and the time, bounded.
    const sample = categories.flatMap((category) => {
      const inputs = corpus.filter((c) => c.category === category);
      return [inputs[0]!, inputs[Math.floor(inputs.length / 2)]!];
    });
    for (const input of sample) {
      const where = `${input.category}: ${input.name}`;
      const { code, signal, stdout, stderr } = run(['validate', '--json', '-'], input.bytes ?? input.text);
      expect(signal, where).toBeNull();
      expect([0, 1, 2], `${where}: ${stderr}`).toContain(code);
      expect(stderr, where).not.toMatch(STACK_TRACE);
      if (code === 2) {
        // Input it cannot read at all (not UTF-8): one line that says where, and no report.
        expect(stderr, where).toMatch(/^netpol-edge validate: <stdin>:\d+: .+\n$/);
        continue;
      }
      const report = JSON.parse(stdout) as { valid: boolean; diagnostics: { severity: string; location?: { file: string } }[] };
      const errors = report.diagnostics.filter((d) => d.severity === 'error');
      expect(report.valid, where).toBe(code === 0);
      expect(errors.length > 0, where).toBe(code === 1);
      for (const error of errors) expect(error.location?.file, where).toBe('<stdin>');
    }
  });
});
