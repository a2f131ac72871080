/**
 * @module Golden outputs of `list` (every format), `diff` and `exposure` on the article's examples
 * over the demo cluster (and the tiers example), through the same code the CLI runs. Regenerate
 * with UPDATE_GOLDEN=1 after a deliberate change, and read the diff. The dot output must parse
 * (Graphviz reads it back as a graph with one edge per connection) and the svg must render.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instance } from '@viz-js/viz';
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity } from '../src/analysis/connectivity.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { diffConnectivity } from '../src/analysis/diff.js';
import { analyzeExposure } from '../src/analysis/exposure.js';
import { describeWorkloads } from '../src/analysis/workload-labels.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { exposureJSON } from '../src/format/connectivity-json.js';
import { formatDiff, formatList } from '../src/format/connectivity-output.js';
import { listDot } from '../src/format/connectivity-dot.js';
import { exposureText } from '../src/format/connectivity-txt.js';
import { ingestSources } from '../src/ingest/bundle.js';
import type { Bundle } from '../src/model/bundle.js';
import { bundleHash } from '../src/model/serialize.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const load = (files: readonly string[]): Bundle =>
  ingestSources(files.map((name) => ({ name, text: readFileSync(root(name), 'utf8') }))).bundle!;

const DEMO = 'examples/demo-cluster.yaml';
const SCENARIOS: Readonly<Record<string, readonly string[]>> = {
  demo: [DEMO],
  'article-1': [DEMO, 'examples/article/1-default-deny-ingress.yaml'],
  'article-2': [DEMO, 'examples/article/2-allow-all-ingress.yaml'],
  'article-3': [DEMO, 'examples/article/3-default-deny-egress.yaml'],
  'article-4': [DEMO, 'examples/article/4-allow-all-egress-as-printed.yaml'],
  'article-5': [DEMO, 'examples/article/5-ns1-from-ns3-tcp-80.yaml'],
  tiers: [DEMO, 'examples/article/5-ns1-from-ns3-tcp-80.yaml', 'examples/tiers/admin-guard.yaml'],
};

function golden(name: string, actual: string): void {
  const path = root(`test/golden/connectivity/${name}`);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const analyze = (bundle: Bundle, explain = false) => {
  const decider = wasmDecider(loadCoreModule(), bundle);
  return { decider, result: analyzeConnectivity(bundle, decider, { explain }) };
};

describe('list: golden outputs', () => {
  for (const [name, files] of Object.entries(SCENARIOS)) {
    for (const format of ['txt', 'json', 'csv', 'md', 'dot'] as const) {
      it(`${name}.${format}`, async () => {
        const bundle = load(files);
        const { result } = analyze(bundle);
        golden(`${name}.${format}`, await formatList(format, await bundleHash(bundle), result.connections, undefined, describeWorkloads(bundle, result.groups)));
      });
    }
  }
});

describe('diff and exposure: golden outputs', () => {
  it('demo -> article 5 (txt, json)', async () => {
    const [before, after] = [load(SCENARIOS.demo!), load(SCENARIOS['article-5']!)];
    const [a, b] = [analyze(before).result, analyze(after).result];
    const changes = diffConnectivity({ connectivity: a, workloads: a.groups.workloads }, { connectivity: b, workloads: b.groups.workloads });
    golden('diff-demo-article-5.txt', await formatDiff('txt', await bundleHash(before), await bundleHash(after), changes));
    golden('diff-demo-article-5.json', await formatDiff('json', await bundleHash(before), await bundleHash(after), changes));
    expect(changes.length).toBeGreaterThan(0);
  });

  it('exposure of article 5 with tiers (txt, json)', async () => {
    const bundle = load(SCENARIOS.tiers!);
    const { decider, result } = analyze(bundle);
    const exposure = analyzeExposure(bundle, decider, result);
    golden('exposure-tiers.txt', exposureText(exposure));
    golden('exposure-tiers.json', `${exposureJSON(await bundleHash(bundle), exposure)}\n`);
  });
});

describe('graphs', () => {
  it('dot parses: Graphviz reads it back with one edge per connection and a cluster per namespace', async () => {
    const { result } = analyze(load(SCENARIOS['article-5']!));
    const graph = (await instance()).renderJSON(listDot(result.connections)) as { edges?: unknown[]; objects?: { name: string }[] };
    expect(graph.edges?.length).toBe(result.connections.length);
    const clusters = (graph.objects ?? []).filter((o) => o.name.startsWith('cluster_'));
    expect(clusters.length).toBe(new Set(result.groups.workloads.map((w) => w.namespace)).size);
  });

  it('svg renders', async () => {
    const bundle = load(SCENARIOS['article-5']!);
    const svg = await formatList('svg', await bundleHash(bundle), analyze(bundle).result.connections);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    expect(svg).toContain('frontend');
    expect(svg).toContain('TCP 80');
  });
});
