/**
 * @module The WASM core's module under Node: compiled from the file `npm run build:wasm` writes,
 * or from the copy beside the built package's JavaScript (dist/netpol.wasm). (workerd cannot
 * compile bytes at run time; the Worker imports the .wasm module instead and hands it to the same
 * engine.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const builds = { release: 'netpol.wasm', debug: 'netpol.debug.wasm' } as const;
const cache = new Map<keyof typeof builds, WebAssembly.Module>();

/** Where the core may be: beside this code once bundled into dist/, or in the repo's build folder. */
function candidates(file: string): string[] {
  return [new URL(`./${file}`, import.meta.url), new URL(`../../core-as/build/${file}`, import.meta.url)].map((url) => fileURLToPath(url));
}

export function loadCoreModule(build: keyof typeof builds = 'release'): WebAssembly.Module {
  const cached = cache.get(build);
  if (cached) return cached;
  const paths = candidates(builds[build]);
  const path = paths.find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(`the WASM core is not built (${paths.join(' and ')} are missing): run npm run build:wasm`);
  }
  const module = new WebAssembly.Module(new Uint8Array(readFileSync(path)));
  cache.set(build, module);
  return module;
}
