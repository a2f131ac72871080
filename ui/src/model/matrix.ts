/**
 * @module The connectivity matrix as data: endpoints grouped by namespace on both axes, and for any
 * two axis items (a namespace or one workload) how many of their pairs are connected, fully, and
 * what a diff changed. Built once per list in one pass, so that rendering a cell is an array or map
 * lookup whatever the bundle's size.
 */
import { endpointKey, groupOf, memberLabel, OUTSIDE_GROUP } from './endpoints.js';
import { formatSet } from './ports.js';
import type { Change, Connection, Endpoint } from './types.js';

export interface AxisMember {
  readonly key: string;
  /** Position in the index's arrays. */
  readonly index: number;
  readonly endpoint: Endpoint;
  readonly group: string;
  readonly label: string;
}
export interface AxisGroup {
  readonly name: string;
  readonly index: number;
  readonly members: AxisMember[];
}
export type AxisItem =
  | { readonly kind: 'group'; readonly key: string; readonly group: AxisGroup; readonly expanded: boolean }
  | { readonly kind: 'member'; readonly key: string; readonly group: AxisGroup; readonly member: AxisMember };

export interface CellStats {
  readonly connections: number;
  /** Connections that allow every port. */
  readonly full: number;
  /** The port text shared by every connection of the cell, or null when they differ. */
  readonly text: string | null;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
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

const SHORT_TEXT = 12;
/** Fields of one cell in the count arrays. */
const CONNECTIONS = 0;
const FULL = 1;
const TEXT = 2;
const ADDED = 3;
const REMOVED = 4;
const CHANGED = 5;
const FIELDS = 6;
/** TEXT: no connection yet, or connections with different port sets. */
const NO_TEXT = -1;
const MIXED = -2;
const CHANGE_FIELD = { added: ADDED, removed: REMOVED, changed: CHANGED } as const;

/**
 * Counts per cell in flat typed arrays (namespace x namespace, workload x namespace, namespace x
 * workload), and the pairs of two workloads in a map: a list of hundreds of thousands of connections
 * is indexed in one pass with no object per cell.
 */
export class ConnectivityIndex {
  readonly groups: AxisGroup[];
  private readonly members: AxisMember[] = [];
  private readonly texts: string[] = [];
  private readonly groupGroup: Int32Array;
  private readonly memberGroup: Int32Array;
  private readonly groupMember: Int32Array;
  /** `src * members + dst` to the connection's index, and to its change's index. */
  private readonly pairConnection = new Map<number, number>();
  private readonly pairChange = new Map<number, number>();
  private readonly degrees: Int32Array;

  private constructor(
    readonly connections: readonly Connection[],
    readonly changes: readonly Change[],
    endpoints: readonly Endpoint[],
  ) {
    const byName = new Map<string, AxisGroup>();
    const byKey = new Map<string, AxisMember>();
    const memberOf = (endpoint: Endpoint): number => {
      const key = endpointKey(endpoint);
      let member = byKey.get(key);
      if (!member) {
        const name = groupOf(endpoint);
        let group = byName.get(name);
        if (!group) byName.set(name, (group = { name, index: byName.size, members: [] }));
        member = { key, index: this.members.length, endpoint, group: name, label: memberLabel(endpoint) };
        byKey.set(key, member);
        this.members.push(member);
        group.members.push(member);
      }
      return member.index;
    };
    const ends = (items: readonly { src: Endpoint; dst: Endpoint }[]): Int32Array => {
      const out = new Int32Array(items.length * 2);
      items.forEach((item, i) => {
        out[2 * i] = memberOf(item.src);
        out[2 * i + 1] = memberOf(item.dst);
      });
      return out;
    };
    // Every listed endpoint is on the axes, those with no connection too; the list's carry labels.
    for (const endpoint of endpoints) memberOf(endpoint);
    const connectionEnds = ends(connections);
    const changeEnds = ends(changes);
    const [M, G] = [this.members.length, byName.size];
    const groupOfMember = Int32Array.from(this.members, (m) => byName.get(m.group)!.index);
    this.groupGroup = new Int32Array(G * G * FIELDS);
    this.memberGroup = new Int32Array(M * G * FIELDS);
    this.groupMember = new Int32Array(G * M * FIELDS);
    for (const counts of [this.groupGroup, this.memberGroup, this.groupMember]) for (let i = TEXT; i < counts.length; i += FIELDS) counts[i] = NO_TEXT;
    this.degrees = new Int32Array(M + G);
    const textIds = new Map<string, number>();
    const textId = (text: string): number => {
      let id = textIds.get(text);
      if (id === undefined) textIds.set(text, (id = this.texts.push(text) - 1));
      return id;
    };
    const allPorts = textId('all ports');

    // The three aggregated cells of a pair: namespace x namespace, workload x namespace, namespace x workload.
    const arrays = [this.groupGroup, this.memberGroup, this.groupMember];
    const offsets = new Int32Array(3);
    const place = (src: number, dst: number): void => {
      const [sg, dg] = [groupOfMember[src]!, groupOfMember[dst]!];
      offsets[0] = (sg * G + dg) * FIELDS;
      offsets[1] = (src * G + dg) * FIELDS;
      offsets[2] = (sg * M + dst) * FIELDS;
      this.degrees[src]!++;
      this.degrees[dst]!++;
      this.degrees[M + sg]!++;
      this.degrees[M + dg]!++;
    };
    for (let i = 0; i < connections.length; i++) {
      const [src, dst] = [connectionEnds[2 * i]!, connectionEnds[2 * i + 1]!];
      if (src === dst) continue;
      const connection = connections[i]!;
      this.pairConnection.set(src * M + dst, i);
      const text = connection.all ? allPorts : textId(formatSet(connection));
      place(src, dst);
      for (let level = 0; level < 3; level++) {
        const [counts, at] = [arrays[level]!, offsets[level]!];
        counts[at + CONNECTIONS]!++;
        if (connection.all) counts[at + FULL]!++;
        const shared = counts[at + TEXT]!;
        counts[at + TEXT] = shared === NO_TEXT || shared === text ? text : MIXED;
      }
    }
    for (let i = 0; i < changes.length; i++) {
      const [src, dst] = [changeEnds[2 * i]!, changeEnds[2 * i + 1]!];
      if (src === dst) continue;
      this.pairChange.set(src * M + dst, i);
      place(src, dst);
      const field = CHANGE_FIELD[changes[i]!.change];
      for (let level = 0; level < 3; level++) arrays[level]![offsets[level]! + field]!++;
    }

    this.groups = [...byName.values()];
    for (const group of this.groups) group.members.sort((a, b) => a.label.localeCompare(b.label));
    this.groups.sort((a, b) => compareGroups(a.name, b.name));
  }

