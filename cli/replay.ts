/** @module `netpol-edge replay`: what would a bundle do to the traffic a cluster really carried? */
import { parseArgs } from 'node:util';
import { appendRules } from '../src/replay/baseline-summary.js';
import { FLOW_LOG_FORMATS, isFlowLogFormat, type FlowLogFormat } from '../src/replay/index.js';
import type { Engine } from '../src/engine/engine.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ruleListOf, type RuleList } from '../src/format/rule-list.js';
import { RemoteEngine } from '../src/engine/remote-engine.js';
import { ParallelReplay } from '../src/replay/parallel.js';
import { prepareSetup } from '../src/replay/part-replay.js';
import type { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { replay } from '../src/replay/replay.js';
import { RuleHits } from '../src/replay/rule-hits.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { BASELINE_HELP, BASELINE_OPTIONS, hasBaseline, ruleReportOf, runBaselineReplay } from './replay-baseline.js';
import { localDirectory, noteJobsUnused, outWriter, positiveInteger, replayEach } from './replay-io.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, engineOf, loadBundle, type BundleArgs } from './bundle-args.js';
import { localEngine } from './engines.js';
import { writeJsonLine } from './text-output.js';
import { EXIT, UsageError } from './usage.js';

/** Exit code when anything the log saw allowed would now be denied: CI pipelines gate on it. */
export const EXIT_WOULD_BREAK = 3;

export const REPLAY_HELP = `netpol-edge replay: replay flow logs against a bundle, and report what it would change.

Usage:
  netpol-edge replay --bundle MANIFEST [--bundle MANIFEST...] [options] LOG...
  netpol-edge replay --url http://HOST:8787/v1/bundles/NAME [--token T] [options] LOG...
  netpol-edge replay --bundle NEW... --baseline OLD... [options] LOG...     (a staged change)

LOG is a file (plain or gzip) or - for stdin, in one of these formats (detected, or --format):
  hubble   hubble observe -o json: one flow per line
  vpc      AWS VPC Flow Logs: the default version 2 format, or a custom one named by its header
  csv      a header with src, dst, protocol, port, and optionally verdict
  ndjson   the flow format of netpol-edge eval, optionally with "observed"

Replies are counted, not judged; protocols other than TCP, UDP and SCTP are not applicable. A
malformed line is reported with its line number and the replay goes on. Locally, an endpoint is
resolved by pod name, then by IP, then (a pod the bundle does not know) by its labels from the
log, else as an address outside the cluster. Remote mode sends names as they are; the service
refuses the ones its bundle does not know (counted as unresolved).

Options:
  --bundle MANIFEST       the bundle, locally (files, directories; repeat for several)
  --url URL, --token T    or a running service: its bundle URL, and a query token if it needs one
  --format F              one of ${FLOW_LOG_FORMATS.join(', ')}
  --out FILE              one NDJSON verdict per replayed flow, with its file and line
  --summary text|json     the report on stdout (default text)
  --top N                 groups listed per section (default 10)
  --concurrency N         batches in flight in remote mode (default 4)
  --jobs N                threads for a local replay, this one and N-1 workers (default 1: one
                          thread reads a log faster than two on a 2-core machine, see the README);
                          the report is the one --jobs 1 gives, byte for byte. Logs under 8 MiB
                          (after gunzip) are replayed in one thread. With --url the service
                          decides and --jobs is not used: --concurrency sets the load on it
  --rules                 add rule hits, unused and shadowed rules to the report
${BASELINE_HELP}
${BUNDLE_OPTIONS_HELP}

Exit code: 0 done, 3 something the log saw allowed would be denied (with a baseline: something
the baseline allows the new bundle would deny), 2 error.

Examples:
  netpol-edge replay --bundle examples/demo-cluster.yaml --bundle examples/article/5-ns1-from-ns3-tcp-80.yaml \\
    test/fixtures/flowlogs/flows.csv
  netpol-edge replay --url http://127.0.0.1:8787/v1/bundles/demo --summary json hubble.jsonl.gz
  netpol-edge replay --bundle test/fixtures/flowlogs/cluster.yaml --bundle test/fixtures/flowlogs/staged-change.yaml \\
    --baseline test/fixtures/flowlogs/cluster.yaml test/fixtures/flowlogs/hubble-observe.jsonl`;

export async function runReplay(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...BUNDLE_OPTIONS,
      bundle: { type: 'string', multiple: true },
      url: { type: 'string' },
      token: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      summary: { type: 'string' },
      top: { type: 'string' },
      concurrency: { type: 'string' },
      jobs: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      ...BASELINE_OPTIONS,
    },
  });
  if (values.help) {
    process.stdout.write(`${REPLAY_HELP}\n`);
    return EXIT.ok;
  }
  const format = values.format;
  if (format !== undefined && !isFlowLogFormat(format)) throw new UsageError(`--format ${format}: use one of ${FLOW_LOG_FORMATS.join(', ')}`);
  const summaryFormat = values.summary ?? 'text';
  if (summaryFormat !== 'text' && summaryFormat !== 'json') throw new UsageError('--summary takes text or json');
  const top = positiveInteger(values.top ?? '10', '--top');
  const concurrency = positiveInteger(values.concurrency ?? '4', '--concurrency');
  const jobs = values.jobs === undefined ? 1 : positiveInteger(values.jobs, '--jobs');
  if (positionals.length === 0) throw new UsageError('no flow log given: name files, or - for stdin');
  if ((values.bundle === undefined) === (values.url === undefined)) {
    throw new UsageError('give either --bundle MANIFEST (local) or --url URL (a running service)');
  }
  const common = { format: format as FlowLogFormat | undefined, json: summaryFormat === 'json', top, concurrency, jobs };
  if (hasBaseline(values)) return runBaselineReplay(values, positionals, common);

  const local = values.url === undefined ? await prepareLocal(values, jobs, { rules: values.rules === true, out: values.out !== undefined }) : undefined;
  // Kept for the rule list of the version that answered (GET .../rules).
  const remote = values.url === undefined ? undefined : new RemoteEngine({ url: values.url, token: values.token });
  const out = await outWriter(values.out);
  const summary = new ReplaySummary();
  const rules = values.rules ? new RuleHits() : undefined;
  if (local !== undefined && 'parallel' in local) {
    const { parallel } = local;
    const sinks = { summary, rules, out: out.write };
    await replayEach(positionals, (input, onProgress) => parallel.replay(input, sinks, onProgress), async () => {
      await parallel.close();
      await out.close();
    });
  } else {
    noteJobsUnused(values.url !== undefined && values.jobs !== undefined && jobs > 1, values.quiet);
    const engine = local?.engine ?? remote!;
    await replayEach(
      positionals,
      (input, onProgress) =>
        replay([input], {
          engine,
          directory: local?.directory,
          summary,
          rules,
          format: common.format,
          concurrency: values.url !== undefined ? concurrency : 1,
          out: out.write,
          onProgress,
        }),
      out.close,
    );
  }
  if (!rules) {
    if (common.json) await writeJsonLine(summary.toJSON(top), process.stdout);
    else process.stdout.write(`${summary.toText(top)}\n`);
  } else {
    // --rules adds the rule report after today's report, which stays as it is.
    const ruleReport = await ruleReportOf(rules, { list: local?.ruleList, remote });
    if (common.json) await writeJsonLine({ ...summary.toJSON(top), ...ruleReport }, process.stdout);
    else {
      const lines = [summary.toText(top)];
      appendRules(lines, ruleReport, top);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  }
  return summary.breaks > 0 ? EXIT_WOULD_BREAK : EXIT.ok;
}

