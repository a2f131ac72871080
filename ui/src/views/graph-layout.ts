/**
 * @module The graph's layout, by dagre (from npm): endpoints as nodes clustered by namespace,
 * external ranges as nodes of their own, one edge per connection labelled with its ports. With a
 * focus only the focused workload and its peers; without one, a graph of namespaces when the whole
 * graph would be too large to read.
 */
import dagre from '@dagrejs/dagre';
import { endpointKey, endpointLabel, focusRef, groupOf, memberLabel } from '../model/endpoints.js';
import { formatSet } from '../model/ports.js';
import type { Connection, Endpoint } from '../model/types.js';

/** More endpoints than this without a focus: namespaces are drawn instead. */
export const MAX_NODES = 80;
const NODE_H = 30;
const LABEL_MAX = 28;

export interface PlacedNode {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly external: boolean;
  readonly focused: boolean;
  /** The focus parameter that centres the graph on this node, when it is a workload. */
  readonly focus: string | null;
}
export interface PlacedCluster {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly points: readonly { x: number; y: number }[];
  readonly labelAt: { x: number; y: number };
}
export interface GraphLayout {
  readonly level: 'endpoints' | 'namespaces';
  readonly nodes: PlacedNode[];
  readonly clusters: PlacedCluster[];
  readonly edges: PlacedEdge[];
  readonly width: number;
  readonly height: number;
  /** Connections drawn, as rows for the table beside the picture. */
  readonly rows: { from: string; to: string; ports: string }[];
}

const clip = (text: string): string => (text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text);
const textWidth = (text: string): number => Math.max(60, text.length * 7.2 + 24);

export function layoutGraph(connections: readonly Connection[], focus: string | null, endpointCount: number): GraphLayout {
  const isFocus = (e: Endpoint) => focus !== null && focusRef(e) === focus;
  const shown = focus ? connections.filter((c) => isFocus(c.src) || isFocus(c.dst)) : connections;
  const byNamespace = focus === null && endpointCount > MAX_NODES;

  const g = new dagre.graphlib.Graph({ compound: !byNamespace, multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 90, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const info = new Map<string, { label: string; title: string; external: boolean; focused: boolean; focus: string | null }>();
  const rows: GraphLayout['rows'] = [];
  const edgeLabels = new Map<string, Set<string>>();

  const addNode = (endpoint: Endpoint): string => {
    const id = byNamespace ? `ns:${groupOf(endpoint)}` : endpointKey(endpoint);
    if (info.has(id)) return id;
    const external = 'external' in endpoint;
    const label = clip(byNamespace ? groupOf(endpoint) : memberLabel(endpoint));
    info.set(id, { label, title: byNamespace ? groupOf(endpoint) : endpointLabel(endpoint), external, focused: isFocus(endpoint), focus: byNamespace ? null : focusRef(endpoint) });
    g.setNode(id, { width: textWidth(label), height: NODE_H });
    if (!byNamespace) {
      const cluster = `cluster:${groupOf(endpoint)}`;
      if (!g.hasNode(cluster)) g.setNode(cluster, { label: groupOf(endpoint) });
      g.setParent(id, cluster);
    }
    return id;
  };

  if (focus && shown.length === 0) {
    // A focused workload with no connection at all is still drawn, alone.
    const [namespace, name] = focus.split('/');
    if (namespace && name) addNode({ kind: 'Pod', namespace, name });
  }
  for (const connection of shown) {
    const [from, to] = [addNode(connection.src), addNode(connection.dst)];
    if (from === to) continue;
    const ports = formatSet(connection);
    const key = `${from}\n${to}`;
    if (!edgeLabels.has(key)) edgeLabels.set(key, new Set());
    edgeLabels.get(key)!.add(ports);
    if (!byNamespace) rows.push({ from: endpointLabel(connection.src), to: endpointLabel(connection.dst), ports });
  }
  for (const [key, labels] of edgeLabels) {
    const [from, to] = key.split('\n') as [string, string];
    const label = byNamespace ? `${labels.size === 1 ? [...labels][0] : 'mixed'}` : [...labels].join('; ');
    g.setEdge(from, to, { label: clip(label), width: textWidth(clip(label)) - 10, height: 16, labelpos: 'c' });
    if (byNamespace) rows.push({ from: from.slice(3), to: to.slice(3), ports: [...labels].join(' | ') });
  }
  dagre.layout(g);

  const nodes: PlacedNode[] = [];
  const clusters: PlacedCluster[] = [];
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (id.startsWith('cluster:')) {
      clusters.push({ name: id.slice(8), x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height });
      continue;
    }
    const meta = info.get(id)!;
    nodes.push({ id, ...meta, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height });
  }
  const edges: PlacedEdge[] = g.edges().map((e) => {
    const edge = g.edge(e);
    return { from: e.v, to: e.w, label: String(edge.label ?? ''), points: edge.points ?? [], labelAt: { x: edge.x ?? 0, y: edge.y ?? 0 } };
  });
  const graph = g.graph();
  return { level: byNamespace ? 'namespaces' : 'endpoints', nodes, clusters, edges, width: graph.width ?? 0, height: graph.height ?? 0, rows };
}
