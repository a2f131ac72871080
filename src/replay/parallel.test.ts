/**
 * replay --jobs gives the one-thread report byte for byte: every flow-log fixture, plain and gzip,
 * single and baseline replay, with rule hits and --out, with malformed lines, and with the bounds
 * reached on small configured bounds; cut into tiny parts so that every fixture spans many parts,
 * on real worker threads (2 and 3) and in this thread (the path small logs take), and on random
 * logs (fast-check) in this thread.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../compile/compile.js';
import { createEngine } from '../engine/create-engine.js';
import { loadCoreModule } from '../engine/node-core.js';
import type { WasmEngine } from '../engine/wasm-engine.js';
import { ingestSources } from '../ingest/bundle.js';
import type { Bundle } from '../model/bundle.js';
import { replayAgainstBaseline, sideBySide } from './baseline.js';
import { BaselineSummary } from './baseline-summary.js';
import { ParallelReplay } from './parallel.js';
import { prepareSetup, type PartReplaySetup } from './part-replay.js';
import { EndpointDirectory } from './endpoint-directory.js';
import { replay } from './replay.js';
import { bundleRules, RuleHits } from './rule-hits.js';
import { ReplaySummary } from './summary.js';
import { VerdictCache } from './verdict-cache.js';
import { chunked } from './test-support.js';

const FIXTURES = new URL('../../test/fixtures/flowlogs/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const bundleOf = (...names: string[]): Bundle => ingestSources(names.map((name) => ({ name, text: read(name) }))).bundle!;
const CLUSTER = bundleOf('cluster.yaml');
const STAGED = bundleOf('cluster.yaml', 'staged-change.yaml');
const LOGS = readdirSync(FIXTURES).filter((name) => !name.endsWith('.yaml'));
const core = loadCoreModule();

/** Bounds small enough that the fixtures reach them (the report says so, and must say the same). */
interface Bounds {
  readonly groups: number;
  readonly rules: number;
}
const UNBOUNDED: Bounds = { groups: 100_000, rules: 100_000 };
const SMALL: Bounds = { groups: 2, rules: 3 };

interface Report {
  readonly text: string;
  readonly json: string;
  readonly out: string;
}

const outSink = (lines: string[]) => (text: string): void => void lines.push(`${text}\n`);

/**
 * The one-thread replay, as the CLI does it with --jobs 1; `summaryOnly`: a single replay with no
 * --rules and no --out, whose repeated flows are counted per service (service-tally.ts).
 */
async function oneThread(logs: readonly [string, Uint8Array][], bounds: Bounds, baseline?: Bundle, summaryOnly = false): Promise<Report> {
  const out: string[] = [];
  const rules = new RuleHits(bounds.rules);
  const directory = new EndpointDirectory(baseline ? STAGED : CLUSTER);
  if (baseline) {
    const summary = new BaselineSummary(bounds.groups);
    const next = createEngine({ kind: 'wasm', core, bundle: STAGED });
    const decider = sideBySide(next, createEngine({ kind: 'wasm', core, bundle: baseline }));
    for (const [name, bytes] of logs) await replayAgainstBaseline([{ name, bytes: chunked(bytes) }], { decider, summary, rules, directory, out: outSink(out) });
    return baselineReport(summary, rules, out);
  }
  const summary = new ReplaySummary(bounds.groups);
  const engine = new VerdictCache(createEngine({ kind: 'wasm', core, bundle: CLUSTER }));
  const lines = summaryOnly ? {} : { rules, out: outSink(out) };
  for (const [name, bytes] of logs) await replay([{ name, bytes: chunked(bytes) }], { engine, directory, summary, ...lines });
  return singleReport(summary, rules, out);
}

