/**
 * `netpol-edge replay` streams: 8 million CSV flows piped into its stdin, generated on the fly
 * (never held whole, here or there), while the child's resident set size is sampled from
 * /proc/<pid>/status. After the first half of the run it must stay flat: at most 64 MiB above the
 * RSS measured at half (warm-up: tsx, the bundle, the worker threads with their engines and
 * tables, and their heaps growing to their working size), with the main thread's old space capped
 * at HEAP_MIB so that a leak ends the run instead of being absorbed by a larger heap. The warm-up
 * is long: with two worker threads RSS rose for about the first 4 million flows, then held at
 * 322-338 MiB to 12 million (2026-11-30), so a run of 3 million with its baseline at 20% measured
 * the warm-up, not a leak. Since workers get the image instead of the bundle and a 32-MiB young
 * generation: 272 MiB at half, +2.5 MiB after (loaded machine). `--jobs 2` now means this thread
 * and one worker (src/replay/parallel.ts), about 70 MiB less.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportJSON } from '../src/replay/summary.js';
import { HAS_PROC, MIB, rssAfter, streamInto } from './rss-sampler.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'netpol-edge.js');
const BUNDLE = 'test/fixtures/flowlogs/cluster.yaml';

const FLOWS = 8_000_000;
const SLACK = 64 * MIB;
/** A leak runs out of this old space (and fails the exit-code check); without a cap V8 may grow the heap
 * lazily to twice the live data, a step in RSS that measures the collector's mood, not replay. */
const HEAP_MIB = 64;

/**
 * One cycle of rows over the pods and addresses of cluster.yaml, each with what the bundle says
 * (see the bundle's header and cli/replay.test.ts for why).
 */
const CYCLE: readonly { row: string; verdict: 'allowed' | 'denied' | 'not-applicable'; change?: 'break' | 'open' }[] = [
  { row: 'prod/frontend,prod/backend,TCP,8080,allowed', verdict: 'allowed' },
  // frontend -> payments by pod IP: payments now admits the frontend.
  { row: '10.244.1.17,10.244.2.58,TCP,9090,denied', verdict: 'allowed', change: 'open' },
  // frontend -> the billing ledger: frontend egress allows public 443 only.
  { row: 'prod/frontend,10.0.2.45,TCP,443,allowed', verdict: 'denied', change: 'break' },
  { row: '198.51.100.23,10.244.1.17,TCP,8443,denied', verdict: 'allowed', change: 'open' },
  { row: '"staging:app=job-runner,team=data",prod/backend,TCP,8080,allowed', verdict: 'allowed' },
  { row: '10.0.1.23,10.0.2.45,TCP,8080,allowed', verdict: 'allowed' },
  { row: '10.0.12.34,52.95.128.179,TCP,443,allowed', verdict: 'allowed' },
  { row: 'prod/frontend,kube-system/coredns,UDP,53,allowed', verdict: 'allowed' },
  { row: '10.0.12.34,10.0.40.2,UDP,514,denied', verdict: 'denied' },
  { row: '10.244.1.17,10.244.2.31,ICMP,,allowed', verdict: 'not-applicable' },
];

describe('netpol-edge replay memory', () => {
  it.skipIf(!HAS_PROC)(`keeps a flat RSS over ${FLOWS.toLocaleString('en')} CSV flows on stdin`, async () => {
    const args = [`--max-old-space-size=${HEAP_MIB}`, BIN, 'replay', '--bundle', BUNDLE, '--summary', 'json', '-'];
    const run = await streamInto(args, ROOT, 'src,dst,protocol,port,verdict', FLOWS, (i) => CYCLE[i % CYCLE.length]!.row);
    expect(run.stderr).toBe('');
    // What the bundle says of each row, times the number of cycles.
    const cycles = FLOWS / CYCLE.length;
    const count = (test: (row: (typeof CYCLE)[number]) => boolean): number => CYCLE.filter(test).length * cycles;
    const report = JSON.parse(run.stdout) as ReportJSON;
    expect(report.totals).toEqual({
      records: FLOWS,
      judged: count((r) => r.verdict !== 'not-applicable'),
      allowed: count((r) => r.verdict === 'allowed'),
      denied: count((r) => r.verdict === 'denied'),
      replies: 0,
      notApplicable: count((r) => r.verdict === 'not-applicable'),
      unresolved: 0,
      malformed: 0,
    });
    expect(report.totals).toMatchObject({ judged: 7_200_000, allowed: 5_600_000, denied: 1_600_000, notApplicable: 800_000 });
    expect(report.wouldBreak.total).toBe(count((r) => r.change === 'break'));
    expect(report.wouldOpen.total).toBe(count((r) => r.change === 'open'));
    expect(run.code).toBe(3);

    // Flat after the warm-up: the first sample taken once half of the flows were written is the baseline.
    const { baseline, max, samples } = rssAfter(run, FLOWS, 0.5);
    expect(samples, 'enough samples after half').toBeGreaterThanOrEqual(5);
    const first = run.samples[0]?.rss ?? 0;
    const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
    console.log(
      `replay of ${FLOWS} CSV flows on stdin: ${run.seconds.toFixed(1)} s, ${Math.round(FLOWS / run.seconds)} flows/s; ` +
        `RSS first sample ${mib(first)} MiB, at half ${mib(baseline)} MiB, max after it ${mib(max)} MiB ` +
        `(+${mib(max - baseline)} MiB), ${run.samples.length} samples`,
    );
    expect(max - baseline).toBeLessThanOrEqual(SLACK);
  }, 300_000);
});
