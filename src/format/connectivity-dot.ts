/**
 * @module `list` and `diff` as Graphviz graphs: workloads clustered by namespace, each outside range
 * group its own node, edges labelled with the ports (a diff colours added green, removed red,
 * changed orange).
 */
import { isExternal, endpointLabel, type AnalysisEndpoint } from '../analysis/endpoints.js';
import type { Connection } from '../analysis/connectivity.js';
import type { ConnectionChange } from '../analysis/diff.js';
import { connSetText } from './conn-set-text.js';

const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

interface Edge {
  readonly src: AnalysisEndpoint;
  readonly dst: AnalysisEndpoint;
  readonly label: string;
  readonly color?: string;
}

function graph(edges: readonly Edge[]): string {
  const ids = new Map<string, string>();
  const byNamespace = new Map<string, string[]>();
  const outside: string[] = [];
  const id = (endpoint: AnalysisEndpoint): string => {
    const label = endpointLabel(endpoint);
    let found = ids.get(label);
    if (found) return found;
    found = `n${ids.size}`;
    ids.set(label, found);
    if (isExternal(endpoint)) {
      outside.push(`  ${found} [label=${quote(endpoint.external.join('\n'))}, shape=box, style=dashed];`);
    } else {
      const nodes = byNamespace.get(endpoint.namespace) ?? [];
      nodes.push(`    ${found} [label=${quote(`${endpoint.name}\n${endpoint.kind}`)}];`);
      byNamespace.set(endpoint.namespace, nodes);
    }
    return found;
  };
  const lines = edges.map((e) => {
    const color = e.color ? `, color=${e.color}, fontcolor=${e.color}` : '';
    return `  ${id(e.src)} -> ${id(e.dst)} [label=${quote(e.label)}${color}];`;
  });
  const clusters = [...byNamespace.entries()].flatMap(([namespace, nodes], i) => [
    `  subgraph cluster_${i} {`,
    `    label=${quote(namespace)};`,
    ...nodes,
    '  }',
  ]);
  return ['digraph connectivity {', '  rankdir=LR;', '  node [shape=ellipse, fontsize=10];', '  edge [fontsize=9];', ...clusters, ...outside, ...lines, '}', ''].join('\n');
}

export function listDot(connections: readonly Connection[]): string {
  return graph(connections.map((c) => ({ src: c.src, dst: c.dst, label: connSetText(c.set) })));
}

const COLORS = { added: 'darkgreen', removed: 'red3', changed: 'darkorange3' } as const;

export function diffDot(changes: readonly ConnectionChange[]): string {
  return graph(
    changes.map((c) => ({
      src: c.src,
      dst: c.dst,
      label: c.change === 'changed' ? `${connSetText(c.old)} -> ${connSetText(c.new)}` : `${c.change}: ${connSetText(c.old ?? c.new)}`,
      color: COLORS[c.change],
    })),
  );
}
