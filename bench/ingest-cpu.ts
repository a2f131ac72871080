/**
 * @module Ingest of a generated bundle as text, measured by CPU time (process.cpuUsage): the
 * bundle written as multi-document YAML (as `kubectl get -o yaml` per object, joined by `---`) and
 * as one JSON array, each read by `ingestSources` (parse, then validate). Runs the formats
 * round-robin RUNS times and prints each one's median and its runs. YAML ingest matters beyond the
 * CLI: a Worker request that blocks workerd for tens of seconds holds the next one under wrangler dev.
 *
 *   node --import tsx bench/ingest-cpu.ts [SIZE] [yaml,json] [RUNS]     (default M, both, 3)
 */
import { stringify } from 'yaml';
import { ingestSources } from '../src/ingest/bundle.js';
import { generateCluster, isSizeName } from './generate.js';
import { median } from './stats.js';

const [sizeArg = 'M', formatsArg = 'yaml,json', runsArg = '3'] = process.argv.slice(2);
if (!isSizeName(sizeArg)) throw new Error(`size ${sizeArg}: use S, M or L`);
const { objects } = generateCluster(sizeArg, 1);
const texts: Record<string, () => string> = {
  yaml: () => objects.map((object) => stringify(object)).join('---\n'),
  json: () => JSON.stringify(objects, null, 1),
};
const formats = formatsArg.split(',').map((format) => {
  const make = texts[format];
  if (!make) throw new Error(`format ${format}: use yaml or json`);
  return { format, text: make(), runs: [] as number[] };
});

for (let run = 0; run < Number(runsArg); run++) {
  for (const row of formats) {
    const started = process.cpuUsage();
    const result = ingestSources([{ name: `bundle.${row.format}`, text: row.text }]);
    const spent = process.cpuUsage(started);
    if (!result.bundle) throw new Error(`${row.format}: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
    row.runs.push((spent.user + spent.system) / 1000);
  }
}
for (const { format, text, runs } of formats) {
  const runsText = runs.map((ms) => Math.round(ms)).join(', ');
  console.log(`ingest-${format} (${sizeArg}, ${(text.length / 2 ** 20).toFixed(1)} MiB): median ${Math.round(median(runs))} ms CPU (runs ${runsText})`);
}
