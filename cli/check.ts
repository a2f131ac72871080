/** @module `netpol-edge check`: one flow, answered `yes` or `no` as `kubectl auth can-i` does. */
import { parseArgs } from 'node:util';
import { explainDecision, summarizeDecision } from '../src/format/explanation.js';
import { decodePort, decodeProtocol, parseEndpointArgument } from '../src/flow/decode.js';
import type { Flow } from '../src/model/flow.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, engineOf, loadBundle } from './bundle-args.js';
import { localEngine } from './engines.js';
import { EXIT, UsageError } from './usage.js';

export const CHECK_HELP = `netpol-edge check: may this flow pass?

Usage:
  netpol-edge check [--explain] [-q] --from EP --to EP --port N [--protocol P] MANIFEST...

Prints "yes" or "no" and why. Exit code 0 allowed, 1 denied, 2 error.

Endpoints (EP):
  ns/name                a pod, or the representative pod of a workload of that name
  ns/kind/name           a workload's representative pod (ns1/deployment/web)
  10.1.1.10, fd00::1     an IP: the pod that owns it, or an address outside the cluster
  ns:key=val,key2=val2   an ad-hoc pod: a namespace and labels
  '{"namespace":"ns","labels":{...},"ports":[{"name":"http","port":80}]}'

Options:
  --from EP, --to EP      source and destination
  --port N                destination port, 1-65535
  --protocol P            TCP (default), UDP or SCTP
  --explain               print both directions: isolation and the deciding rule
  -q, --quiet             print nothing (nor warnings); the exit code answers
${BUNDLE_OPTIONS_HELP}

Examples:
  netpol-edge check --from ns3/frontend --to ns1/web --port 80 \\
    examples/demo-cluster.yaml examples/article/5-ns1-from-ns3-tcp-80.yaml
  netpol-edge check --explain --from ns2:app=search --to 10.1.1.10 --port 80 \\
    examples/demo-cluster.yaml examples/article/5-ns1-from-ns3-tcp-80.yaml`;

export async function runCheck(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...BUNDLE_OPTIONS,
      from: { type: 'string' },
      to: { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      explain: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (values.help) {
    process.stdout.write(`${CHECK_HELP}\n`);
    return EXIT.ok;
  }
  if (values.from === undefined) throw new UsageError('--from is required');
  if (values.to === undefined) throw new UsageError('--to is required');
  if (values.port === undefined) throw new UsageError('--port is required');
  const flow: Flow = {
    src: parseEndpointArgument(values.from, '--from'),
    dst: parseEndpointArgument(values.to, '--to'),
    protocol: decodeProtocol(values.protocol, '--protocol'),
    port: decodePort(values.port, '--port'),
  };
  const engine = engineOf(values);
  const bundle = await loadBundle(positionals, values, values.quiet);
  const decision = await localEngine(engine, bundle).explain(flow);
  if (!values.quiet) {
    const labels = { src: values.from, dst: values.to, service: `${flow.protocol}/${flow.port}` };
    const answer = decision.allowed ? 'yes' : 'no';
    const lines = values.explain
      ? [answer, ...explainDecision(decision, labels).map((l) => `  ${l}`)]
      : [`${answer} - ${summarizeDecision(decision, labels)}`];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return decision.allowed ? EXIT.ok : EXIT.denied;
}
