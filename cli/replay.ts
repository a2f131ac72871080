/** @module `netpol-edge replay`: what would a bundle do to the traffic a cluster really carried? */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { FLOW_LOG_FORMATS, FlowLogFormatError, isFlowLogFormat, type FlowLogFormat } from '../src/replay/index.js';
import { RemoteDecider, RemoteError } from '../src/replay/remote.js';
import { EndpointDirectory, replay, type BatchDecider, type ReplayInput } from '../src/replay/replay.js';
import { VerdictCache } from '../src/replay/verdict-cache.js';
import { ReplaySummary } from '../src/replay/summary.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, engineOf, loadBundle } from './bundle-args.js';
import { createDecider } from './engines.js';
import { EXIT, UsageError } from './usage.js';

/** Exit code when anything the log saw allowed would now be denied: CI pipelines gate on it. */
export const EXIT_WOULD_BREAK = 3;

export const REPLAY_HELP = `netpol-edge replay: replay flow logs against a bundle, and report what it would change.

Usage:
  netpol-edge replay --bundle MANIFEST [--bundle MANIFEST...] [options] LOG...
  netpol-edge replay --url http://HOST:8787/v1/bundles/NAME [--token T] [options] LOG...

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
${BUNDLE_OPTIONS_HELP}

Exit code: 0 done, 3 something the log saw allowed would be denied, 2 error.

Examples:
  netpol-edge replay --bundle examples/demo-cluster.yaml --bundle examples/article/5-ns1-from-ns3-tcp-80.yaml \\
    test/fixtures/flowlogs/flows.csv
  netpol-edge replay --url http://127.0.0.1:8787/v1/bundles/demo --summary json hubble.jsonl.gz`;

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
      quiet: { type: 'boolean', short: 'q' },
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
  if (positionals.length === 0) throw new UsageError('no flow log given: name files, or - for stdin');
  if ((values.bundle === undefined) === (values.url === undefined)) {
    throw new UsageError('give either --bundle MANIFEST (local) or --url URL (a running service)');
  }

  let decider: BatchDecider;
  let directory: EndpointDirectory | undefined;
  if (values.url !== undefined) {
    const remote = new RemoteDecider({ url: values.url, token: values.token });
    decider = { decideBatch: (flows) => remote.decideBatch(flows) };
  } else {
    const bundle = await loadBundle(values.bundle!, values, values.quiet);
    const local = await createDecider(engineOf(values), bundle);
    directory = new EndpointDirectory(bundle);
    // One bundle for the whole run: repeated conversations reuse their verdicts.
    decider = new VerdictCache({ decideBatch: async (flows) => ({ verdicts: local.decideBatch(flows) }) });
  }

  const out = values.out === undefined ? undefined : await openOut(values.out);
  const writeOut = out
    ? async (line: string): Promise<void> => {
        if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    : undefined;
  const summary = new ReplaySummary();
  let currentInput = '';
  const progress = process.stderr.isTTY ? new ProgressBar() : undefined;
  try {
    for (const name of positionals) {
      currentInput = name === '-' ? '<stdin>' : name;
      const inputs = [await openInput(name)];
      await progress?.start(name);
      await replay(inputs, {
        decider,
        directory,
        summary,
        format: format as FlowLogFormat | undefined,
        concurrency: values.url !== undefined ? concurrency : 1,
        out: writeOut,
        onProgress: (bytes, flows) => progress?.update(bytes, flows),
      });
      progress?.end();
    }
  } catch (error) {
    progress?.end();
    if (error instanceof FlowLogFormatError || error instanceof RemoteError) throw new UsageError(error.message);
    // A file that cannot be read, or a gzip stream that is cut short, is the input's fault.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`${currentInput}: ${(error as Error).message}`);
    throw error;
  } finally {
    if (out) {
      out.end();
      await finished(out);
    }
  }
  process.stdout.write(`${summaryFormat === 'json' ? JSON.stringify(summary.toJSON(top)) : summary.toText(top)}\n`);
  return summary.breaks > 0 ? EXIT_WOULD_BREAK : EXIT.ok;
}

async function openInput(name: string): Promise<ReplayInput> {
  if (name === '-') return { name: '<stdin>', bytes: process.stdin };
  let isFile: boolean;
  try {
    isFile = (await stat(name)).isFile();
  } catch {
    throw new UsageError(`${name}: no such file`);
  }
  if (!isFile) throw new UsageError(`${name}: not a file`);
  return { name, bytes: createReadStream(name) };
}

/** The --out file, opened before the replay starts, so that a bad path stops it at once. */
async function openOut(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(new UsageError(`--out ${path}: ${error.message}`)));
  });
  stream.on('error', () => {}); // later failures surface through the writes and `finished`
  return stream;
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${option} ${text}: expected a whole number above 0`);
  return value;
}

/** Flows, flows/s and, for files, percent and ETA; on stderr, only when it is a terminal. */
class ProgressBar {
  private size = 0;
  private started = 0;
  private last = 0;
  private name = '';

  async start(name: string): Promise<void> {
    this.name = name;
    this.size = name === '-' ? 0 : (await stat(name)).size;
    this.started = performance.now();
    this.last = 0;
  }

  update(bytes: number, flows: number): void {
    const now = performance.now();
    if (now - this.last < 200) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(flows / seconds) : 0;
    let text = `${this.name}: ${flows} flows, ${rate} flows/s`;
    if (this.size > 0) {
      const fraction = Math.min(1, bytes / this.size);
      const eta = fraction > 0 ? Math.round(seconds / fraction - seconds) : 0;
      const width = 20;
      const filled = Math.round(fraction * width);
      text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% ${text}, ETA ${eta}s`;
    }
    process.stderr.write(`\r${text.slice(0, (process.stderr.columns ?? 100) - 1)}\u001b[K`);
  }

  end(): void {
    process.stderr.write('\r\u001b[K');
  }
}
