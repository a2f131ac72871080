/**
 * @module The layering rule, checked on the import graph of src/, cli/ and worker/: a module
 * imports only from its own folder or from a folder on a lower row (the table below, from the
 * project's architecture notes), so no folder-level cycle can form. Tests beside the code are held
 * to the same rule, except that they may use the test-only helpers of test/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folder -> row. Dependencies point down this table only; siblings on one row do not import each other. */
const ROWS: Readonly<Record<string, number>> = {
  'src/net': 0,
  'src/model': 1,
  'src/ingest': 2,
  'src/flow': 2,
  'src/reference': 3,
  'src/compile': 3,
  'src/engine': 4,
  'src/analysis': 5,
  'src/replay': 5,
  'src/format': 6,
  cli: 7,
  worker: 7,
  /** src/index.ts, the library API (`import { loadBundle, createEngine } from 'netpol-edge'`): a front end. */
  'src/index': 7,
};
/**
 * Outside the layers: the core's build output, the example manifests (the Worker bundles them) and
 * package.json (the compiler records its version in every image).
 */
const EXTERNAL = ['core-as/', 'examples/', 'package.json'];
/** Test-only helpers (architecture: they live in test/): tests beside the code may use them. */
const TEST_HELPERS = 'test/';

interface Edge {
  readonly from: string;
  readonly to: string;
  /** `src/engine/x.ts -> src/replay/y.ts`: where the edge comes from. */
  readonly where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The layer a repository path belongs to: `src/<folder>`, the library entry, or a top-level folder. */
function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'src') return parts[0]!;
  return parts.length === 2 ? 'src/index' : `src/${parts[1]}`;
}

/** Relative specifiers of static imports, re-exports and dynamic imports. */
export function importSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith('.')) found.push(specifier);
  }
  return found;
}

function importEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of [...sourceFiles('src'), ...sourceFiles('cli'), ...sourceFiles('worker')]) {
    for (const specifier of importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), specifier)).split('\\').join('/');
      if (EXTERNAL.some((prefix) => target.startsWith(prefix))) continue;
      if (file.endsWith('.test.ts') && target.startsWith(TEST_HELPERS)) continue;
      edges.push({ from: folderOf(file), to: folderOf(target), where: `${file} -> ${target}` });
    }
  }
  return edges;
}

/** Imports that break the rule: into an unknown folder, sideways, or upwards. */
export function layerViolations(edges: readonly Edge[], rows: Readonly<Record<string, number>>): string[] {
  return edges.flatMap((edge) => {
    if (edge.from === edge.to) return [];
    const from = rows[edge.from];
    const to = rows[edge.to];
    if (from === undefined) return [`${edge.where}: ${edge.from} has no row in the layer table`];
    if (to === undefined) return [`${edge.where}: imports ${edge.to}, which is no layer of the code`];
    if (to >= from) return [`${edge.where}: row ${from} imports row ${to} (${to === from ? 'a sibling' : 'upwards'})`];
    return [];
  });
}

/** Each folder-level cycle once, as `a -> b -> a`. */
export function folderCycles(edges: readonly Edge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) if (from !== to) next.set(from, (next.get(from) ?? new Set()).add(to));
  const cycles = new Set<string>();
  const walk = (path: string[]): void => {
    for (const to of next.get(path[path.length - 1]!) ?? []) {
      const at = path.indexOf(to);
      if (at >= 0) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]!);
        cycles.add([...cycle.slice(start), ...cycle.slice(0, start), cycle[start]!].join(' -> '));
      } else if (path.length < 16) {
        walk([...path, to]);
      }
    }
  };
  for (const folder of next.keys()) walk([folder]);
  return [...cycles].sort();
}

describe('layers', () => {
  const edges = importEdges();

  it('every folder of src/ has a row', () => {
    const folders = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}`);
    expect(folders.filter((folder) => ROWS[folder] === undefined)).toEqual([]);
    expect(edges.length).toBeGreaterThan(100);
  });

  it('imports point down the table only', () => {
    expect(layerViolations(edges, ROWS)).toEqual([]);
  });

  it('no folder-level import cycle', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const edge = (from: string, to: string): Edge => ({ from, to, where: `${from}/x.ts -> ${to}/y.ts` });
    expect(layerViolations([edge('src/model', 'src/engine')], ROWS)).toEqual(['src/model/x.ts -> src/engine/y.ts: row 1 imports row 4 (upwards)']);
    expect(layerViolations([edge('src/reference', 'src/compile')], ROWS)).toEqual(['src/reference/x.ts -> src/compile/y.ts: row 3 imports row 3 (a sibling)']);
    expect(layerViolations([edge('src/engine', 'test')], ROWS)).toEqual(['src/engine/x.ts -> test/y.ts: imports test, which is no layer of the code']);
    expect(folderCycles([edge('src/flow', 'src/format'), edge('src/format', 'src/engine'), edge('src/engine', 'src/flow')])).toEqual([
      'src/engine -> src/flow -> src/format -> src/engine',
    ]);
    expect(importSpecifiers(`import a from './a.js';\nexport { b } from "../b.js";\nconst c = await import('./c.js');\nimport './d.js';\nimport x from 'node:fs';`)).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      './d.js',
    ]);
  });
});
