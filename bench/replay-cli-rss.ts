/**
 * @module The peak RSS of the real CLI replaying a long log from disk, as a user runs it: the
 * generated cluster is written as one JSON List, and FLOWS Zipf-distributed CSV flows (the shape of
 * replay-rss.ts) to a log file, once per bench run (streamed, never held whole); then the installed
 * package's CLI, `node dist/netpol-edge.js replay --bundle CLUSTER LOG` (package.json's `bin`, built
 * fresh by the caller: bin/netpol-edge.js adds tsx's loader thread, ~44 MiB, which an installed
 * package never runs), runs as a child process with the given
 * --jobs (or none: the default), and its peak RSS is read from /proc/PID/status
 * (VmHWM, a high-water mark kept by the kernel, polled while it runs: the last reading before it
 * exits holds every earlier peak). Linux only: elsewhere the rows are left out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { csvLog, zipfConversations, zipfText } from './flow-logs.js';
import type { GeneratedCluster } from './generate.js';
import type { Bundle } from '../src/model/bundle.js';

/** How often the child's high-water mark is read. */
const POLL_MS = 25;

export interface CliReplayFiles {
  readonly dir: string;
  readonly bundle: string;
  readonly log: string;
  readonly flows: number;
  /** Removes the files. */
  remove(): void;
}

/** Writes the cluster and a log of `flows` Zipf CSV flows over its sampled conversations to a temporary folder. */
export async function writeCliReplayFiles(cluster: GeneratedCluster, bundle: Bundle, flows: number): Promise<CliReplayFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-rss-'));
  const bundlePath = join(dir, 'cluster.json');
  writeFileSync(bundlePath, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cluster.objects }));
  const log = csvLog(zipfConversations(bundle));
  const logPath = join(dir, 'zipf.csv');
  const out = createWriteStream(logPath);
  for (const text of zipfText(log, flows)) {
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return { dir, bundle: bundlePath, log: logPath, flows, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliReplayPeak {
  readonly peakRssMiB: number;
  readonly seconds: number;
  /** CPU time of all its threads (user + system), as last read before it exited (up to POLL_MS short). */
  readonly cpuSeconds: number;
  /** The report's flow count (JSON summary), checked by the caller. */
  readonly records: number;
}

/** True where a child's peak RSS can be read (/proc/PID/status). */
export function canReadPeakRss(): boolean {
  return existsSync(`/proc/${process.pid}/status`);
}

/** Runs the built CLI's replay of `files` with `jobs` (undefined: the default) and reads its peak RSS. */
export async function cliReplayPeak(files: CliReplayFiles, jobs: number | undefined): Promise<CliReplayPeak> {
  const root = join(import.meta.dirname, '..');
  // Size L's cluster (78 MiB as JSON) is above the CLI's default input limit of 64 MiB: raised to fit, as a user would.
  const inputMiB = Math.max(64, Math.ceil(statSync(files.bundle).size / 2 ** 20));
  const args = [join(root, 'dist/netpol-edge.js'), 'replay', '--quiet', '--summary', 'json', '--max-input-mb', String(inputMiB), '--bundle', files.bundle, ...(jobs === undefined ? [] : ['--jobs', String(jobs)]), files.log];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let peakKiB = 0;
  let cpuSeconds = 0;
  const poll = setInterval(() => {
    peakKiB = Math.max(peakKiB, highWaterKiB(child.pid!));
    cpuSeconds = Math.max(cpuSeconds, cpuSecondsOf(child.pid!));
  }, POLL_MS);
  const [code] = (await once(child, 'close')) as [number | null];
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  // 0, or 3 when something the log saw allowed would now be denied: both are a finished replay.
  if (code !== 0 && code !== 3) throw new Error(`replay --jobs ${jobs ?? 'default'} failed (${code}): ${stderr}`);
  const report = JSON.parse(stdout) as { totals: { records: number } };
  return { peakRssMiB: peakKiB / 1024, seconds, cpuSeconds, records: report.totals.records };
}

let built = false;

/** Builds dist/ from this tree, once per process: the CLI rows run the package's built CLI. */
export function buildCliOnce(): void {
  if (built) return;
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed (${build.status}): the CLI rows need dist/`);
  built = true;
}

/** The process's user + system CPU seconds (/proc/PID/stat, clock ticks of 1/100 s); 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of the line (utime, stime), counted from the state, field 3.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The process's VmHWM in KiB; 0 once it is gone. */
function highWaterKiB(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
