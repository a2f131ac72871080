/**
 * @module `npm run build:ui`: bundles the console (ui/src, preact + htm + dagre) with esbuild into
 * ui/dist, the Worker's static assets: index.html at /, the script and style sheet under /ui/.
 * `npm run build` calls the same function for the package's copy (dist/console, for `serve`).
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Writes the console's files into `out` (emptied first). */
export async function buildConsole(out: string = here('./dist/')): Promise<void> {
  const dir = out.endsWith('/') ? out : `${out}/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}ui/`, { recursive: true });
  await build({
    entryPoints: [here('./src/main.ts')],
    outfile: `${dir}ui/app.js`,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(here('./index.html'), `${dir}index.html`);
  copyFileSync(here('./style.css'), `${dir}ui/app.css`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildConsole();
