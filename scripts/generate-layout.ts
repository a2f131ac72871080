/**
 * @module Writes core-as/assembly/layout.ts from src/compile/layout.ts. Run by `npm run build:wasm`
 * before asc, so the core is always compiled from the one definition (prepare, pretest, prestart).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ASSEMBLY_LAYOUT_PATH, assemblyLayoutSource } from './layout-assembly.js';

const path = fileURLToPath(new URL(`../${ASSEMBLY_LAYOUT_PATH}`, import.meta.url));
const source = assemblyLayoutSource();
let current = '';
try {
  current = readFileSync(path, 'utf8');
} catch {
  // first build: nothing generated yet
}
// Unchanged text is not rewritten, so asc and editors see no spurious change.
if (current !== source) writeFileSync(path, source);
