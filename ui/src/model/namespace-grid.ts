/**
 * @module The namespace-level matrix for bundles too large for the whole list: namespaces on both
 * axes from `connectivity?group=namespace`, and a namespace expanded into its workloads on both
 * axes from that namespace's own rows (`?namespace=NS`: every connection into or out of it), folded
 * to the other axis's namespaces or workloads.
 */
import { endpointKey } from './endpoints.js';
import { EMPTY_PORTS, formatSet, isFull, portsOf, unionPorts } from './ports.js';
import { isExternal, type ConnectivityList, type NamespaceCell, type NamespaceMatrixAnswer, type PortSet, type WorkloadEndpoint } from './types.js';

export type GridLevel = 'none' | 'some' | 'all' | 'self';

export interface GridCell {
  readonly level: GridLevel;
  /** `none`, `all`, `some`, or the port set when it is short. */
  readonly text: string;
  /** The whole port set, for the title and the details. */
  readonly ports: string;
  readonly pairs: number;
  readonly connected: number;
}

/** A namespace, or one workload of an expanded namespace, on either axis. */
export type GridItem =
  | { readonly kind: 'namespace'; readonly ns: string; readonly name: string }
  | { readonly kind: 'workload'; readonly ns: string; readonly name: string; readonly workload: WorkloadEndpoint };

const SHORT_TEXT = 12;
const SELF: GridCell = { level: 'self', text: 'self', ports: 'the same workload', pairs: 0, connected: 0 };

function cellOf(pairs: number, folded: Folded | undefined): GridCell {
  if (!folded || folded.connected === 0) return { level: 'none', text: 'none', ports: 'nothing', pairs, connected: 0 };
  const ports = formatSet(folded.set);
  if (folded.full === pairs) return { level: 'all', text: 'all', ports, pairs, connected: folded.connected };
  return { level: 'some', text: ports.length <= SHORT_TEXT ? ports : 'some', ports, pairs, connected: folded.connected };
}

interface Folded {
  connected: number;
  full: number;
  set: { all: boolean; ports: PortSet };
}

/** The namespace matrix's cells by `src\0dst`. */
export class NamespaceGrid {
  readonly namespaces: readonly { readonly name: string; readonly workloads: number }[];
  private readonly cells = new Map<string, NamespaceCell>();
  private readonly sizes = new Map<string, number>();

  constructor(answer: NamespaceMatrixAnswer) {
    this.namespaces = answer.namespaces;
    for (const ns of answer.namespaces) this.sizes.set(ns.name, ns.workloads);
    for (const cell of answer.cells) this.cells.set(`${cell.src}\0${cell.dst}`, cell);
  }

  workloadsIn(namespace: string): number {
    return this.sizes.get(namespace) ?? 0;
  }

  /** Any two axis items; a workload needs its namespace's rows in `expanded`, else it is not on the axes. */
  cell(row: GridItem, col: GridItem, expanded: ReadonlyMap<string, NamespaceRows>): GridCell {
    const distinct = (a: string, b: string) => (a === b ? 1 : 0);
    if (row.kind === 'namespace' && col.kind === 'namespace') {
      const found = this.cells.get(`${row.ns}\0${col.ns}`);
      const pairs = this.workloadsIn(row.ns) * this.workloadsIn(col.ns) - distinct(row.ns, col.ns) * this.workloadsIn(row.ns);
      return cellOf(pairs, found && { connected: found.connected, full: found.allowedEverything, set: found });
    }
    if (row.kind === 'workload' && col.kind === 'workload') {
      if (endpointKey(row.workload) === endpointKey(col.workload)) return SELF;
      return cellOf(1, expanded.get(row.ns)?.fold(endpointKey(row.workload), endpointKey(col.workload)));
    }
    if (row.kind === 'workload') return cellOf(this.workloadsIn(col.ns) - distinct(row.ns, col.ns), expanded.get(row.ns)?.fold(endpointKey(row.workload), col.ns));
    return cellOf(this.workloadsIn(row.ns) - distinct(row.ns, col.ns), expanded.get(col.ns)?.fold(row.ns, endpointKey((col as { workload: WorkloadEndpoint }).workload)));
  }
}

/** One namespace's rows (`?namespace=NS`), folded by workload or namespace on each side. */
export class NamespaceRows {
  readonly workloads: readonly WorkloadEndpoint[];
  private readonly folded = new Map<string, Folded>();

  constructor(namespace: string, list: ConnectivityList) {
    this.workloads = (list.workloads ?? []).filter((w) => w.namespace === namespace);
    for (const c of list.connections) {
      if (isExternal(c.src) || isExternal(c.dst)) continue;
      const [src, dst] = [endpointKey(c.src), endpointKey(c.dst)];
      if (src === dst) continue;
      // Workload to workload, workload to namespace and namespace to workload: the keys a cell asks for.
      const keys = new Set([`${src}\0${dst}`, `${src}\0${c.dst.namespace}`, `${c.src.namespace}\0${dst}`]);
      for (const key of keys) this.add(key, c);
    }
  }

  /** What `from` (a workload key or a namespace) may open to `to` (the same). */
  fold(from: string, to: string): Folded | undefined {
    return this.folded.get(`${from}\0${to}`);
  }

  private add(key: string, c: ConnectivityList['connections'][number]): void {
    let entry = this.folded.get(key);
    if (!entry) this.folded.set(key, (entry = { connected: 0, full: 0, set: { all: false, ports: EMPTY_PORTS } }));
    entry.connected++;
    if (c.all) entry.full++;
    const ports = unionPorts(entry.set.ports, portsOf(c));
    entry.set = { all: isFull(ports), ports };
  }
}
