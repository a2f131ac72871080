/**
 * @module The connectivity matrix as data: endpoints grouped by namespace on both axes, and for any
 * two axis items (a namespace or one workload) how many of their pairs are connected, fully, and
 * what a diff changed. Built once per list in one pass, so that rendering a cell is a map lookup
 * whatever the bundle's size.
 */
import { endpointKey, groupOf, memberLabel, OUTSIDE_GROUP } from './endpoints.js';
import { formatSet } from './ports.js';
import type { Change, ChangeKind, Connection, Endpoint } from './types.js';

export interface AxisMember {
  readonly key: string;
  readonly endpoint: Endpoint;
  readonly group: string;
  readonly label: string;
}
export interface AxisGroup {
  readonly name: string;
  readonly members: AxisMember[];
}
export type AxisItem =
  | { readonly kind: 'group'; readonly key: string; readonly group: AxisGroup; readonly expanded: boolean }
  | { readonly kind: 'member'; readonly key: string; readonly group: AxisGroup; readonly member: AxisMember };

export interface CellStats {
  connections: number;
  /** Connections that allow every port. */
  full: number;
  /** The port text of the first connection, and whether every connection has the same. */
  text: string;
  uniform: boolean;
  added: number;
  removed: number;
  changed: number;
}

export type Level = 'none' | 'some' | 'all' | 'self';
export interface CellView {
  readonly level: Level;
  /** What the cell says: `none`, `all`, `some`, or the port set when it is short and shared. */
  readonly text: string;
  /** Endpoint pairs the cell stands for (self pairs left out), and how many are connected. */
  readonly pairs: number;
  readonly connected: number;
  readonly stats: CellStats | undefined;
}

export type SortOrder = 'name' | 'connections';

const groupKey = (name: string): string => `g:${name}`;
const SHORT_TEXT = 12;

export class ConnectivityIndex {
  readonly groups: AxisGroup[];
  private readonly cells = new Map<string, CellStats>();
  private readonly degrees = new Map<string, number>();

  private constructor(
    readonly connections: readonly Connection[],
    readonly changes: readonly Change[],
  ) {
    const groups = new Map<string, AxisGroup>();
    const members = new Map<string, AxisMember>();
    const memberOf = (endpoint: Endpoint): AxisMember => {
      const key = endpointKey(endpoint);
      let member = members.get(key);
      if (!member) {
        member = { key, endpoint, group: groupOf(endpoint), label: memberLabel(endpoint) };
        members.set(key, member);
        let group = groups.get(member.group);
        if (!group) groups.set(member.group, (group = { name: member.group, members: [] }));
        group.members.push(member);
      }
      return member;
    };
    for (const connection of connections) {
      const [src, dst] = [memberOf(connection.src), memberOf(connection.dst)];
      if (src.key === dst.key) continue;
      const text = formatSet(connection);
      this.visit(src, dst, (stats) => {
        if (stats.connections === 0) stats.text = text;
        else if (stats.uniform && stats.text !== text) stats.uniform = false;
        stats.connections++;
        if (connection.all) stats.full++;
      });
    }
    for (const change of changes) {
      const [src, dst] = [memberOf(change.src), memberOf(change.dst)];
      const kind: ChangeKind = change.change;
      this.visit(src, dst, (stats) => stats[kind]++);
    }
    this.groups = [...groups.values()];
    for (const group of this.groups) group.members.sort((a, b) => a.label.localeCompare(b.label));
    this.groups.sort((a, b) => compareGroups(a.name, b.name));
  }

  static build(connections: readonly Connection[], changes: readonly Change[] = []): ConnectivityIndex {
    return new ConnectivityIndex(connections, changes);
  }

  /** Updates the four cells a pair counts in: member and namespace on each axis. */
  private visit(src: AxisMember, dst: AxisMember, update: (stats: CellStats) => void): void {
    const [sg, dg] = [groupKey(src.group), groupKey(dst.group)];
    for (const key of [`${src.key}\n${dst.key}`, `${src.key}\n${dg}`, `${sg}\n${dst.key}`, `${sg}\n${dg}`]) {
      let stats = this.cells.get(key);
      if (!stats) this.cells.set(key, (stats = { connections: 0, full: 0, text: '', uniform: true, added: 0, removed: 0, changed: 0 }));
      update(stats);
    }
    for (const key of [src.key, dst.key, sg, dg]) this.degrees.set(key, (this.degrees.get(key) ?? 0) + 1);
  }

  stats(row: AxisItem, col: AxisItem): CellStats | undefined {
    return this.cells.get(`${row.key}\n${col.key}`);
  }

  /** Connections and changes a key (member or namespace) takes part in, either way. */
  degree(key: string): number {
    return this.degrees.get(key) ?? 0;
  }

