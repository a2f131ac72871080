/**
 * @module A connection set: the protocols and destination ports one endpoint may open to another,
 * as sorted, disjoint, merged inclusive port ranges per protocol (the JSON interface's CONNSET).
 */
import { PROTOCOLS, type Protocol } from '../model/bundle.js';

export type PortRange = readonly [from: number, to: number];

export interface ConnSet {
  /** True when every port of TCP, UDP and SCTP is allowed. */
  readonly all: boolean;
  readonly ports: Readonly<Record<Protocol, readonly PortRange[]>>;
}

export const MAX_PORT = 65_535;

export const EMPTY_CONN_SET: ConnSet = { all: false, ports: { TCP: [], UDP: [], SCTP: [] } };

export function isEmptyConnSet(set: ConnSet): boolean {
  return PROTOCOLS.every((protocol) => set.ports[protocol].length === 0);
}

/** Builds a set from ranges in any order; overlapping or adjacent ranges are merged. */
export function connSetOf(ports: Partial<Record<Protocol, readonly PortRange[]>>): ConnSet {
  const merged = { TCP: mergeRanges(ports.TCP ?? []), UDP: mergeRanges(ports.UDP ?? []), SCTP: mergeRanges(ports.SCTP ?? []) };
  const all = PROTOCOLS.every((p) => merged[p].length === 1 && merged[p][0]![0] === 1 && merged[p][0]![1] === MAX_PORT);
  return { all, ports: merged };
}

export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

export function unionConnSets(a: ConnSet, b: ConnSet): ConnSet {
  if (a.all || isEmptyConnSet(b)) return a;
  if (b.all || isEmptyConnSet(a)) return b;
  return connSetOf({
    TCP: [...a.ports.TCP, ...b.ports.TCP],
    UDP: [...a.ports.UDP, ...b.ports.UDP],
    SCTP: [...a.ports.SCTP, ...b.ports.SCTP],
  });
}

export function connSetKey(set: ConnSet): string {
  return PROTOCOLS.map((p) => set.ports[p].map(([a, b]) => `${a}-${b}`).join(',')).join('|');
}

export function connSetsEqual(a: ConnSet, b: ConnSet): boolean {
  return connSetKey(a) === connSetKey(b);
}

export function connSetAllows(set: ConnSet, protocol: Protocol, port: number): boolean {
  return set.ports[protocol].some(([from, to]) => from <= port && port <= to);
}
