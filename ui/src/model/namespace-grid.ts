/**
 * @module The namespace-level matrix for bundles too large for the whole list: namespaces on both
 * axes from `connectivity?group=namespace`, and, for a namespace expanded, its workloads as rows,
 * each folded to the destination namespaces from that namespace's own rows (`?namespace=NS`).
 */
import { endpointKey } from './endpoints.js';
import { EMPTY_PORTS, formatSet, isFull, portsOf, unionPorts } from './ports.js';
import { isExternal, type ConnectivityList, type NamespaceCell, type NamespaceMatrixAnswer, type WorkloadEndpoint } from './types.js';

export type GridLevel = 'none' | 'some' | 'all';

export interface GridCell {
  readonly level: GridLevel;
  /** `none`, `all`, `some`, or the port set when it is short. */
  readonly text: string;
  /** The whole port set, for the title and the details. */
  readonly ports: string;
  readonly pairs: number;
  readonly connected: number;
}

const SHORT_TEXT = 12;

function cellOf(pairs: number, connected: number, full: number, set: { all: boolean; ports: NamespaceCell['ports'] } | null): GridCell {
  if (connected === 0 || set === null) return { level: 'none', text: 'none', ports: 'nothing', pairs, connected };
  const ports = formatSet(set);
  if (full === pairs) return { level: 'all', text: 'all', ports, pairs, connected };
  return { level: 'some', text: ports.length <= SHORT_TEXT ? ports : 'some', ports, pairs, connected };
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

  cell(src: string, dst: string): GridCell {
    const n = this.sizes.get(src) ?? 0;
    const pairs = src === dst ? n * (n - 1) : n * (this.sizes.get(dst) ?? 0);
    const found = this.cells.get(`${src}\0${dst}`);
    return found ? cellOf(pairs, found.connected, found.allowedEverything, found) : cellOf(pairs, 0, 0, null);
  }

  /** Each destination namespace's workload count, to count a workload row's pairs. */
  workloadsIn(namespace: string): number {
    return this.sizes.get(namespace) ?? 0;
  }
}

/** The workloads of one expanded namespace, each folded to destination namespaces. */
export interface WorkloadRows {
  readonly workloads: readonly WorkloadEndpoint[];
  cell(workload: WorkloadEndpoint, dstNamespace: string): GridCell;
}

/** Folds `?namespace=NS` (connections into or out of NS) to rows: NS's workloads by destination namespace. */
export function workloadRows(grid: NamespaceGrid, namespace: string, list: ConnectivityList): WorkloadRows {
  const workloads = (list.workloads ?? []).filter((w) => w.namespace === namespace);
  const folded = new Map<string, { connected: number; full: number; ports: typeof EMPTY_PORTS }>();
  for (const c of list.connections) {
    if (isExternal(c.src) || isExternal(c.dst) || c.src.namespace !== namespace) continue;
    if (endpointKey(c.src) === endpointKey(c.dst)) continue;
    const key = `${endpointKey(c.src)}\0${c.dst.namespace}`;
    let entry = folded.get(key);
    if (!entry) folded.set(key, (entry = { connected: 0, full: 0, ports: EMPTY_PORTS }));
    entry.connected++;
    if (c.all) entry.full++;
    entry.ports = unionPorts(entry.ports, portsOf(c));
  }
  return {
    workloads,
    cell(workload, dst) {
      const pairs = grid.workloadsIn(dst) - (dst === workload.namespace ? 1 : 0);
      const entry = folded.get(`${endpointKey(workload)}\0${dst}`);
      if (!entry) return cellOf(pairs, 0, 0, null);
      return cellOf(pairs, entry.connected, entry.full, { all: isFull(entry.ports), ports: entry.ports });
    },
  };
}
