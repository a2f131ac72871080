/**
 * @module The cluster-wide tiers' sections of the image (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy): policy and rule rows, rule peers as identity bitsets and address intervals,
 * and per identity the rules of each tier and direction in evaluation order, each distinct list
 * stored once and each distinct set of lists once (CLUSTER_LIST_SETS).
 */
import type { Bundle, ClusterAction, ClusterPort, Selector } from '../model/bundle.js';
import type { Direction } from '../model/decision.js';
import { EMPTY_SELECTOR as EMPTY, selectorMatches } from '../model/selector.js';
import { parseIP, type CIDR, type IP } from '../net/ip.js';
import { addressIntervals, holdsAnyOf, type Interval } from './intervals.js';
import {
  CLUSTER_ACTION,
  CLUSTER_LIST_ENTRY_WORDS,
  CLUSTER_LIST_SET_STRIDE,
  CLUSTER_POD_BITS_ANY,
  CLUSTER_POLICY_ROW,
  CLUSTER_POLICY_STRIDE,
  CLUSTER_RULE_FLAG,
  CLUSTER_RULE_ROW,
  CLUSTER_RULE_STRIDE,
  CLUSTER_SUBJECT,
  CLUSTER_TIER,
  CLUSTER_TIER_COUNT,
  DIRECTION_COUNT,
  NONE,
  POD_PEER_ROW,
  POD_PEER_STRIDE,
  PORT_ANY_PROTOCOL,
  PORT_KIND,
  PORT_ROW,
  PORT_STRIDE,
  PROTOCOL_CODE,
  SECTION,
} from './layout.js';
import { BitsetPool, DIRECTIONS, matcherWords, PeerUnion, pushRow } from './section-rows.js';

/** What the cluster sections need of the compiler: the bundle, its identities and selectors. */
export interface ClusterScope {
  readonly bundle: Bundle;
  readonly identityCount: number;
  readonly portNameIds: ReadonlyMap<string, number>;
  selectorId(selector: Selector): number;
  /** The identities of `namespaces` that `selector` selects. */
  matching(selector: Selector, namespaces: readonly number[]): number[];
  namespacesMatching(selector: Selector): number[];
  /** The bitset of a pod peer (cached by `key`). */
  peerSet(key: string, podSelector: Selector, namespaces: () => readonly number[], identityWords: number): Uint32Array;
  /** Every address of a pod that is no hostNetwork pod, per family, ascending. */
  podPeerAddresses(): Record<4 | 6, bigint[]>;
}

/**
 * Cluster-wide policies: subjects resolved to identities, each rule's pod and namespace peers to
 * an identity bitset (and selector pairs, for ad-hoc peers), its networks and selected nodes'
 * addresses to intervals; per tier, direction and identity, the rules in evaluation order.
 */