async function parallel(replayer: ParallelReplay, logs: readonly [string, Uint8Array][], bounds: Bounds, baseline: boolean, summaryOnly = false): Promise<Report> {
  const out: string[] = [];
  const rules = new RuleHits(bounds.rules);
  const summary = baseline ? new BaselineSummary(bounds.groups) : new ReplaySummary(bounds.groups);
  const lines = summaryOnly ? {} : { rules, out: outSink(out) };
  const sinks = summary instanceof BaselineSummary ? { baseline: summary, ...lines } : { summary, ...lines };
  for (const [name, bytes] of logs) await replayer.replay({ name, bytes: chunked(bytes) }, sinks);
  return summary instanceof BaselineSummary ? baselineReport(summary, rules, out) : singleReport(summary, rules, out);
}

function singleReport(summary: ReplaySummary, rules: RuleHits, out: string[]): Report {
  return { text: summary.toText(3), json: JSON.stringify({ ...summary.toJSON(), rules: rules.toJSON(), other: rules.otherFlows }), out: out.join('') };
}

function baselineReport(summary: BaselineSummary, rules: RuleHits, out: string[]): Report {
  const ruleReport = { rules: rules.toJSON(), unusedRules: rules.unusedAmong(bundleRules(STAGED)), shadowedRules: [], otherRuleFlows: rules.otherFlows };
  return { text: summary.toText(ruleReport, 3), json: JSON.stringify(summary.toJSON(ruleReport)), out: out.join('') };
}

const plain = (name: string): [string, Uint8Array] => [name, new TextEncoder().encode(read(name))];
const gzipped = (name: string): [string, Uint8Array] => [`${name}.gz`, gzipSync(read(name))];

/** `foldGroups`: how many groups a thread folds before it sends their counts (see part-replay.ts); `summaryOnly`: no rule hits, no --out. */
function setupFor(baseline: boolean, foldGroups?: number, summaryOnly = false): PartReplaySetup {
  const lines = !summaryOnly;
  const setup = baseline
    ? prepareSetup({ engine: 'wasm', core, bundle: STAGED, baseline: CLUSTER, rules: lines, out: lines })
    : prepareSetup({ engine: 'wasm', core, bundle: CLUSTER, rules: lines, out: lines });
  return { ...setup, foldGroups };
}

const pools: ParallelReplay[] = [];
afterAll(async () => {
  for (const pool of pools) await pool.close();
});

function workers(jobs: number, baseline: boolean, partBytes: number, foldGroups?: number): ParallelReplay {
  const pool = new ParallelReplay({ jobs, setup: setupFor(baseline, foldGroups), partBytes, parallelFromBytes: 0, workersOnly: true });
  pools.push(pool);
  return pool;
}

