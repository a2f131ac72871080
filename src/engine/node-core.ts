/**
 * @module The WASM core's module under Node: compiled from the file `npm run build:wasm` writes.
 * (workerd cannot compile bytes at run time; the Worker imports the .wasm module instead and
 * hands it to the same engine.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const builds = { release: 'netpol.wasm', debug: 'netpol.debug.wasm' } as const;
const cache = new Map<keyof typeof builds, WebAssembly.Module>();

export function loadCoreModule(build: keyof typeof builds = 'release'): WebAssembly.Module {
  const cached = cache.get(build);
  if (cached) return cached;
  const path = fileURLToPath(new URL(`../../core-as/build/${builds[build]}`, import.meta.url));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new Error(`the WASM core is not built (${path} is missing): run npm run build:wasm`);
  }
  const module = new WebAssembly.Module(new Uint8Array(bytes));
  cache.set(build, module);
  return module;
}
