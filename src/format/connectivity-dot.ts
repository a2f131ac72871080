/**
 * @module `list` and `diff` as Graphviz graphs: workloads clustered by namespace, each outside range
 * group its own node, edges labelled with the ports (a diff colours added green, removed red,
 * changed orange).
 */
import type { ConnSet } from '../analysis/conn-set.js';
import { isExternal, endpointLabel, type AnalysisEndpoint } from '../analysis/endpoints.js';
import type { Connection } from '../analysis/connectivity.js';
import type { ConnectionChange } from '../analysis/diff.js';
import { connSetText } from './conn-set-text.js';
import { collectText, perObject, type ListWriter, type TextSink } from './list-writer.js';

const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A graph built edge by edge and written at its end (its nodes come first in the text): nodes get
 * ids in order of first appearance; an edge is kept as three numbers (its nodes and its interned
 * attributes), so a graph of millions of edges holds no text per edge until it is written.
 */
class DotGraph {
  private readonly ids = new Map<string, number>();
  private readonly byNamespace = new Map<string, string[]>();
  private readonly outside: string[] = [];
  private readonly attributeIds = new Map<string, number>();
  private readonly attributes: string[] = [];
  private edges = new Int32Array(3 * 256);
  private edgeCount = 0;

  edge(src: AnalysisEndpoint, dst: AnalysisEndpoint, label: string, color?: string): void {
    const text = `[label=${quote(label)}${color ? `, color=${color}, fontcolor=${color}` : ''}]`;
    let attribute = this.attributeIds.get(text);
    if (attribute === undefined) {
      this.attributeIds.set(text, (attribute = this.attributes.length));
      this.attributes.push(text);
    }
    if (3 * this.edgeCount + 3 > this.edges.length) {
      const bigger = new Int32Array(this.edges.length * 2);
      bigger.set(this.edges);
      this.edges = bigger;
    }
    const at = 3 * this.edgeCount++;
    this.edges[at] = this.id(src);
    this.edges[at + 1] = this.id(dst);
    this.edges[at + 2] = attribute;
  }

  write(sink: TextSink): void {
    sink.write('digraph connectivity {\n  rankdir=LR;\n  node [shape=ellipse, fontsize=10];\n  edge [fontsize=9];\n');
    let i = 0;
    for (const [namespace, nodes] of this.byNamespace) {
      sink.write(`  subgraph cluster_${i++} {\n    label=${quote(namespace)};\n${nodes.map((node) => `${node}\n`).join('')}  }\n`);
    }
    for (const node of this.outside) sink.write(`${node}\n`);
    const { edges, attributes } = this;
    for (let at = 0; at < 3 * this.edgeCount; at += 3) sink.write(`  n${edges[at]} -> n${edges[at + 1]} ${attributes[edges[at + 2]!]};\n`);
    sink.write('}\n');
  }

  private id(endpoint: AnalysisEndpoint): number {
    const label = endpointLabel(endpoint);
    let found = this.ids.get(label);
    if (found !== undefined) return found;
    found = this.ids.size;
    this.ids.set(label, found);
    if (isExternal(endpoint)) {
      this.outside.push(`  n${found} [label=${quote(endpoint.external.join('\n'))}, shape=box, style=dashed];`);
    } else {
      const nodes = this.byNamespace.get(endpoint.namespace) ?? [];
      nodes.push(`    n${found} [label=${quote(`${endpoint.name}\n${endpoint.kind}`)}];`);
      this.byNamespace.set(endpoint.namespace, nodes);
    }
    return found;
  }
}

export function dotListWriter(sink: TextSink): ListWriter {
  const graph = new DotGraph();
  const ports = perObject((set: ConnSet) => connSetText(set));
  return {
    connection: (c) => graph.edge(c.src, c.dst, ports(c.set)),
    end: () => graph.write(sink),
  };
}

export function listDot(connections: readonly Connection[]): string {
  return collectText((sink) => {
    const writer = dotListWriter(sink);
    for (const c of connections) writer.connection(c);
    writer.end();
  });
}

const COLORS = { added: 'darkgreen', removed: 'red3', changed: 'darkorange3' } as const;

export function diffDot(changes: readonly ConnectionChange[]): string {
  const graph = new DotGraph();
  for (const c of changes) {
    const label = c.change === 'changed' ? `${connSetText(c.old)} -> ${connSetText(c.new)}` : `${c.change}: ${connSetText(c.old ?? c.new)}`;
    graph.edge(c.src, c.dst, label, COLORS[c.change]);
  }
  return collectText((sink) => graph.write(sink));
}
