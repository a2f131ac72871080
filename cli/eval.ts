/** @module `netpol-edge eval`: NDJSON flows in, one JSON verdict per line out, in input order. */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { answerNDJSON } from '../src/format/verdict.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, engineOf, loadBundle } from './bundle-args.js';
import { localEngine } from './engines.js';
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
  const answering = localEngine(engine, bundle);
  const input = values.flows === '-' ? process.stdin : createReadStream(values.flows);
  input.on('error', () => {}); // surfaced by the iteration below
  const options = { explain: values.explain ?? false };
  try {
    const limits = { maxLineBytes: MAX_FLOW_LINE_BYTES, batchLines: BATCH_LINES };
    // One write per input chunk's verdicts, respecting stdout's backpressure.
    for await (const text of answerNDJSON(input, answering, options, limits)) {
      if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${values.flows}: no such file`);
    throw error;
  }
  return EXIT.ok;
}