describe('replay --jobs: the one-thread report, byte for byte', () => {
  for (const baseline of [false, true]) {
    const kind = baseline ? 'baseline replay' : 'single replay';
    for (const jobs of [2, 3]) {
      it(`${kind} on ${jobs - 1} worker thread(s), none in this thread: every fixture, plain and gzip, each log alone and all in one run`, async () => {
        // Parts of about 200 bytes: each fixture spans several, some lines straddle the mark. With
        // two workers, each sends its folded counts whenever it holds more than two groups.
        const replayer = workers(jobs, baseline, 200 + jobs, jobs === 3 ? 2 : undefined);
        for (const bounds of [UNBOUNDED, SMALL]) {
          for (const name of LOGS) {
            for (const log of [plain(name), gzipped(name)]) {
              const expected = await oneThread([log], bounds, baseline ? CLUSTER : undefined);
              expect(await parallel(replayer, [log], bounds, baseline), `${log[0]}`).toEqual(expected);
            }
          }
          const all = LOGS.map(plain);
          const expected = await oneThread(all, bounds, baseline ? CLUSTER : undefined);
          expect(expected.text, 'the small bounds are reached').toMatch(bounds === SMALL && baseline ? /bounds reached/ : /records/);
          expect(await parallel(replayer, all, bounds, baseline)).toEqual(expected);
        }
      }, 120_000);
    }
  }

  it('reads concatenated logs (a later VPC header, a repeated CSV header), blank lines first and over-long lines alike', async () => {
    const replayer = workers(2, false, 300);
    const long = `${'x'.repeat(300 * 1024)}\n`;
    const headerless = read('vpc-default-v2.txt').split('\n').slice(1).join('\n');
    const texts: Record<string, string> = {
      'vpc-concatenated.txt': `${headerless}${read('vpc-custom-v5.txt')}${long}${read('vpc-default-v2.txt')}${headerless}`,
      'csv-concatenated.csv': `\n\n  \n${read('flows.csv')}${long}${read('csv-malformed.csv')}${read('flows.csv')}`,
      'hubble-long.jsonl': `${read('hubble-observe.jsonl')}${long}${long}${read('hubble-malformed.jsonl')}`,
    };
    for (const [name, text] of Object.entries(texts)) {
      const log: [string, Uint8Array] = [name, new TextEncoder().encode(text)];
      const expected = await oneThread([log], UNBOUNDED);
      expect(expected.json, `${name} has an over-long line`).toMatch(/longer than/);
      expect(await parallel(replayer, [log], UNBOUNDED, false), name).toEqual(expected);
    }
  });

  it('replays parts in this thread while the workers start, then on them, with the same report', async () => {
    const replayer = new ParallelReplay({ jobs: 2, setup: setupFor(false), partBytes: 400, parallelFromBytes: 0 });
    pools.push(replayer);
    const rows = read('csv-malformed.csv').split('\n').slice(1).join('\n');
    const log: [string, Uint8Array] = ['long.csv', new TextEncoder().encode(read('csv-malformed.csv') + rows.repeat(1500))];
    expect(await parallel(replayer, [log], SMALL, false)).toEqual(await oneThread([log], SMALL));
  }, 120_000);

  it('shares the parts between this thread and its worker once it is up, with the same report', async () => {
    for (const baseline of [false, true]) {
      const replayer = new ParallelReplay({ jobs: 2, setup: setupFor(baseline), partBytes: 300, parallelFromBytes: 0 });
      pools.push(replayer);
      await replayer.start();
      const rows = read('flows.csv').split('\n').slice(1).join('\n');
      const log: [string, Uint8Array] = ['shared.csv', new TextEncoder().encode(read('flows.csv') + rows.repeat(200))];
      for (const bounds of [UNBOUNDED, SMALL]) {
        expect(await parallel(replayer, [log], bounds, baseline)).toEqual(await oneThread([log], bounds, baseline ? CLUSTER : undefined));
      }
      expect(replayer.parts.here, 'parts replayed in this thread').toBeGreaterThan(0);
      expect(replayer.parts.onWorkers, 'parts replayed on the worker').toBeGreaterThan(0);
    }
  }, 120_000);

  it('replays every part in this thread with --jobs 1, starting no worker', async () => {
    const replayer = new ParallelReplay({ jobs: 1, setup: setupFor(false), partBytes: 150, parallelFromBytes: 0 });
    pools.push(replayer);
    const logs = LOGS.map(plain);
    expect(await parallel(replayer, logs, SMALL, false)).toEqual(await oneThread(logs, SMALL));
    expect(replayer.parts.onWorkers).toBe(0);
    expect(replayer.parts.here).toBeGreaterThan(LOGS.length);
  });

  it('replays a log under parallelFromBytes in this thread, with the same report', async () => {
    const replayer = new ParallelReplay({ jobs: 2, setup: setupFor(false), partBytes: 150, parallelFromBytes: Infinity });
    pools.push(replayer);
    const logs = LOGS.map(plain);
    expect(await parallel(replayer, logs, SMALL, false)).toEqual(await oneThread(logs, SMALL));
  });

  it('throws the first format error in input order, as the one-thread replay does', async () => {
    const replayer = workers(2, false, 64);
    const csv = new TextEncoder().encode(`{"not":"a header"}\nsrc,dst,port\n${'a/b,c/d,80\n'.repeat(20)}`);
    const one = oneThread([['bad.csv', csv]], UNBOUNDED).catch((error: Error) => error.message);
    const both = parallel(replayer, [['bad.csv', csv]], UNBOUNDED, false).catch((error: Error) => error.message);
    expect(await both).toBe(await one);
    expect(await both).toMatch(/line 1 is not a header/);
  });
});

