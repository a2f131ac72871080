/**
 * @module `npm run bench`: generates the S, M and L clusters, ingests them, samples flows, runs
 * every row producer on each size, and prints the machine, then a markdown table of medians
 * (`--json`: one JSON array of rows on stdout and nothing else; use `npm run -s bench -- --json`
 * so that npm's own banner stays off stdout too).
 */
import os from 'node:os';
import { formatDiagnostic } from '../src/ingest/diagnostics.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import { flowsToNDJSON, generateCluster, isSizeName, sampleFlows, SIZE_NAMES, SIZES, type SizeName } from './generate.js';
import { referenceProducers } from './reference.js';
import { wasmProducers } from './wasm.js';
import { replayProducer } from './replay.js';
import { replayJobsProducer } from './replay-jobs.js';
import { tiersProducer } from './tiers.js';
import { cliStartProducer } from './cli-start.js';
import { connectivityProducer } from './connectivity.js';
import { markdownTable, type BenchContext, type Effort, type Row, type RowProducer } from './rows.js';
import { now, since } from './stats.js';

/** Every engine's producers, run in this order for each size. Add the WASM engine's list here. */
const PRODUCERS: readonly RowProducer[] = [...referenceProducers, ...wasmProducers, tiersProducer, replayProducer, replayJobsProducer, connectivityProducer, cliStartProducer];

/** Flows sampled per addressing: the NDJSON decoding set, and the pool decision rates draw from. */
const FLOWS_PER_KIND = 1_000;

/**
 * Samples and time budgets. Heavy measurements repeat a whole ingest (or compile): L gets three,
 * about half a minute; rates are bounded to a few seconds each whatever the size.
 */
const EFFORT: Readonly<Record<'full' | 'quick', Readonly<Record<SizeName, Effort>>>> = {
  full: {
    S: { heavy: { warmups: 3, samples: 15, budgetMs: 10_000 }, rate: { warmupMs: 300, targetMs: 200, samples: 7, budgetMs: 4_000 } },
    M: { heavy: { warmups: 1, samples: 7, budgetMs: 20_000 }, rate: { warmupMs: 300, targetMs: 200, samples: 7, budgetMs: 4_000 } },
    // The setup ingest has already warmed the code up.
    L: { heavy: { warmups: 0, samples: 3, budgetMs: 60_000 }, rate: { warmupMs: 500, targetMs: 300, samples: 5, budgetMs: 5_000 } },
  },
  quick: {
    S: { heavy: { warmups: 1, samples: 3, budgetMs: 2_000 }, rate: { warmupMs: 150, targetMs: 50, samples: 5, budgetMs: 1_000 } },
    M: { heavy: { warmups: 0, samples: 2, budgetMs: 5_000 }, rate: { warmupMs: 150, targetMs: 50, samples: 5, budgetMs: 1_000 } },
    L: { heavy: { warmups: 0, samples: 1, budgetMs: 20_000 }, rate: { warmupMs: 300, targetMs: 100, samples: 3, budgetMs: 2_000 } },
  },
};

const USAGE = `usage: npm run bench -- [--sizes S,M,L] [--quick] [--json] [--seed N]

  --sizes   which cluster sizes to run (default all): S ${describe('S')}, M ${describe('M')}, L ${describe('L')}
  --quick   fewer samples and shorter time budgets
  --json    print one JSON array of {size, metric, engine, value, unit} rows on stdout, nothing else
            (run as \`npm run -s bench -- --json\` to keep npm's banner off stdout)
  --seed    generator seed (default 1)`;

function describe(size: SizeName): string {
  return `(${SIZES[size].pods.toLocaleString('en-US')} pods, ${SIZES[size].policies.toLocaleString('en-US')} policies)`;
}

interface Args {
  readonly sizes: readonly SizeName[];
  readonly quick: boolean;
  readonly json: boolean;
  readonly seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  let sizes: SizeName[] = [...SIZE_NAMES];
  let quick = false;
  let json = false;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') quick = true;
    else if (flag === '--json') json = true;
    else if (flag === '--sizes') {
      const list = value().split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      const bad = list.filter((s) => !isSizeName(s));
      if (bad.length > 0 || list.length === 0) usageError(`--sizes: ${bad.join(',') || 'empty'}; use S, M, L`);
      // Always small to large, whatever the order given.
      sizes = SIZE_NAMES.filter((s) => list.includes(s));
    } else if (flag === '--seed') {
      seed = Number(value());
      if (!Number.isInteger(seed)) usageError('--seed needs an integer');
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown argument ${arg}`);
  }
  return { sizes, quick, json, seed };
}

function usageError(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** Progress goes to stderr: stdout carries only the report (or the JSON). */
function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function machine(): string[] {
  const cpus = os.cpus();
  return [
    `machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `node:    ${process.version} (${process.platform}/${process.arch})`,
    `date:    ${new Date().toISOString()}`,
  ];
}

/** Generation, the setup ingest and flow sampling: not measured, but logged with their time. */
function buildContext(size: SizeName, args: Args): BenchContext {
  const tag = `[${size}]`;
  let t = now();
  const cluster = generateCluster(size, args.seed);
  log(`${tag} generated ${cluster.objects.length.toLocaleString('en-US')} objects in ${ms(since(t))}`);
  t = now();
  const result = ingestObjects(cluster.objects);
  if (!result.bundle) throw new Error(`${tag} the generated cluster does not ingest:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  log(`${tag} setup ingest ${ms(since(t))}, heap ${heapMiB.toFixed(0)} MiB`);
  const bundle = result.bundle;
  const flows = {
    pod: sampleFlows(bundle, FLOWS_PER_KIND, 'pod', args.seed),
    ip: sampleFlows(bundle, FLOWS_PER_KIND, 'ip', args.seed),
  };
  const lines = (kind: 'pod' | 'ip'): string[] => flowsToNDJSON(flows[kind]).trimEnd().split('\n');
  return {
    size,
    quick: args.quick,
    seed: args.seed,
    effort: EFFORT[args.quick ? 'quick' : 'full'][size],
    cluster,
    bundle,
    flows,
    ndjson: { pod: lines('pod'), ip: lines('ip') },
    log: (message) => log(`${tag} ${message}`),
  };
}

function ms(ns: number): string {
  return ns >= 1e9 ? `${(ns / 1e9).toFixed(2)} s` : `${(ns / 1e6).toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const header = machine();
  if (args.json) header.forEach((line) => log(line));
  const rows: Row[] = [];
  const started = now();
  for (const size of args.sizes) {
    const ctx = buildContext(size, args);
    const sizeRows: Row[] = [];
    for (const producer of PRODUCERS) {
      const t = now();
      const produced = await producer.produce(ctx, sizeRows);
      sizeRows.push(...produced);
      ctx.log(`${producer.name}: ${produced.map((r) => `${r.metric} ${r.engine} ${r.value.toPrecision(3)} ${r.unit}`).join(', ')} (${ms(since(t))})`);
    }
    rows.push(...sizeRows);
  }
  log(`total ${ms(since(started))}`);

  if (args.json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const sizes = args.sizes.map((s) => `${s} ${describe(s)}`).join(', ');
  console.log(
    [
      '# netpol-edge benchmarks',
      '',
      ...header,
      `sizes:   ${sizes}; seed ${args.seed}${args.quick ? '; --quick' : ''}`,
      '',
      markdownTable(rows, args.sizes),
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
