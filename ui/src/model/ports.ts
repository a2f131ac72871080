/** @module Port sets: union, equality and the short text the matrix cells and lists show. */
import { PROTOCOLS, type ConnectionSet, type PortSet, type Protocol } from './types.js';

type Ranges = readonly (readonly [number, number])[];

export const EMPTY_PORTS: PortSet = { TCP: [], UDP: [], SCTP: [] };
const FULL: Ranges = [[1, 65535]];

/** Merges two sorted range lists into one sorted, disjoint, merged list. */
export function unionRanges(a: Ranges, b: Ranges): [number, number][] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of all) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

/** The ports a connection set allows, with `all` spelled out as every port of each protocol. */
export function portsOf(set: ConnectionSet): PortSet {
  return set.all ? { TCP: FULL, UDP: FULL, SCTP: FULL } : set.ports;
}

export function unionPorts(a: PortSet, b: PortSet): PortSet {
  return { TCP: unionRanges(a.TCP, b.TCP), UDP: unionRanges(a.UDP, b.UDP), SCTP: unionRanges(a.SCTP, b.SCTP) };
}

export function isFull(ports: PortSet): boolean {
  return PROTOCOLS.every((p) => ports[p].length === 1 && ports[p][0]![0] === 1 && ports[p][0]![1] === 65535);
}

export function isEmpty(ports: PortSet): boolean {
  return PROTOCOLS.every((p) => ports[p].length === 0);
}

function rangeText([lo, hi]: readonly [number, number]): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/** `TCP 80, 443; UDP 53`, or `all ports` and `no ports`. */
export function formatPorts(ports: PortSet): string {
  if (isFull(ports)) return 'all ports';
  const parts = PROTOCOLS.filter((p) => ports[p].length > 0).map(
    (p) => `${p} ${ports[p].length === 1 && ports[p][0]![0] === 1 && ports[p][0]![1] === 65535 ? 'all' : ports[p].map(rangeText).join(', ')}`,
  );
  return parts.length === 0 ? 'no ports' : parts.join('; ');
}

/** The set as text, `all ports` when `all` is set. */
export function formatSet(set: ConnectionSet | null): string {
  if (set === null) return 'nothing';
  return set.all ? 'all ports' : formatPorts(set.ports);
}

/** The first port of a set, to explain one concrete flow of it: `[protocol, port]`. */
export function firstPort(set: ConnectionSet): [Protocol, number] | null {
  const ports = portsOf(set);
  for (const protocol of PROTOCOLS) {
    const range = ports[protocol][0];
    if (range) return [protocol, range[0]];
  }
  return null;
}