describe('replay --jobs on random logs (in this thread, any part size)', () => {
  const rows = [
    'prod/frontend,prod/backend,8080,TCP,allowed',
    'prod/frontend,10.0.2.45,443,tcp,ACCEPT',
    '198.51.100.23,prod/frontend,8443,TCP,denied',
    'prod/backend,prod/db,5432,TCP,allowed',
    'prod/db,prod/frontend,80,TCP,denied',
    'prod/nope,prod/frontend,80,TCP,',
    'a,b',
    '',
    'src,dst,port,protocol,verdict',
    '10.9.9.9,prod/backend,8080,UDP,REJECT',
    'prod/frontend,kube-system/coredns,53,UDP,FORWARDED',
    'x'.repeat(300),
  ];
  it('gives the one-thread report for every log, part size, bound and fold bound, with rule hits and --out or the summary alone', async () => {
    const foldBounds = [undefined, 1, 3];
    // Summary alone: repeated flows are counted per service, a tally each thread keeps from part to part of its fold.
    const setups = new Map(foldBounds.flatMap((foldGroups) => [false, true].map((summaryOnly) => [`${foldGroups}/${summaryOnly}`, setupFor(false, foldGroups, summaryOnly)] as const)));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: rows.length - 1 }), { maxLength: 60 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(UNBOUNDED, SMALL, { groups: 1, rules: 1 }),
        fc.boolean(),
        fc.constantFrom(...foldBounds),
        fc.boolean(),
        async (logPicks, partBytes, bounds, crlf, foldGroups, summaryOnly) => {
          const setup = setups.get(`${foldGroups}/${summaryOnly}`)!;
          const eol = crlf ? '\r\n' : '\n';
          const logs = logPicks.map((picks, i): [string, Uint8Array] => [`random${i}.csv`, new TextEncoder().encode(`src,dst,port,protocol,verdict${eol}${picks.map((p) => rows[p]).join(eol)}${eol}`)]);
          const replayer = new ParallelReplay({ jobs: 2, setup, partBytes, parallelFromBytes: Infinity });
          const expected = await oneThread(logs, bounds, undefined, summaryOnly).catch((error: Error) => error.message);
          expect(await parallel(replayer, logs, bounds, false, summaryOnly).catch((error: Error) => error.message)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

// The setup's image is what the main thread compiled: the workers never compile, nor get the bundle.
it('prepares one image per bundle for every worker, and the owned addresses instead of the bundle', () => {
  const setup = setupFor(true);
  expect(setup.next).toEqual({ image: compileBundle(STAGED).image });
  expect(setup.baseline).toEqual({ image: compileBundle(CLUSTER).image });
  expect(setup.ownedIPs).toEqual(new EndpointDirectory(STAGED).ownedIPs());
  const reference = prepareSetup({ engine: 'reference', bundle: CLUSTER, rules: false, out: false });
  expect(reference.next).toEqual({ bundle: CLUSTER });
});

// A worker's directory, built from the engine's resolver and the owned addresses, knows what the bundle's knows.
it('builds a directory from its parts that answers as the bundle\'s', () => {
  const engine = createEngine({ kind: 'wasm', core, bundle: STAGED }) as WasmEngine;
  const whole = new EndpointDirectory(STAGED);
  const parts = new EndpointDirectory({ resolver: engine.resolver, ownedIPs: whole.ownedIPs() });
  const refs = STAGED.pods.flatMap((pod) => [pod.ref, `${pod.namespace}/${pod.name}`, `${pod.namespace}/nope`]);
  const ips = [...STAGED.pods.flatMap((pod) => pod.ips), '10.0.2.45', '198.51.100.23', '::1'];
  expect(refs.map((ref) => parts.knowsRef(ref))).toEqual(refs.map((ref) => whole.knowsRef(ref)));
  expect(ips.map((ip) => parts.ownsIP(ip))).toEqual(ips.map((ip) => whole.ownsIP(ip)));
  expect(ips.filter((ip) => whole.ownsIP(ip)).length).toBeGreaterThan(0);
});
