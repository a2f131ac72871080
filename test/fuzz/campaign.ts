/**
 * @module `npm run fuzz`: a long differential campaign between the engines of test/cases/engine.ts,
 * reproducible from its seed. On a disagreement it prints the minimised bundle and flows, and exits 1.
 *
 *   npm run fuzz -- [--bundles N] [--seed S] [--flows F] [--path P] [--tiers]
 *
 * `--tiers` generates bundles with Nodes and cluster-wide policies (AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy).
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { ENGINES } from '../cases/engine.js';
import { scenarioArbitrary, type Scenario } from './arbitraries.js';
import { compareEngines } from './differential.js';
import { formatCounterexample } from './report.js';

const USAGE =
  'usage: npm run fuzz -- [--bundles N] [--seed S] [--flows F (about F per bundle, default 30)] [--path P (replay a shrink path)] [--tiers (bundles with cluster-wide policies)]';

function integerOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min) {
    console.error(`--${name}: ${JSON.stringify(value)} is not an integer of at least ${min}\n${USAGE}`);
    process.exit(2);
  }
  return number;
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        bundles: { type: 'string' },
        seed: { type: 'string' },
        flows: { type: 'string' },
        path: { type: 'string' },
        tiers: { type: 'boolean' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const bundles = integerOption(text('bundles'), 'bundles', 1000);
  const flowsPerBundle = integerOption(text('flows'), 'flows', 30);
  // fast-check seeds are 32-bit integers.
  const seed = integerOption(text('seed'), 'seed', Math.floor(Math.random() * 0x7fffffff), -(2 ** 31)) | 0;
  const tiers = values.tiers === true;
  const path = text('path');
  const engines = ENGINES.map((e) => e.name).join(', ');
  const kind = tiers ? ' with cluster-wide tiers' : '';
  console.log(`fuzz: seed ${seed}, ${bundles} bundles${kind} of about ${flowsPerBundle} flows, engines: ${engines}`);

  const started = Date.now();
  let runs = 0;
  let flowsDecided = 0;
  const progressEvery = Math.max(1, Math.ceil(bundles / 10));
  const compare = (objects: readonly unknown[], flows: readonly unknown[]) => compareEngines(ENGINES, objects, flows);
  const property = fc.asyncProperty(scenarioArbitrary({ flows: flowsPerBundle, tiers }), async ({ objects, flows }) => {
    const comparison = await compare(objects, flows);
    flowsDecided += comparison.flowsDecided;
    if (++runs % progressEvery === 0 && runs <= bundles) console.error(`  ${runs}/${bundles} bundles`);
    // The message is only for fast-check; the report below recomputes it for the minimised case.
    if (comparison.disagreements.length > 0) throw new Error(`${comparison.disagreements.length} disagreements`);
  });
  const details = await fc.check(property, { numRuns: bundles, seed, ...(path ? { path } : {}) });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!details.failed) {
    const only = ENGINES.length === 1 ? ` (only ${ENGINES[0]!.name} answered: checked that it never crashes)` : '';
    console.log(`fuzz: ok, ${details.numRuns} bundles, ${flowsDecided} flows, 0 disagreements${only}, seed ${seed}, ${seconds} s`);
    return 0;
  }

  console.log(`\nfuzz: FAILED after ${details.numRuns} bundles (${details.numShrinks} shrinks, ${seconds} s)`);
  console.log(`seed: ${details.seed}`);
  console.log(`path: ${details.counterexamplePath}`);
  console.log(`replay: npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath} --flows ${flowsPerBundle}${tiers ? ' --tiers' : ''}\n`);
  const [scenario] = details.counterexample as [Scenario];
  try {
    const { disagreements } = await compare(scenario.objects, scenario.flows);
    console.log(formatCounterexample(scenario.objects, disagreements));
  } catch (error) {
    // Not a disagreement: the property itself failed (say, a generated bundle that does not ingest).
    console.log(`${(error as Error).stack ?? String(error)}\n\n${formatCounterexample(scenario.objects, [])}`);
  }
  return 1;
}

process.exit(await main());
