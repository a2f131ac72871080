/** @module `netpol-edge list`: every allowed connection between workloads, pods and the outside world. */
import { parseArgs } from 'node:util';
import { streamConnectivity, type Connection, type ConnectivityOptions } from '../src/analysis/connectivity.js';
import type { WorkloadGroups } from '../src/analysis/endpoints.js';
import { connectionExplainer, type ConnectionExplanation } from '../src/analysis/explain.js';
import { describeWorkloads } from '../src/analysis/workload-labels.js';
import { listWriter, type OutputFormat, type TextFormat } from '../src/format/connectivity-formats.js';
import type { TextSink } from '../src/format/list-writer.js';
import { renderSVG } from '../src/format/svg.js';
import type { Bundle } from '../src/model/bundle.js';
import { bundleHash } from '../src/model/serialize.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, loadBundle, type BundleArgs } from './bundle-args.js';
import { analysisDecider, analyze, checkGraphSize, GRAPH_LIMITS_HELP, outputOf } from './connectivity-args.js';
import { BufferedText } from './text-output.js';
import { EXIT } from './usage.js';

export const LIST_HELP = `netpol-edge list: who may talk to whom, on which protocols and ports

Usage:
  netpol-edge list [--output txt|json|csv|md|dot|svg] [--focus NS/NAME] [--include-self]
                   [--explain] MANIFEST...

Every allowed connection between two endpoints, with the ports it allows; pairs with nothing
allowed are left out. An endpoint is a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob,
ReplicaSet, ReplicationController: all the pods it owns or would create), a pod no workload owns,
or ranges of outside addresses that every policy treats alike. A workload pair allows what any of
its pod pairs allows (docs/semantics.md). Exact: computed per pod class and port interval by the
WASM core, every tier included (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy).
The list is written as it is computed, so memory stays bounded on large clusters (svg excepted: the
graph is rendered whole); should the analysis fail midway, the output is cut short and the exit
code is 2.

Options:
  --output FORMAT         txt (default, one line per connection), json, csv, md, dot (Graphviz),
                          svg (the dot graph rendered)
${GRAPH_LIMITS_HELP}
  --focus NS/NAME         only connections into or out of this workload or pod (NS/KIND/NAME when
                          several kinds share the name)
  --include-self          keep a workload's connections to itself (replicas talking to each other)
  --explain               per connection and direction, the rules that allow it (txt and json)
${BUNDLE_OPTIONS_HELP}

Examples:
  netpol-edge list examples/demo-cluster.yaml examples/article/5-ns1-from-ns3-tcp-80.yaml
  netpol-edge list --focus ns1/web --explain examples/demo-cluster.yaml examples/article/5-ns1-from-ns3-tcp-80.yaml
  netpol-edge list --output svg examples/demo-cluster.yaml > demo.svg`;

export async function runList(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...BUNDLE_OPTIONS,
      output: { type: 'string', short: 'o' },
      focus: { type: 'string' },
      'include-self': { type: 'boolean' },
      explain: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${LIST_HELP}\n`);
    return EXIT.ok;
  }
  const format = outputOf(values.output);
  const bundle = await loadBundle(positionals, values);
  const explain = values.explain === true;
  const version = await bundleHash(bundle);
  const stream = listStream(bundle, values, { focus: values.focus, includeSelf: values['include-self'], explain });
  const write = (sink: TextSink, each: () => Promise<void>): Promise<void> => writeList(format === 'svg' ? 'dot' : format, { graph: format, bundle, version, stream }, sink, each);
  if (format === 'svg') {
    let dot = '';
    await write({ write: (text) => void (dot += text) }, async () => {});
    process.stdout.write(await renderSVG(dot));
    return EXIT.ok;
  }
  const out = new BufferedText(process.stdout);
  await write(out, () => out.drained());
  await out.flush();
  return EXIT.ok;
}

/** The connections in batches, their workloads, and how to explain one (with --explain). */
interface ListStream {
  readonly groups: WorkloadGroups;
  readonly batches: Iterable<readonly Connection[]>;
  readonly explainer: ((connection: Connection) => ConnectionExplanation) | undefined;
}

interface ListSource {
  /** The output format asked for (svg is written as dot, then rendered): bounds the graph. */
  readonly graph: OutputFormat;
  readonly bundle: Bundle;
  readonly version: string;
  readonly stream: ListStream;
}

/**
 * A focus is decided on its scope (focused-connectivity.ts: small, so written whole); the whole
 * list is streamed in chunks of class pairs, so it never sits in memory.
 */
function listStream(bundle: Bundle, args: BundleArgs, options: ConnectivityOptions): ListStream {
  if (options.focus !== undefined) {
    const { result, decider, explained } = analyze(bundle, args, options);
    const explainer = options.explain ? connectionExplainer(explained, decider, result.pairs) : undefined;
    return { groups: result.groups, batches: [result.connections], explainer };
  }
  const decider = analysisDecider(bundle, args);
  const stream = streamConnectivity(bundle, decider, options);
  return { groups: stream.groups, batches: stream.batches, explainer: options.explain ? connectionExplainer(bundle, decider, stream.pairs) : undefined };
}

/** The list in a text format, batch by batch, calling afterBatch (to wait for the output) after each. */
async function writeList(format: TextFormat, source: ListSource, sink: TextSink, afterBatch: () => Promise<void>): Promise<void> {
  const { bundle, version, stream } = source;
  const { explainer } = stream;
  const writer = listWriter(format, version, sink);
  let written = 0;
  for (const batch of stream.batches) {
    checkGraphSize(source.graph, (written += batch.length), 'list');
    for (const connection of batch) writer.connection(connection, explainer?.(connection));
    await afterBatch();
  }
  writer.end(format === 'json' ? describeWorkloads(bundle, stream.groups) : undefined);
}
