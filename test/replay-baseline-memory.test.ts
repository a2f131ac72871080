/**
 * `netpol-edge replay --baseline`, streaming: 2 million CSV flows piped into its stdin, generated on
 * the fly, each decided by the staged bundle and the current one, while the child's RSS is sampled
 * (test/rss-sampler.ts). One row in eight comes from an address never seen before and opens a new
 * group in two lists (would open, baseline disagrees with the log), so both lists reach their bound
 * of MAX_CHANGE_GROUPS (100,000) groups at 40% of the run. From 50% of the run to the last line
 * written, RSS must stay flat: at most SLACK above the RSS at 50%, with the old space capped at
 * HEAP_MIB so that a leak ends the run instead of being absorbed by a larger heap. Rule counters
 * are bounded by the bundle's rules here (MAX_COUNTED_RULES matters only for remote verdicts).
 * One thread (--jobs 1): this holds the report's own bounds; test/replay-memory.test.ts covers the
 * worker threads, whose heaps add their own (two workers: 272 MiB at half of its 8M flows and
 * +2.5 MiB after, against 338 MiB before workers got the image instead of the bundle and a 32-MiB
 * young generation instead of 64; a loaded 2-core machine, 2026-11-30).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CHANGE_GROUPS } from '../src/replay/change-groups.js';
import type { BaselineReportJSON } from '../src/replay/baseline-summary.js';
import { HAS_PROC, MIB, rssAfter, streamInto } from './rss-sampler.js';

const ROOT = join(import.meta.dirname, '..');
const LOGS = 'test/fixtures/flowlogs';
const FLOWS = 2_000_000;
const SLACK = 64 * MIB;
/**
 * Two lists of 100,000 groups live beside the engines: the live heap peaks at about 185 MB while
 * streaming and 232 MB while the report is written (--trace-gc, 2026-12-01), so the cap leaves about
 * 90 MB for garbage the incremental marker has not reached on a loaded machine, and no more. The
 * report used to be one 64 MB string (and its copy with the line feed): that pushed a loaded CI
 * run over this cap at its end; it is now written in pieces (src/format/json-pieces.ts).
 */
const HEAP_MIB = 320;
/** Flat from here: the bounds are reached at 40%. */
const FLAT_FROM = 0.5;

/** One cycle of rows (see test/fixtures/flowlogs/staged-change.yaml): row 0's source is new each cycle. */
const CYCLE = (cycle: number): string[] => [
  // A VPC address never seen before -> payments: opens (payments-from-vpc), and the log says allowed where the baseline denies.
  `10.${128 + (cycle >> 16)}.${(cycle >> 8) & 255}.${cycle & 255},prod/payments,TCP,9090,allowed`,
  'prod/frontend,prod/backend,TCP,8080,allowed', // breaks: http-freeze
  '10.0.1.23,10.0.2.45,TCP,8080,allowed', // breaks: the gateway -> the ledger, http-freeze
  'prod/frontend,kube-system/coredns,UDP,53,allowed',
  '10.0.12.34,52.95.128.179,TCP,443,allowed',
  '"staging:app=job-runner,team=data",telecom/amf-0,SCTP,38412,denied', // opens: ran-from-data
  '10.0.12.34,10.0.40.2,UDP,514,denied',
  '10.244.1.17,10.244.2.31,ICMP,,allowed', // not a flow a policy judges
];
const ROWS = CYCLE(0).length;

describe('netpol-edge replay --baseline memory', () => {
  it.skipIf(!HAS_PROC)(`keeps a flat RSS over ${FLOWS.toLocaleString('en')} CSV flows decided twice, past the group bounds`, async () => {
    const args = [`--max-old-space-size=${HEAP_MIB}`, join(ROOT, 'bin/netpol-edge.js'), 'replay', '-q', '--jobs', '1', '--summary', 'json',
      '--bundle', `${LOGS}/cluster.yaml`, '--bundle', `${LOGS}/staged-change.yaml`, '--baseline', `${LOGS}/cluster.yaml`, '-'];
    const run = await streamInto(args, ROOT, 'src,dst,protocol,port,verdict', FLOWS, (i) => CYCLE(Math.floor(i / ROWS))[i % ROWS]!);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3);

    const cycles = FLOWS / ROWS;
    const report = JSON.parse(run.stdout) as BaselineReportJSON;
    expect(report.totals).toMatchObject({ records: FLOWS, flows: 7 * cycles, judged: 7 * cycles, allowed: 4 * cycles, denied: 3 * cycles, notApplicable: cycles });
    expect(report.changes.break.flows).toBe(2 * cycles);
    expect(report.changes.break.groups).toHaveLength(2);
    expect(report.changes.open.flows).toBe(2 * cycles);
    expect(report.baselineDisagreesWithLog?.flows).toBe(cycles);
    for (const list of [report.changes.open, report.baselineDisagreesWithLog!]) {
      expect(list.groups).toHaveLength(MAX_CHANGE_GROUPS);
      // Flows of groups past the bound are counted, not lost.
      expect(list.groups.reduce((sum, g) => sum + g.flows, 0) + list.otherFlows).toBe(list.flows);
    }
    expect(report.bounds.reached).toEqual(expect.arrayContaining(['would-open groups']));
    expect(report.rules.length + (report.unusedRules?.length ?? 0)).toBeLessThanOrEqual(30);

    // Flat while the lines go in, from FLAT_FROM on (the report written at the end is bounded by the group bounds, not the log).
    const streaming = { ...run, samples: run.samples.filter((s) => s.written < FLOWS) };
    const { baseline, max, samples } = rssAfter(streaming, FLOWS, FLAT_FROM);
    expect(samples, `samples after ${FLAT_FROM * 100}% of the run`).toBeGreaterThanOrEqual(5);
    const peak = Math.max(...run.samples.map((s) => s.rss));
    const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
    console.log(
      `baseline replay of ${FLOWS} CSV flows on stdin: ${run.seconds.toFixed(1)} s, ${Math.round(FLOWS / run.seconds)} flows/s; ` +
        `RSS at ${FLAT_FROM * 100}% ${mib(baseline)} MiB, max after it while streaming ${mib(max)} MiB (+${mib(max - baseline)} MiB), ` +
        `peak with the report ${mib(peak)} MiB, ${run.samples.length} samples`,
    );
    expect(max - baseline).toBeLessThanOrEqual(SLACK);
  }, 600_000);
});