/**
 * What a local replay keeps of its bundle: the engine and directory (one thread), or the workers'
 * setup (--jobs), and the rule list for --rules. The bundle itself is not kept: its objects are
 * garbage once these are built, which a long replay's resident memory would otherwise carry.
 */
type LocalReplay = { readonly ruleList?: RuleList } & (
  | { readonly parallel: ParallelReplay }
  | { readonly engine: Engine; readonly directory: EndpointDirectory }
);

interface LocalValues extends BundleArgs {
  readonly bundle?: readonly string[];
  readonly quiet?: boolean;
  readonly format?: string;
}

async function prepareLocal(values: LocalValues, jobs: number, keep: { readonly rules: boolean; readonly out: boolean }): Promise<LocalReplay> {
  const bundle = await loadBundle(values.bundle!, values, values.quiet);
  const ruleList = keep.rules ? ruleListOf(bundle) : undefined;
  const name = engineOf(values);
  if (jobs > 1) {
    const setup = prepareSetup({ engine: name, core: name === 'wasm' ? loadCoreModule() : undefined, bundle, rules: keep.rules, out: keep.out });
    return { ruleList, parallel: new ParallelReplay({ jobs, setup, format: values.format as FlowLogFormat | undefined }) };
  }
  // One bundle for the whole run: repeated conversations reuse their verdicts.
  const engine = new VerdictCache(localEngine(name, bundle));
  return { ruleList, engine, directory: localDirectory(engine, bundle) };
}