export function clusterSections(scope: ClusterScope, identityWords: number): {
  sections: Map<number, Uint32Array>;
  rules: [number, Direction, number, string, ClusterAction][];
  /** Per identity, its row of CLUSTER_LIST_SETS. */
  listSets: number[];
} {
  const policyRows: number[] = [];
  const ruleRows: number[] = [];
  const podPeers: number[] = [];
  const ruleMeta: [number, Direction, number, string, ClusterAction][] = [];
  const lists = Array.from({ length: CLUSTER_TIER_COUNT * DIRECTION_COUNT * scope.identityCount }, (): number[] => []);
  const listMatchers: Set<string>[] = [];
  const peerBits = new BitsetPool(identityWords);
  const v4: number[] = [];
  const v6: number[] = [];
  const ports: number[] = [];
  const nodeAddresses = scope.bundle.nodes.map((node) => ({ labels: node.labels, ips: node.addresses.map((a) => parseIP(a)!) }));
  let podAddresses: Record<4 | 6, bigint[]> | undefined;
  /** The rule's intervals hold some address a pod peer (no hostNetwork pod) can have. */
  const holdsPodAddress = (intervals: readonly Interval[], family: 4 | 6): boolean => {
    if (intervals.length === 0) return false;
    podAddresses ??= scope.podPeerAddresses();
    return holdsAnyOf(intervals, podAddresses[family]);
  };
  let ruleId = 0;

  scope.bundle.clusterPolicies.forEach((policy, policyIndex) => {
    const tier = policy.tier === 'admin' ? CLUSTER_TIER.ADMIN : CLUSTER_TIER.BASELINE;
    const subjectNamespaces = scope.namespacesMatching(policy.subject.namespaceSelector);
    const subject = scope.matching(policy.subject.kind === 'pods' ? policy.subject.podSelector : EMPTY, subjectNamespaces);
    const ingressStart = ruleId;
    const egressStart = ingressStart + policy.ingress.length;
    pushRow(policyRows, CLUSTER_POLICY_ROW, CLUSTER_POLICY_STRIDE, {
      TIER: tier,
      SUBJECT_KIND: policy.subject.kind === 'pods' ? CLUSTER_SUBJECT.PODS : CLUSTER_SUBJECT.NAMESPACES,
      NAMESPACE_SELECTOR: scope.selectorId(policy.subject.namespaceSelector),
      POD_SELECTOR: policy.subject.kind === 'pods' ? scope.selectorId(policy.subject.podSelector) : NONE,
      INGRESS_START: ingressStart,
      INGRESS_COUNT: policy.ingress.length,
      EGRESS_START: egressStart,
      EGRESS_COUNT: policy.egress.length,
    });
    DIRECTIONS.forEach((direction, d) => {
      const rules = direction === 'ingress' ? policy.ingress : policy.egress;
      rules.forEach((rule, index) => {
        const id = ruleId++;
        ruleMeta.push([policyIndex, direction, index, rule.name, rule.action]);
        let flags = 0;
        if (rule.ports === null) flags |= CLUSTER_RULE_FLAG.ALL_PORTS;
        if (rule.unrecognisedPeers > 0 && rule.action !== 'Allow') flags |= CLUSTER_RULE_FLAG.MATCHES_ALL_PEERS;
        const members = new PeerUnion(identityWords);
        const podPeerStart = podPeers.length / POD_PEER_STRIDE;
        const cidrs: CIDR[] = [];
        const addresses: IP[] = [];
        for (const peer of rule.peers) {
          if (peer.kind === 'namespaces' || peer.kind === 'pods') {
            const nsSelector = scope.selectorId(peer.namespaceSelector);
            const podSelector = peer.kind === 'pods' ? scope.selectorId(peer.podSelector) : NONE;
            const namespaces = () => scope.namespacesMatching(peer.namespaceSelector);
            members.add(scope.peerSet(`ns ${nsSelector} ${podSelector}`, peer.kind === 'pods' ? peer.podSelector : EMPTY, namespaces, identityWords));
            pushRow(podPeers, POD_PEER_ROW, POD_PEER_STRIDE, { NAMESPACE_SELECTOR: nsSelector, POD_SELECTOR: podSelector });
          } else if (peer.kind === 'networks') {
            cidrs.push(...peer.cidrs);
          } else {
            for (const node of nodeAddresses) if (selectorMatches(peer.nodeSelector, node.labels)) addresses.push(...node.ips);
          }
        }
        const podPeerCount = podPeers.length / POD_PEER_STRIDE - podPeerStart;
        const bits = podPeerCount > 0 ? peerBits.offsetOf(members.set()) : NONE;
        const v4Intervals = addressIntervals(cidrs, addresses, 4);
        const v6Intervals = addressIntervals(cidrs, addresses, 6);
        const portStart = ports.length / PORT_STRIDE;
        for (const port of rule.ports ?? []) pushClusterPortRow(ports, port, scope.portNameIds);
        const matcher = matcherWords({ v4, v6, ports }, { bits, start: podPeerStart, count: podPeerCount }, v4Intervals, v6Intervals, portStart);
        pushRow(ruleRows, CLUSTER_RULE_ROW, CLUSTER_RULE_STRIDE, {
          POLICY: policyIndex,
          ACTION: CLUSTER_ACTION[rule.action.toUpperCase() as keyof typeof CLUSTER_ACTION],
          FLAGS: flags,
          MATCHER: matcher,
        });
        // A rule that matches exactly what an earlier rule of the same list matches can never be
        // the first match: that one matched first, or neither does. Lists keep only the first.
        const matches = JSON.stringify([
          flags,
          bits,
          podPeers.slice(podPeerStart * POD_PEER_STRIDE),
          v4Intervals.map((i) => [String(i.lo), String(i.hi)]),
          v6Intervals.map((i) => [String(i.lo), String(i.hi)]),
          ports.slice(portStart * PORT_STRIDE),
        ]);
        // What the list walk may conclude from the peer bits alone (layout.ts CLUSTER_LIST_ENTRY).
        const bitsDecide = (flags & CLUSTER_RULE_FLAG.MATCHES_ALL_PEERS) === 0 &&
          !holdsPodAddress(v4Intervals, 4) && !holdsPodAddress(v6Intervals, 6);
        const podBits = bitsDecide ? bits : CLUSTER_POD_BITS_ANY;
        for (const identity of subject) {
          const list = (tier * DIRECTION_COUNT + d) * scope.identityCount + identity;
          const seen = listMatchers[list] ?? (listMatchers[list] = new Set());
          if (seen.has(matches)) continue;
          seen.add(matches);
          lists[list]!.push(id, podBits);
        }
      });
    });
  });
  const shared = shareClusterLists(lists, scope.identityCount);
  return {
    sections: new Map([
      [SECTION.CLUSTER_POLICIES, Uint32Array.from(policyRows)],
      [SECTION.CLUSTER_RULES, Uint32Array.from(ruleRows)],
      [SECTION.CLUSTER_POD_PEERS, Uint32Array.from(podPeers)],
      [SECTION.SEL_CLUSTER_RULES, Uint32Array.from(shared.entries)],
      [SECTION.CLUSTER_LIST_SETS, Uint32Array.from(shared.rows)],
      [SECTION.CLUSTER_PEER_BITS, peerBits.words()],
      [SECTION.CLUSTER_V4_INTERVALS, Uint32Array.from(v4)],
      [SECTION.CLUSTER_V6_INTERVALS, Uint32Array.from(v6)],
      [SECTION.CLUSTER_PORTS, Uint32Array.from(ports)],
    ]),
    rules: ruleMeta,
    listSets: shared.identitySets,
  };
}

