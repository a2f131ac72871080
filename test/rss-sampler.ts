/**
 * @module Memory tests of streaming commands: a child process fed generated lines on stdin (never
 * held whole, here or there, with backpressure), its resident set size sampled from
 * /proc/<pid>/status as the lines go in, and a verdict on whether it stayed flat.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';

export const MIB = 1024 * 1024;
export const HAS_PROC = existsSync('/proc/self/status');

export interface RssSample {
  /** Lines written when the sample was taken. */
  readonly written: number;
  readonly rss: number;
}

export interface StreamedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly samples: readonly RssSample[];
}

function rssOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined; // the process has exited
  }
}

/** Runs `node ARGS`, writes `header` then `lines` lines (`lineAt(i)`, newline added) to its stdin. */
export async function streamInto(args: readonly string[], cwd: string, header: string, lines: number, lineAt: (i: number) => string): Promise<StreamedRun> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid!;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = once(child, 'close') as Promise<[number | null]>;
  let written = 0;
  const samples: RssSample[] = [];
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined) samples.push({ written, rss });
  }, 200);
  const started = performance.now();
  try {
    const stdin = child.stdin;
    stdin.write(`${header}\n`);
    const perChunk = 2000;
    while (written < lines) {
      let chunk = '';
      const end = Math.min(lines, written + perChunk);
      for (let i = written; i < end; i++) chunk += `${lineAt(i)}\n`;
      written = end;
      if (!stdin.write(chunk)) await once(stdin, 'drain');
    }
    stdin.end();
    const [code] = await exited;
    return { code, stdout, stderr, seconds: (performance.now() - started) / 1000, samples };
  } finally {
    clearInterval(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/** From the first sample taken once `fraction` of the lines were written: that RSS, and the largest after it. */
export function rssAfter(run: StreamedRun, lines: number, fraction: number): { baseline: number; max: number; samples: number } {
  const from = run.samples.findIndex((s) => s.written >= lines * fraction);
  const later = from < 0 ? [] : run.samples.slice(from);
  return { baseline: later[0]?.rss ?? NaN, max: Math.max(...later.map((s) => s.rss)), samples: later.length };
}
