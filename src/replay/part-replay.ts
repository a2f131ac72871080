/**
 * @module One part of a log replayed into a mergeable result (replay --jobs): what each worker
 * thread does, with engines of its own built from the setup the main thread prepared once (the
 * bundles, and their images compiled once). The same code replays small inputs in the main thread.
 * Parts are counted without bounds (a part is at most a few MiB of lines); the bounds apply when
 * the parts are merged, in input order, into the run's reports.
 */
import { compileBundle } from '../compile/compile.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import { EndpointResolver } from '../engine/endpoints.js';
import type { Bundle } from '../model/bundle.js';
import { replayAgainstBaseline, sideBySide } from './baseline.js';
import { BaselineSummary, type BaselineSummaryPart } from './baseline-summary.js';
import type { EndpointTables } from './flow-records.js';
import type { FlowLogFormat, LogPart } from './index.js';
import { linePieces } from './log-parts.js';
import { localWasmEngine } from './record-stream.js';
import { EndpointDirectory } from './endpoint-directory.js';
import { hubbleScannerModule, useHubbleScannerModule } from './hubble-wasm.js';
import { rowScannerModule, useRowScannerModule } from './rows-wasm.js';
import { replay, settleHeldCounts } from './replay.js';
import { ListedFlows } from './listed-flows.js';
import { RuleHits, type RuleHitsPart } from './rule-hits.js';
import { ReplaySummary, type ReplaySummaryPart, type SummaryCountsPart } from './summary.js';
import { ServiceTally } from './service-tally.js';
import { VerdictCache } from './verdict-cache.js';

/**
 * A bundle as a worker gets it: for the WASM engine only the image, compiled once by the main
 * thread (a worker neither clones nor keeps the bundle's objects); the reference engine reads the
 * bundle itself.
 */
export type BundleSetup = { readonly image: Uint8Array } | { readonly bundle: Bundle };

/** Everything a worker needs to replay parts: structured-cloneable, sent once per worker. */
export interface PartReplaySetup {
  readonly engine: 'wasm' | 'reference';
  /** The WASM core's module (wasm only). */
  readonly core?: WebAssembly.Module;
  /** The Hubble line scanner's module: a worker bundled away from the build folder cannot find its file. */
  readonly hubble: WebAssembly.Module;
  /** The CSV and VPC row reader's module (rows-wasm.ts), for the same reason. */
  readonly rows: WebAssembly.Module;
  /** The bundle replayed (the new one when there is a baseline). */
  readonly next: BundleSetup;
  /** The bundle the cluster runs, for a staged change (replay --baseline). */
  readonly baseline?: BundleSetup;
  /** The addresses exactly one of `next`'s pods owns (EndpointDirectory.ownedIPs), listed once. */
  readonly ownedIPs: readonly string[];
  /** Single replay: count rule hits (--rules). A baseline replay always counts them. */
  readonly rules: boolean;
  /** Keep the --out lines. */
  readonly out: boolean;
  /** Groups per list a thread's fold holds before it sends its counts (FOLD_GROUPS; tests set fewer). */
  readonly foldGroups?: number;
}

/**
 * Groups per list a thread folds before it sends their counts with the part that passed the bound
 * and starts over (as many as a report keeps): a bounded fold, whatever the log's number of groups.
 */
export const FOLD_GROUPS = 100_000;

export interface PartJob {
  /** Which log of the run the part is from (numbered by the main thread): a thread folds one log at a time. */
  readonly log: number;
  /** The log's name, as reports and --out name it. */
  readonly name: string;
  readonly format: FlowLogFormat;
  readonly part: LogPart;
  readonly bytes: Uint8Array;
}

export interface PartResult {
  /** Flow records read (judged or unresolved), for the progress bar. */
  readonly flows: number;
  /** Single replay: the fold's part (ReplaySummary.takeNew), its groups without their counts. */
  readonly summary?: ReplaySummaryPart;
  /** Single replay: the fold's counts, merged after `summary` (ReplaySummary.mergeCounts). */
  readonly counts?: SummaryCountsPart;
  readonly baseline?: BaselineSummaryPart;
  readonly rules?: RuleHitsPart;
  /** The part's --out lines, each ended by a newline. */
  readonly out?: string;
}

/** The setup for `bundle` (and `baseline`), each image compiled here, once for every worker. */
export function prepareSetup(options: {
  readonly engine: 'wasm' | 'reference';
  readonly core?: WebAssembly.Module;
  readonly bundle: Bundle;
  readonly baseline?: Bundle;
  readonly rules: boolean;
  readonly out: boolean;
}): PartReplaySetup {
  const side = (bundle: Bundle): BundleSetup => (options.engine === 'wasm' ? { image: compileBundle(bundle).image } : { bundle });
  if (options.engine === 'wasm' && options.core === undefined) throw new Error('a WASM replay setup needs the core module');
  return {
    engine: options.engine,
    core: options.core,
    hubble: hubbleScannerModule(),
    rows: rowScannerModule(),
    next: side(options.bundle),
    baseline: options.baseline === undefined ? undefined : side(options.baseline),
    ownedIPs: new EndpointDirectory(options.bundle).ownedIPs(),
    rules: options.rules,
    out: options.out,
  };
}