  /** `endpoints`: the list's workloads (with labels), placed on the axes whether connected or not. */
  static build(connections: readonly Connection[], changes: readonly Change[] = [], endpoints: readonly Endpoint[] = []): ConnectivityIndex {
    return new ConnectivityIndex(connections, changes, endpoints);
  }

  /**
   * The same matrix over the members `keep` accepts: connections and changes between two of them,
   * so that a namespace's cells count only the workloads shown.
   */
  restrict(keep: (member: AxisMember) => boolean): ConnectivityIndex {
    const kept = new Set<string>();
    const endpoints: Endpoint[] = [];
    for (const member of this.members) {
      if (!keep(member)) continue;
      kept.add(member.key);
      endpoints.push(member.endpoint);
    }
    const between = (item: { src: Endpoint; dst: Endpoint }) => kept.has(endpointKey(item.src)) && kept.has(endpointKey(item.dst));
    return new ConnectivityIndex(this.connections.filter(between), this.changes.filter(between), endpoints);
  }

  stats(row: AxisItem, col: AxisItem): CellStats | undefined {
    const [M, G] = [this.members.length, this.groups.length];
    if (row.kind === 'member' && col.kind === 'member') {
      const pair = row.member.index * M + col.member.index;
      const connection = this.connections[this.pairConnection.get(pair) ?? -1];
      const change = this.changes[this.pairChange.get(pair) ?? -1];
      if (!connection && !change) return undefined;
      return {
        connections: connection ? 1 : 0,
        full: connection?.all ? 1 : 0,
        text: connection ? formatSet(connection) : null,
        added: change?.change === 'added' ? 1 : 0,
        removed: change?.change === 'removed' ? 1 : 0,
        changed: change?.change === 'changed' ? 1 : 0,
      };
    }
    const [counts, at] =
      row.kind === 'group' && col.kind === 'group'
        ? [this.groupGroup, (row.group.index * G + col.group.index) * FIELDS]
        : row.kind === 'member'
          ? [this.memberGroup, (row.member.index * G + col.group.index) * FIELDS]
          : [this.groupMember, (row.group.index * M + (col as { member: AxisMember }).member.index) * FIELDS];
    const text = counts[at + TEXT]!;
    return {
      connections: counts[at + CONNECTIONS]!,
      full: counts[at + FULL]!,
      text: text >= 0 ? this.texts[text]! : null,
      added: counts[at + ADDED]!,
      removed: counts[at + REMOVED]!,
      changed: counts[at + CHANGED]!,
    };
  }

  /** Connections and changes an axis item takes part in, either way. */
  degree(item: { kind: 'group' | 'member'; index: number }): number {
    return this.degrees[item.kind === 'member' ? item.index : this.members.length + item.index] ?? 0;
  }

  /** How many endpoints there are in all. */
  get size(): number {
    return this.members.length;
  }

  /** The axis: namespaces in order, the expanded ones followed by their members. */
  axis(expanded: ReadonlySet<string>, order: SortOrder): AxisItem[] {
    const byOrder = <T>(items: T[], degree: (t: T) => number, name: (t: T) => string): T[] =>
      order === 'name' ? items : [...items].sort((a, b) => degree(b) - degree(a) || name(a).localeCompare(name(b)));
    const groups = byOrder(this.groups, (g) => this.degree({ kind: 'group', index: g.index }), (g) => g.name);
    const items: AxisItem[] = [];
    for (const group of groups) {
      const members = group.members;
      if (members.length === 0) continue;
      const open = expanded.has(group.name);
      items.push({ kind: 'group', key: `g:${group.name}`, group, expanded: open });
      if (!open) continue;
      const ordered = byOrder(members, (m) => this.degree({ kind: 'member', index: m.index }), (m) => m.label);
      for (const member of ordered) items.push({ kind: 'member', key: member.key, group, member });
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
    const shared = stats!.text;
    const text = shared !== null && stats!.full === 0 && shared.length <= SHORT_TEXT ? shared : 'some';
    return { level: 'some', text, pairs, connected, stats };
  }

  /** The connections a cell stands for (for its details), at most `limit`. */
  connectionsIn(row: AxisItem, col: AxisItem, limit: number): Connection[] {
    return collect(this.connections, row, col, limit);
  }

  changesIn(row: AxisItem, col: AxisItem, limit: number): Change[] {
    return collect(this.changes, row, col, limit);
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
