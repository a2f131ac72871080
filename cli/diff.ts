/** @module `netpol-edge diff`: what two versions of the policies allow differently. Exit 0 same, 1 different, 2 error. */
import { parseArgs } from 'node:util';
import { diffVersions } from '../src/analysis/version-diff.js';
import { formatDiff } from '../src/format/connectivity-output.js';
import { bundleHash } from '../src/model/serialize.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, loadBundle } from './bundle-args.js';
import { analysisDecider, checkAnalysisEngine, checkGraphSize, GRAPH_LIMITS_HELP, outputOf } from './connectivity-args.js';
import { EXIT, UsageError } from './usage.js';

export const DIFF_HELP = `netpol-edge diff: what changes between two versions of the policies

Usage:
  netpol-edge diff [--output txt|json|csv|md|dot|svg] [--include-self] OLD NEW
  netpol-edge diff [--output ...] --old PATH... --new PATH...

OLD and NEW are each a manifest file, a directory or - (stdin, for one of them). Lists every
endpoint pair whose allowed set differs: added (nothing allowed before), removed (nothing after)
or changed, with both sets, and a note when an endpoint exists on one side only.
Exit code 0 when nothing differs, 1 when something does (for CI gates), 2 on error.

Options:
  --old PATH, --new PATH  several manifests per side (repeat the option)
  --output FORMAT         txt (default), json, csv, md, dot, svg
${GRAPH_LIMITS_HELP}
  --include-self          compare workloads' connections to themselves too
${BUNDLE_OPTIONS_HELP}

Examples:
  netpol-edge diff --old examples/demo-cluster.yaml --old examples/article/1-default-deny-ingress.yaml \\
    --new examples/demo-cluster.yaml --new examples/article/2-allow-all-ingress.yaml
  netpol-edge diff --output json --old examples/demo-cluster.yaml \\
    --new examples/demo-cluster.yaml --new examples/article/5-ns1-from-ns3-tcp-80.yaml`;

export async function runDiff(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...BUNDLE_OPTIONS,
      output: { type: 'string', short: 'o' },
      old: { type: 'string', multiple: true },
      new: { type: 'string', multiple: true },
      'include-self': { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${DIFF_HELP}\n`);
    return EXIT.ok;
  }
  const format = outputOf(values.output);
  const named = values.old !== undefined || values.new !== undefined;
  if (named && (values.old === undefined || values.new === undefined || positionals.length > 0)) {
    throw new UsageError('give both --old and --new (and no other paths), or exactly two paths OLD NEW');
  }
  if (!named && positionals.length !== 2) throw new UsageError(`expected two paths, OLD and NEW; got ${positionals.length}`);
  const oldPaths = named ? values.old! : [positionals[0]!];
  const newPaths = named ? values.new! : [positionals[1]!];
  if (oldPaths.includes('-') && newPaths.includes('-')) throw new UsageError('only one side can be read from stdin (-)');
  const sides = [];
  for (const paths of [oldPaths, newPaths]) {
    const bundle = await loadBundle(paths, values);
    // The core is loaded only for a version that must be analysed (see version-diff.ts).
    const input = { bundle, decider: () => analysisDecider(bundle, values) };
    sides.push({ version: await bundleHash(bundle), input });
  }
  checkAnalysisEngine(values);
  const changes = diffVersions(sides[0]!.input, sides[1]!.input, { includeSelf: values['include-self'] });
  checkGraphSize(format, changes.length, 'diff');
  process.stdout.write(await formatDiff(format, sides[0]!.version, sides[1]!.version, changes));
  return changes.length === 0 ? EXIT.ok : EXIT.denied;
}