function engineOf(setup: PartReplaySetup, side: BundleSetup): Engine {
  if ('bundle' in side) return createEngine({ kind: 'reference', bundle: side.bundle });
  if (setup.core === undefined) throw new Error('a WASM replay setup needs the core');
  return createEngine({ kind: 'wasm', core: setup.core, image: side.image });
}

/** Who the new bundle knows: pods by the WASM engine's resolver (built from its image), or by the bundle's. */
function directoryOf(setup: PartReplaySetup, next: Engine): EndpointDirectory {
  const resolver = 'bundle' in setup.next ? new EndpointResolver(setup.next.bundle.pods) : localWasmEngine(next)?.resolver;
  if (resolver === undefined) throw new Error('replay bug: a WASM setup without a WASM engine');
  return new EndpointDirectory({ resolver, ownedIPs: setup.ownedIPs });
}

/** What a thread replays parts with (partReplayer). */
export interface PartReplayer {
  replay(job: PartJob): Promise<PartResult>;
  /**
   * Once every part of log `log` is replayed and merged: the counts this thread folded and did not
   * send yet (single replay), with the totals its parts held, to be merged last. The fold starts over.
   */
  finish(log: number): PartResult;
}

/**
 * Replays one part at a time with the setup's engines, as the CLI's one-thread replay does: the
 * single replay reuses verdicts (VerdictCache), the baseline replay decides each flow with both
 * bundles; endpoints resolve by the new bundle's pods. A single replay folds the parts of a log
 * this thread replays into one summary (ReplaySummary's fold): a group is listed, and its why
 * worked out, once per thread, not once per part; the counts of repeated flows are added to it
 * (replay's holdCounts) and its counts sent once per fold, not per part.
 */
export function partReplayer(setup: PartReplaySetup): PartReplayer {
  useHubbleScannerModule(setup.hubble);
  useRowScannerModule(setup.rows);
  const next = engineOf(setup, setup.next);
  const directory = directoryOf(setup, next);
  // Parts are replayed one at a time: each starts with the endpoints the earlier ones resolved.
  const endpointTables: EndpointTables = new Map();
  // The closures keep these, not the setup (its image and lists are garbage once the engines are built).
  const { rules: countRules, out: keepOut } = setup;
  const foldGroups = setup.foldGroups ?? FOLD_GROUPS;
  if (setup.baseline !== undefined) {
    const decider = sideBySide(next, engineOf(setup, setup.baseline));
    return {
      replay: async (job) => {
        const summary = new BaselineSummary(Infinity);
        const rules = new RuleHits(Infinity);
        const out = keepOut ? new OutText() : undefined;
        await replayAgainstBaseline([inputOf(job)], { decider, summary, rules, directory, endpointTables, format: job.format, out: out?.add });
        return { flows: summary.totals.flows, baseline: summary.toPart(), rules: rules.toPart(), out: out?.text() };
      },
      finish: () => ({ flows: 0 }),
    };
  }
  const engine = new VerdictCache(next);
  let fold: { readonly log: number; readonly summary: ReplaySummary; readonly listed: ListedFlows; readonly tally: ServiceTally } | undefined;
  const foldOf = (log: number): NonNullable<typeof fold> => {
    if (fold?.log !== log) {
      const summary = new ReplaySummary(Infinity, true);
      // The tally counts kinds whose groups this fold's summary lists: it starts over with the fold.
      fold = { log, summary, listed: new ListedFlows(summary), tally: new ServiceTally() };
    }
    return fold;
  };
  /** The fold's last part: what its parts held (replay's holdCounts) added, then its counts; the fold starts over. */
  const closeFold = (): { readonly summary: ReplaySummaryPart; readonly counts: SummaryCountsPart } => {
    const { summary, listed, tally } = fold!;
    fold = undefined;
    settleHeldCounts(tally, listed, summary);
    return { summary: summary.takeNew(), counts: summary.takeCounts() };
  };
  return {
    replay: async (job) => {
      const { summary, listed, tally } = foldOf(job.log);
      const rules = countRules ? new RuleHits(Infinity) : undefined;
      const out = keepOut ? new OutText() : undefined;
      // The part's flows, as read: the counts its repeated flows add to the summary are held to the fold's end.
      let flows = 0;
      const onProgress = (_bytes: number, read: number): void => void (flows = read);
      await replay([inputOf(job)], { engine, directory, endpointTables, summary, listed, tally, holdCounts: true, rules, format: job.format, out: out?.add, onProgress });
      // Past the bound, the fold's counts go with this part (merged after it) and the fold starts over.
      const closed = summary.groups > foldGroups ? closeFold() : { summary: summary.takeNew(), counts: undefined };
      return { flows, summary: closed.summary, counts: closed.counts, rules: rules?.toPart(), out: out?.text() };
    },
    finish: (log) => {
      if (fold?.log !== log) {
        fold = undefined;
        return { flows: 0 };
      }
      return { flows: 0, ...closeFold() };
    },
  };
}

function inputOf(job: PartJob): { name: string; bytes: AsyncIterable<Uint8Array>; part: LogPart } {
  return { name: job.name, bytes: linePieces(job.bytes), part: job.part };
}

/** --out lines as replay writes them (several per call, no trailing newline), kept as one text. */
class OutText {
  private readonly pieces: string[] = [];
  readonly add = (lines: string): void => {
    this.pieces.push(lines, '\n');
  };

  text(): string {
    return this.pieces.join('');
  }
}
