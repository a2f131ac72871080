/**
 * @module `npm run build`: the package's JavaScript, built ahead of time into dist/ (run by
 * `prepare`, so by `npm ci` and `npm pack`): the CLI (`dist/netpol-edge.js`), the library
 * (`dist/index.js`, with declarations in dist/types), the Worker bundled for Miniflare
 * (`dist/worker.js`, for `netpol-edge serve`), replay --jobs's worker thread (`dist/replay-worker.js`),
 * the compiled WASM core beside them, and the web console's files (`dist/console/`, served by
 * `serve` as wrangler serves ui/dist).
 * Dependencies stay external except in the Worker, which runs in workerd and must be whole.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { buildConsole } from '../ui/build.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = `${ROOT}dist/`;
const WASM = `${ROOT}core-as/build/netpol.wasm`;
/** The Hubble line scanner (src/replay/hubble-wasm.ts), beside the JavaScript that loads it. */
const HUBBLE_WASM = `${ROOT}core-as/build/hubble.wasm`;
/** The CSV and VPC row reader (src/replay/rows-wasm.ts), likewise. */
const ROWS_WASM = `${ROOT}core-as/build/rows.wasm`;

const forNode: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  legalComments: 'none',
};

/** The Worker's `import coreModule from '...netpol.wasm'` points at the copy beside dist/worker.js. */
const wasmBeside: Plugin = {
  name: 'wasm-beside',
  setup(build) {
    build.onResolve({ filter: /\.wasm$/ }, () => ({ path: './netpol.wasm', external: true }));
  },
};

export async function buildPackage(): Promise<void> {
  for (const file of [WASM, HUBBLE_WASM, ROWS_WASM]) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build:wasm first`);
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  copyFileSync(WASM, `${DIST}netpol.wasm`);
  copyFileSync(HUBBLE_WASM, `${DIST}hubble.wasm`);
  copyFileSync(ROWS_WASM, `${DIST}rows.wasm`);
  await Promise.all([
    // One build for the CLI and the library: shared code in chunks beside them, and each command
    // in its own chunk, loaded on use (so `--help` loads neither the parser nor the engines).
    build({
      ...forNode,
      // replay --jobs starts its worker threads from dist/replay-worker.js (src/replay/worker-pool.ts).
      entryPoints: { 'netpol-edge': 'cli/bin.ts', index: 'src/index.ts', 'replay-worker': 'src/replay/replay-worker.ts' },
      outdir: DIST,
      splitting: true,
      chunkNames: 'chunk-[hash]',
    }),
    build({
      absWorkingDir: ROOT,
      entryPoints: ['worker/index.ts'],
      outfile: `${DIST}worker.js`,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'browser'],
      external: ['cloudflare:*'],
      loader: { '.yaml': 'text' },
      plugins: [wasmBeside],
      logLevel: 'warning',
      legalComments: 'none',
    }),
    buildConsole(`${DIST}console/`),
  ]);
  chmodSync(`${DIST}netpol-edge.js`, 0o755);
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`], { stdio: 'inherit' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPackage();