/**
 * The identities' cluster lists (flattened entries, per list (tier x DIRECTION_COUNT + direction)
 * x identities + identity) stored once per distinct list, and each identity's set of lists as a
 * CLUSTER_LIST_SETS row, once per distinct set (row 0: all empty): a few lines for all pods.
 */
function shareClusterLists(lists: readonly (readonly number[])[], identityCount: number): { entries: number[]; rows: number[]; identitySets: number[] } {
  const entries: number[] = [];
  const ranges = new Map<string, [number, number]>();
  const rangeOf = (list: readonly number[]): [number, number] => {
    const key = list.join(',');
    let range = ranges.get(key);
    if (!range) {
      const start = entries.length / CLUSTER_LIST_ENTRY_WORDS;
      entries.push(...list);
      ranges.set(key, (range = [start, entries.length / CLUSTER_LIST_ENTRY_WORDS]));
    }
    return range;
  };
  const rows: number[] = new Array<number>(CLUSTER_LIST_SET_STRIDE).fill(0);
  const rowIds = new Map<string, number>([[rows.join(','), 0]]);
  const identitySets = Array.from({ length: identityCount }, (_, identity) => {
    const row: number[] = [];
    for (let list = 0; list < CLUSTER_TIER_COUNT * DIRECTION_COUNT; list++) {
      const entriesOf = lists[list * identityCount + identity]!;
      row.push(...(entriesOf.length === 0 ? [0, 0] : rangeOf(entriesOf)));
    }
    const key = row.join(',');
    let id = rowIds.get(key);
    if (id === undefined) {
      id = rows.length / CLUSTER_LIST_SET_STRIDE;
      rows.push(...row);
      rowIds.set(key, id);
    }
    return id;
  });
  return { entries, rows, identitySets };
}

function pushClusterPortRow(ports: number[], port: ClusterPort, portNameIds: ReadonlyMap<string, number>): void {
  switch (port.kind) {
    case 'number':
      pushRow(ports, PORT_ROW, PORT_STRIDE, { PROTOCOL: PROTOCOL_CODE[port.protocol], KIND: PORT_KIND.RANGE, FROM: port.port, TO: port.port });
      return;
    case 'range':
      // A reversed v1alpha1 range (a warning at ingest) matches no port: it has no row at all.
      if (port.from <= port.to) {
        pushRow(ports, PORT_ROW, PORT_STRIDE, { PROTOCOL: PROTOCOL_CODE[port.protocol], KIND: PORT_KIND.RANGE, FROM: port.from, TO: port.to });
      }
      return;
    case 'named':
      pushRow(ports, PORT_ROW, PORT_STRIDE, { PROTOCOL: PORT_ANY_PROTOCOL, KIND: PORT_KIND.NAMED, NAME: portNameIds.get(port.name)! });
  }
}
