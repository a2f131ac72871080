/** @module `netpol-edge exposure`: what is open to every namespace, every pod or the whole outside world. */
import { parseArgs } from 'node:util';
import { analyzeExposure } from '../src/analysis/exposure.js';
import { exposureJSON } from '../src/format/connectivity-json.js';
import { exposureText } from '../src/format/connectivity-txt.js';
import { bundleHash } from '../src/model/serialize.js';
import { BUNDLE_OPTIONS, BUNDLE_OPTIONS_HELP, loadBundle } from './bundle-args.js';
import { analyze, outputOf } from './connectivity-args.js';
import { EXIT } from './usage.js';

export const EXPOSURE_HELP = `netpol-edge exposure: what is open to everyone

Usage:
  netpol-edge exposure [--output txt|json] MANIFEST...

Per workload and direction, the ports open
  - to (from) every namespace: an unlabelled pod in each namespace of the bundle, and in one
    created later;
  - to (from) every pod of the cluster: every other workload and pod;
  - to (from) the whole outside world: every outside address of 0.0.0.0/0, of ::/0;
and the rules whose pod or namespace selectors match no pod today but would admit one created
later (named by policy, direction, rule and peer).

Options:
  --output FORMAT         txt (default) or json
${BUNDLE_OPTIONS_HELP}

Examples:
  netpol-edge exposure examples/demo-cluster.yaml
  netpol-edge exposure --output json examples/demo-cluster.yaml examples/article/5-ns1-from-ns3-tcp-80.yaml`;

export async function runExposure(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { ...BUNDLE_OPTIONS, output: { type: 'string', short: 'o' } },
  });
  if (values.help) {
    process.stdout.write(`${EXPOSURE_HELP}\n`);
    return EXIT.ok;
  }
  const format = outputOf(values.output, ['txt', 'json']);
  const bundle = await loadBundle(positionals, values);
  const { result, decider } = analyze(bundle, values, {});
  const exposure = analyzeExposure(bundle, decider, result);
  process.stdout.write(format === 'json' ? `${exposureJSON(await bundleHash(bundle), exposure)}\n` : exposureText(exposure));
  return EXIT.ok;
}
