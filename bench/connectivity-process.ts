/**
 * @module The connectivity rows (connectivity.ts) in a process of their own, as the CLI's `list`
 * and `diff` run: `node --expose-gc --import tsx bench/connectivity-process.ts SIZE SEED [--quick]`
 * generates and ingests the cluster the benchmark generates for SIZE and SEED, collects what
 * generating it left, and prints the rows as JSON (progress on stderr).
 */
import { ingestObjects } from '../src/ingest/bundle.js';
import { measureConnectivity } from './connectivity.js';
import { generateCluster, isSizeName } from './generate.js';

const [size, seedText, ...flags] = process.argv.slice(2);
const seed = Number(seedText);
if (size === undefined || !isSizeName(size) || !Number.isInteger(seed) || flags.some((flag) => flag !== '--quick')) {
  console.error('usage: node --expose-gc --import tsx bench/connectivity-process.ts S|M|L SEED [--quick]');
  process.exit(2);
}
const bundle = ingestObjects(generateCluster(size, seed).objects).bundle;
if (bundle === undefined) throw new Error(`the generated ${size} cluster does not ingest`);
// The generated objects are garbage now: the peaks measured are the bundle's and the analysis's.
globalThis.gc?.();
const rows = await measureConnectivity(size, bundle, flags.includes('--quick'), (message) => console.error(message));
console.log(JSON.stringify(rows));
