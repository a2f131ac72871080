/** @module `netpol-edge eval`: NDJSON flows in, one JSON verdict per line out, in input order. */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { splitLineRuns } from '../src/flow/lines.js';
import { answerLines, errorJSON, type NumberedLine } from '../src/flow/verdict.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, engineOf, loadBundle } from './bundle-args.js';
import { createDecider } from './engines.js';
import { EXIT, UsageError } from './usage.js';

/** Flow lines answered together. */
const BATCH_LINES = 1024;

/** Longest flow line read; a longer one is answered with an error line. */
export const MAX_FLOW_LINE_BYTES = 64 * 1024;

export const EVAL_HELP = `netpol-edge eval: answer many flows.

Usage:
  netpol-edge eval --flows FILE|- [--explain] [--engine wasm|reference] MANIFEST...

Reads one flow per line (NDJSON) and writes one JSON verdict per line, in input order:
  in:  {"src": "ns3/frontend", "dst": "ns1/web", "protocol": "TCP", "port": 80}
  out: {"allowed":true,"reason":"allowed"}
An endpoint is "namespace/name", "namespace/kind/name", an IP string, or
{"namespace": ..., "labels": {...}, "ports": [...]}; protocol defaults to TCP. A line that cannot be
answered gets {"error": "line N: ..."} in its place and the rest go on; blank lines are skipped.
reason is loopback, no-policy, allowed or denied; a denied verdict adds "deniedBy".

Options:
  --flows FILE|-          the flows (- for stdin)
  --explain               add both sides to each verdict: isolation and the deciding rule
  -q, --quiet             do not print bundle warnings
${BUNDLE_OPTIONS_HELP}

Example:
  printf '%s\\n' '{"src":"ns3/frontend","dst":"ns1/web","port":80}' '{"src":"ns2/search","dst":"ns1/web","port":80}' |
    netpol-edge eval --flows - examples/demo-cluster.yaml examples/article/5-ns1-from-ns3-tcp-80.yaml`;

export async function runEval(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...BUNDLE_OPTIONS,
      flows: { type: 'string' },
      explain: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (values.help) {
    process.stdout.write(`${EVAL_HELP}\n`);
    return EXIT.ok;
  }
  if (values.flows === undefined) throw new UsageError('--flows FILE (or --flows - for stdin) is required');
  if (values.flows === '-' && positionals.includes('-')) {
    throw new UsageError('stdin cannot carry both the flows and a manifest');
  }
  const engine = engineOf(values);
  const bundle = await loadBundle(positionals, values, values.quiet);
  const decider = await createDecider(engine, bundle);
  const input = values.flows === '-' ? process.stdin : createReadStream(values.flows);
  input.on('error', () => {}); // surfaced by the iteration below
  const options = { explain: values.explain ?? false };
  const out = new BufferedWriter();
  // Lines are answered in runs (each input chunk's complete lines, at most BATCH_LINES at once):
  // the engine sees batches, a writer sending one flow at a time gets its answer at once, and the
  // output keeps input order.
  const answer = async (run: NumberedLine[]): Promise<void> => {
    for (const line of answerLines(run, decider, options)) await out.write(line);
  };
  try {
    for await (const lines of splitLineRuns(input, MAX_FLOW_LINE_BYTES)) {
      let run: NumberedLine[] = [];
      for (const line of lines) {
        if ('error' in line) {
          await answer(run);
          run = [];
          await out.write(errorJSON(line.number, line.error));
        } else if (line.text.trim() !== '') {
          run.push(line);
          if (run.length >= BATCH_LINES) {
            await answer(run);
            run = [];
          }
        }
      }
      await answer(run);
      await out.flush();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${values.flows}: no such file`);
    throw error;
  } finally {
    await out.flush();
  }
  return EXIT.ok;
}

/** Batches output lines and respects stdout's backpressure. */
class BufferedWriter {
  private lines: string[] = [];

  async write(line: string): Promise<void> {
    this.lines.push(line);
    if (this.lines.length >= 4096) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}