  /** How many endpoints there are in all. */
  get size(): number {
    return this.groups.reduce((n, g) => n + g.members.length, 0);
  }

  /** The axis: namespaces in order, the expanded ones followed by their members. */
  axis(expanded: ReadonlySet<string>, filter: string, order: SortOrder): AxisItem[] {
    const match = compileFilter(filter);
    const byOrder = <T extends { key: string }>(items: T[], name: (t: T) => string): T[] =>
      order === 'name' ? items : [...items].sort((a, b) => this.degree(b.key) - this.degree(a.key) || name(a).localeCompare(name(b)));
    const groups = byOrder(
      this.groups.map((group) => ({ key: groupKey(group.name), group })),
      (g) => g.group.name,
    );
    const items: AxisItem[] = [];
    for (const { key, group } of groups) {
      const members = group.members.filter((m) => match(m));
      if (members.length === 0) continue;
      const open = expanded.has(group.name);
      items.push({ kind: 'group', key, group, expanded: open });
      if (!open) continue;
      for (const member of byOrder(members, (m) => m.label)) items.push({ kind: 'member', key: member.key, group, member });
    }
    return items;
  }

  cell(row: AxisItem, col: AxisItem): CellView {
    const pairs = sizeOf(row) * sizeOf(col) - overlap(row, col);
    const stats = this.stats(row, col);
    const connected = stats?.connections ?? 0;
    if (pairs <= 0) return { level: 'self', text: 'self', pairs: 0, connected: 0, stats };
    if (connected === 0) return { level: 'none', text: 'none', pairs, connected, stats };
    if (stats!.full === pairs) return { level: 'all', text: 'all', pairs, connected, stats };
    // A shared port set is shown when short; "all ports" on part of the pairs would read as everything.
    const text = stats!.uniform && stats!.full === 0 && stats!.text.length <= SHORT_TEXT ? stats!.text : 'some';
    return { level: 'some', text, pairs, connected, stats };
  }

  /** The connections a cell stands for (for its details), at most `limit`. */
  connectionsIn(row: AxisItem, col: AxisItem, limit: number): Connection[] {
    return collect(this.connections, row, col, limit);
  }

  changesIn(row: AxisItem, col: AxisItem, limit: number): Change[] {
    return collect(this.changes, row, col, limit);
  }

  /** The axis item of an endpoint (its member when the namespace is expanded, else the namespace). */
  findMember(key: string): AxisMember | undefined {
    for (const group of this.groups) for (const member of group.members) if (member.key === key) return member;
    return undefined;
  }
}

function collect<T extends { src: Endpoint; dst: Endpoint }>(items: readonly T[], row: AxisItem, col: AxisItem, limit: number): T[] {
  const found: T[] = [];
  for (const item of items) {
    if (found.length >= limit) break;
    const [src, dst] = [endpointKey(item.src), endpointKey(item.dst)];
    if (src !== dst && contains(row, src, groupOf(item.src)) && contains(col, dst, groupOf(item.dst))) found.push(item);
  }
  return found;
}

function contains(item: AxisItem, key: string, group: string): boolean {
  return item.kind === 'member' ? item.key === key : item.group.name === group;
}

function sizeOf(item: AxisItem): number {
  return item.kind === 'member' ? 1 : item.group.members.length;
}

/** Self pairs inside a cell: an endpoint is never paired with itself. */
function overlap(row: AxisItem, col: AxisItem): number {
  if (row.group !== col.group) return 0;
  if (row.kind === 'group' && col.kind === 'group') return row.group.members.length;
  if (row.kind === 'member' && col.kind === 'member') return row.key === col.key ? 1 : 0;
  return 1;
}

/** Namespaces by name, the outside world last. */
function compareGroups(a: string, b: string): number {
  if (a === OUTSIDE_GROUP || b === OUTSIDE_GROUP) return a === b ? 0 : a === OUTSIDE_GROUP ? 1 : -1;
  return a.localeCompare(b);
}

/**
 * The filter box: words match a namespace or a workload name (substring, any case); `key=value`
 * words match workload labels when the API sends them. Every word must match.
 */
export function compileFilter(filter: string): (member: AxisMember) => boolean {
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (member) =>
    words.every((word) => {
      const eq = word.indexOf('=');
      if (eq > 0) {
        const labels = 'labels' in member.endpoint ? member.endpoint.labels : undefined;
        const value = labels?.[word.slice(0, eq)] ?? labels?.[Object.keys(labels).find((k) => k.toLowerCase() === word.slice(0, eq)) ?? ''];
        return value !== undefined && value.toLowerCase() === word.slice(eq + 1);
      }
      return member.group.toLowerCase().includes(word) || member.label.toLowerCase().includes(word);
    });
}
