/**
 * @module `npm run build:ui`: bundles the console (ui/src, preact + htm + dagre) with esbuild into
 * ui/dist, the Worker's static assets: index.html at /, the script and style sheet under /ui/.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const out = here('./dist/');

rmSync(out, { recursive: true, force: true });
mkdirSync(here('./dist/ui/'), { recursive: true });
await build({
  entryPoints: [here('./src/main.ts')],
  outfile: here('./dist/ui/app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(here('./index.html'), here('./dist/index.html'));
copyFileSync(here('./style.css'), here('./dist/ui/app.css'));
