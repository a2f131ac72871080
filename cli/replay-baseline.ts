/**
 * @module `netpol-edge replay --baseline`: a staged change against the bundle the cluster runs.
 * Each side is local manifests or a stored version on a running service; `--baseline-version`
 * makes the service answer both in one request (`decide/batch?compare=VERSION`).
 */
import type { ParseArgsConfig } from 'node:util';
import { sideBySide, replayAgainstBaseline, type ComparingDecider } from '../src/replay/baseline.js';
import { BaselineSummary, type RuleReport } from '../src/replay/baseline-summary.js';
import type { FlowLogFormat } from '../src/replay/index.js';
import type { Engine } from '../src/engine/engine.js';
import { RemoteEngine } from '../src/engine/remote-engine.js';
import { ruleListOf, type RuleList } from '../src/format/rule-list.js';
import type { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { RuleHits } from '../src/replay/rule-hits.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ParallelReplay } from '../src/replay/parallel.js';
import { prepareSetup, type PartReplaySetup } from '../src/replay/part-replay.js';
import { engineOf, loadBundle, type BundleArgs } from './bundle-args.js';
import { localEngine } from './engines.js';
import { remoteRuleList } from './remote-rules.js';
import { writeJsonLine } from './text-output.js';
import { localDirectory, noteJobsUnused, outWriter, replayEach } from './replay-io.js';
import { EXIT, UsageError } from './usage.js';

export const BASELINE_OPTIONS = {
  baseline: { type: 'string', multiple: true },
  'baseline-url': { type: 'string' },
  'baseline-token': { type: 'string' },
  'baseline-version': { type: 'string' },
  rules: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const BASELINE_HELP = `Staged change (the bundle above is the NEW one; each flow is decided by both):
  --baseline MANIFEST     the current bundle, locally (repeat for several)
  --baseline-url URL      or a stored bundle on a running service (--baseline-token T, else --token)
  --baseline-version V    or version V of the --url bundle, answered in the same request
                          (POST .../decide/batch?compare=V)
  With a baseline the report lists what WOULD BREAK (baseline allows, new denies) and what would
  open, by source -> destination : protocol/port with what decided on each side; where the log
  records verdicts, where the baseline disagrees with it; and the new bundle's rule hits, unused
  and shadowed rules. --out gets both verdicts per flow.`;

export interface BaselineValues extends BundleArgs {
  readonly bundle?: string[];
  readonly url?: string;
  readonly token?: string;
  readonly out?: string;
  readonly quiet?: boolean;
  readonly baseline?: string[];
  readonly 'baseline-url'?: string;
  readonly 'baseline-token'?: string;
  readonly 'baseline-version'?: string;
  readonly jobs?: string;
}

export interface CommonReplayArgs {
  readonly format?: FlowLogFormat;
  readonly json: boolean;
  readonly top: number;
  readonly concurrency: number;
  /** Worker threads for a local replay (both bundles local). */
  readonly jobs: number;
}

export function hasBaseline(values: BaselineValues): boolean {
  return values.baseline !== undefined || values['baseline-url'] !== undefined || values['baseline-version'] !== undefined;
}

/**
 * One side of the comparison: how it decides, and when it is local what the run needs of its
 * bundle (who its pods are, its rule list), else the service. The bundle itself is not kept: a
 * long replay's resident memory would carry its objects, garbage once these are built.
 */
interface Side {
  readonly engine: Engine;
  readonly directory?: EndpointDirectory;
  readonly list?: RuleList;
  readonly remote?: RemoteEngine;
}

/** A local side; the rule list only for the new bundle, whose rule hits are reported. */
async function localSide(paths: readonly string[], values: BaselineValues, withRules: boolean): Promise<Side> {
  const bundle = await loadBundle(paths, values, values.quiet);
  const engine = localEngine(engineOf(values), bundle);
  return { engine, directory: localDirectory(engine, bundle), list: withRules ? ruleListOf(bundle) : undefined };
}

function remoteSide(url: string, token: string | undefined): Side {
  const remote = new RemoteEngine({ url, token });
  return { engine: remote, remote };
}

/** Both sides, checked: exactly one baseline source, and --baseline-version only with --url. */
async function comparison(values: BaselineValues): Promise<{ decider: ComparingDecider; next: Omit<Side, 'engine'>; baseline?: Side; remote: boolean }> {
  const sources = [values.baseline, values['baseline-url'], values['baseline-version']].filter((v) => v !== undefined);
  if (sources.length > 1) throw new UsageError('give one of --baseline, --baseline-url and --baseline-version');
  const version = values['baseline-version'];
  if (version !== undefined) {
    if (values.url === undefined) throw new UsageError('--baseline-version V compares with a stored version: it needs --url');
    const remote = new RemoteEngine({ url: values.url, token: values.token });
    return { decider: { decideBoth: (flows) => remote.decideAgainst(version, flows) }, next: { remote }, remote: true };
  }
  const next = values.url !== undefined ? remoteSide(values.url, values.token) : await localSide(values.bundle!, values, true);
  const baseline =
    values.baseline !== undefined
      ? await localSide(values.baseline, values, false)
      : remoteSide(values['baseline-url']!, values['baseline-token'] ?? values.token);
  const remote = values.url !== undefined || values['baseline-url'] !== undefined;
  return { decider: sideBySide(next.engine, baseline.engine), next, baseline, remote };
}

/**
 * The rule part of a report: unused and shadowed rules need the bundle's rule list, from its
 * manifests or from the service that decided the flows (GET .../rules for that version).
 */
export async function ruleReportOf(rules: RuleHits, side: Pick<Side, 'list' | 'remote'>): Promise<RuleReport> {
  const list = side.list ?? (side.remote ? await remoteRuleList(side.remote) : undefined);
  return {
    rules: rules.toJSON(),
    unusedRules: list ? rules.unusedAmong(list.rules) : null,
    shadowedRules: list ? list.shadowedRules : null,
    otherRuleFlows: rules.otherFlows,
  };
}

export async function runBaselineReplay(values: BaselineValues, logs: readonly string[], common: CommonReplayArgs): Promise<number> {
  const bothLocal = values.bundle !== undefined && values.baseline !== undefined && values['baseline-url'] === undefined && values['baseline-version'] === undefined;
  if (common.jobs > 1 && bothLocal) return runParallel(values, logs, common);
  const { decider, next, baseline, remote } = await comparison(values);
  noteJobsUnused(remote && values.jobs !== undefined && common.jobs > 1, values.quiet);
  // Endpoints resolve by the new bundle's pods when it is local, else by the baseline's.
  const directory = next.directory ?? baseline?.directory;
  const out = await outWriter(values.out);
  const summary = new BaselineSummary();
  const rules = new RuleHits();
  await replayEach(
    logs,
    (input, onProgress) =>
      replayAgainstBaseline([input], {
        decider,
        summary,
        rules,
        directory,
        format: common.format,
        concurrency: remote ? common.concurrency : 1,
        out: out.write,
        onProgress,
      }),
    out.close,
  );
  return report(summary, rules, next, common);
}

/** Both bundles local, on `common.jobs` worker threads: the same report (parallel.ts). */
async function runParallel(values: BaselineValues, logs: readonly string[], common: CommonReplayArgs): Promise<number> {
  const { setup, list } = await parallelSetup(values);
  const out = await outWriter(values.out);
  const summary = new BaselineSummary();
  const rules = new RuleHits();
  const parallel = new ParallelReplay({ jobs: common.jobs, setup, format: common.format });
  const sinks = { baseline: summary, rules, out: out.write };
  await replayEach(logs, (input, onProgress) => parallel.replay(input, sinks, onProgress), async () => {
    await parallel.close();
    await out.close();
  });
  return report(summary, rules, { list }, common);
}

/**
 * The workers' setup (their images, or for the reference engine the bundles themselves) and the
 * new bundle's rule list: a function of its own so that neither bundle outlives it, as an async
 * function's locals would live as long as the whole replay.
 */
async function parallelSetup(values: BaselineValues): Promise<{ setup: PartReplaySetup; list: RuleList }> {
  const next = await loadBundle(values.bundle!, values, values.quiet);
  const baseline = await loadBundle(values.baseline!, values, values.quiet);
  const engine = engineOf(values);
  const core = engine === 'wasm' ? loadCoreModule() : undefined;
  return { setup: prepareSetup({ engine, core, bundle: next, baseline, rules: true, out: values.out !== undefined }), list: ruleListOf(next) };
}

async function report(summary: BaselineSummary, rules: RuleHits, next: Omit<Side, 'engine'>, common: CommonReplayArgs): Promise<number> {
  const ruleReport = await ruleReportOf(rules, next);
  if (common.json) await writeJsonLine(summary.toJSON(ruleReport), process.stdout);
  else process.stdout.write(`${summary.toText(ruleReport, common.top)}\n`);
  return summary.breakFlows > 0 ? EXIT_WOULD_BREAK : EXIT.ok;
}

/** Something the baseline allows the new bundle would deny (as replay's own exit code 3). */
const EXIT_WOULD_BREAK = 3;
