/**
 * @module The outside world, per family, cut into cells that every rule treats alike: at each
 * ipBlock cidr and except, each ANP/CNP `networks` cidr and each Node address (a `nodes` peer
 * matches those). Pods' node addresses (status.hostIP) are cut out as single addresses on top,
 * because traffic between a pod and its own node is always allowed; an address a pod owns is that
 * pod, not the outside world, so owned addresses are removed from the cells.
 */
import type { Bundle } from '../model/bundle.js';
import { familyBits, parseIP, type CIDR, type IPFamily } from '../net/ip.js';
import { podAddresses } from './pod-addresses.js';

export const FAMILIES: readonly IPFamily[] = [4, 6];

/** Sorted cell starts of one family; cell i is [starts[i], starts[i+1] - 1]. starts[0] is 0. */
export type Cuts = readonly bigint[];

export function spaceEnd(family: IPFamily): bigint {
  return (1n << BigInt(familyBits(family))) - 1n;
}

/** The cells the rules' addresses create (not the pods' node addresses). */
export function ruleCuts(bundle: Bundle, family: IPFamily): Cuts {
  const starts = new Set<bigint>([0n]);
  const end = spaceEnd(family);
  const add = (lo: bigint, hi: bigint): void => {
    starts.add(lo);
    if (hi < end) starts.add(hi + 1n);
  };
  const addCIDR = (cidr: CIDR): void => {
    if (cidr.family !== family) return;
    add(cidr.base, cidr.base + (1n << BigInt(familyBits(family) - cidr.prefix)) - 1n);
  };
  for (const policy of bundle.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock') continue;
        addCIDR(peer.cidr);
        peer.except.forEach(addCIDR);
      }
    }
  }
  for (const policy of bundle.clusterPolicies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers) if (peer.kind === 'networks') peer.cidrs.forEach(addCIDR);
    }
  }
  for (const node of bundle.nodes) {
    for (const text of node.addresses) {
      const ip = parseIP(text);
      if (ip?.family === family) add(ip.value, ip.value);
    }
  }
  return sortBigints(starts);
}

/** The index of the cell holding `value`. */
export function cellOf(cuts: Cuts, value: bigint): number {
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cuts[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function sortBigints(values: Iterable<bigint>): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One piece of the outside world: a rule cell, or a pod's node address inside one. */
export interface AddressPiece {
  readonly family: IPFamily;
  readonly lo: bigint;
  readonly hi: bigint;
  /** The rule cell it lies in. */
  readonly cell: number;
  /** True when it is a single address that is some pod's node (status.hostIP). */
  readonly hostIP: boolean;
  /** Its addresses no pod owns, as inclusive ranges; never empty. */
  readonly ranges: readonly (readonly [bigint, bigint])[];
}

/**
 * The pieces of one family: rule cells, cut at every pod's node address, each minus the addresses
 * pods own; pieces that pods own entirely are left out.
 */
export function addressPieces(bundle: Bundle, family: IPFamily, cuts: Cuts): AddressPiece[] {
  const hostIPs = new Set<bigint>();
  const owned = new Set<bigint>();
  const addresses = podAddresses(bundle);
  bundle.pods.forEach((pod, p) => {
    for (const ip of addresses.hostIPs[p]!) if (ip.family === family) hostIPs.add(ip.value);
    if (pod.hostNetwork) return; // its address is its node's: outside pod networking
    for (const ip of addresses.ips[p]!) if (ip.family === family) owned.add(ip.value);
  });
  const starts = new Set<bigint>(cuts);
  const end = spaceEnd(family);
  for (const host of hostIPs) {
    starts.add(host);
    if (host < end) starts.add(host + 1n);
  }
  const sortedStarts = sortBigints(starts);
  const ownedSorted = sortBigints(owned);
  const pieces: AddressPiece[] = [];
  let ownedAt = 0;
  for (let i = 0; i < sortedStarts.length; i++) {
    const lo = sortedStarts[i]!;
    const hi = i + 1 < sortedStarts.length ? sortedStarts[i + 1]! - 1n : end;
    const ranges: [bigint, bigint][] = [];
    let next = lo;
    while (ownedAt < ownedSorted.length && ownedSorted[ownedAt]! <= hi) {
      const address = ownedSorted[ownedAt++]!;
      if (address > next) ranges.push([next, address - 1n]);
      next = address + 1n;
    }
    if (next <= hi) ranges.push([next, hi]);
    if (ranges.length === 0) continue;
    pieces.push({ family, lo, hi, cell: cellOf(cuts, lo), hostIP: lo === hi && hostIPs.has(lo), ranges });
  }
  return pieces;
}
