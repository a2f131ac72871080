/**
 * @module The WASM modules under Node (the core, and any other `npm run build:wasm` writes):
 * compiled from the file in core-as/build/, or from the copy beside the built package's JavaScript
 * (dist/netpol.wasm, dist/hubble.wasm, dist/rows.wasm). (workerd cannot compile bytes at run time; the Worker
 * imports the .wasm module instead and hands it to the same engine.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const builds = { release: 'netpol.wasm', debug: 'netpol.debug.wasm' } as const;
const cache = new Map<keyof typeof builds, WebAssembly.Module>();

/**
 * Compiles the built WASM file `file`, found beside this code once bundled into dist/, else in the
 * repo's core-as/build/; `what` names it in the error when neither exists.
 */
export function compileBuiltModule(file: string, what: string): WebAssembly.Module {
  const paths = [new URL(`./${file}`, import.meta.url), new URL(`../../core-as/build/${file}`, import.meta.url)].map((url) => fileURLToPath(url));
  const path = paths.find((p) => existsSync(p));
  if (path === undefined) throw new Error(`${what} is not built (${paths.join(' and ')} are missing): run npm run build:wasm`);
  return new WebAssembly.Module(new Uint8Array(readFileSync(path)));
}

export function loadCoreModule(build: keyof typeof builds = 'release'): WebAssembly.Module {
  const cached = cache.get(build);
  if (cached) return cached;
  const module = compileBuiltModule(builds[build], 'the WASM core');
  cache.set(build, module);
  return module;
}
