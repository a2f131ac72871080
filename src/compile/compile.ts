/**
 * @module The compiler: canonical bundle -> binary image (layout.ts) the WASM core decides from.
 * Everything that does not depend on the flow is done here, once: pods are grouped into
 * identities, every selector is resolved against the identities it can select, each rule's pod
 * peers become an identity bitset and its ipBlocks an interval list, and each identity gets the
 * ordered list of rules that can allow traffic for it. Deterministic: the same bundle gives the same
 * bytes.
 */
import type {
  Bundle,
  ClusterAction,
  ClusterPolicy,
  IPBlockPeer,
  Labels,
  NetworkPolicy,
  PortMatch,
  Rule,
  Selector,
} from '../model/bundle.js';
import type { Direction } from '../model/decision.js';
import { podAddressOwners } from '../model/pod-index.js';
import { ipv6Words, parseIP, type IP } from '../net/ip.js';
import { selectorMatches } from '../model/selector.js';
import { writeImage, textWords } from './image-writer.js';
import { clusterSections, type ClusterScope } from './cluster-sections.js';
import { csr, DIRECTIONS, matcherWords, PeerUnion, BitsetPool, pushRow } from './section-rows.js';
import { ipBlockIntervals } from './intervals.js';
import { bundleSelectors, keyEntry, LabelDictionary, labelEntries, pairEntry } from './label-bits.js';
import {
  AMBIGUOUS,
  COUNT,
  COUNT_FIELDS,
  DIRECTION,
  HOST_IP_FILTER_MULTIPLIER,
  HOST_IP_ROW,
  HOST_IP_STRIDE,
  IDENTITY_FLAG_HOST_NETWORK,
  IDENTITY_ROW,
  IDENTITY_STRIDE,
  IP_FAMILY,
  IPV4_TABLE_ROW,
  IPV4_TABLE_STRIDE,
  IPV6_TABLE_ROW,
  IPV6_TABLE_STRIDE,
  NAMED_PORT_ROW,
  NAMED_PORT_STRIDE,
  NONE,
  OPTION_IPBLOCK_MATCHES_PODS,
  POD_FLAG,
  POD_PEER_ROW,
  POD_PEER_STRIDE,
  POD_ROW,
  POD_STRIDE,
  POLICY_FLAG,
  POLICY_ROW,
  POLICY_STRIDE,
  PORT_KIND,
  PORT_ROW,
  PORT_STRIDE,
  PROTOCOL_CODE,
  RULE_FLAG,
  RULE_LIST,
  RULE_ROW,
  RULE_STRIDE,
  SECTION,
  SELECTOR_TERMS,
  SELECTOR_HEADER_WORDS,
} from './layout.js';

/** What the engine needs besides the core: names, for lookups and explanations. */
export interface ImageMetadata {
  readonly namespaces: readonly string[];
  /** Per pod: ref, namespace, name, and the workload kind when it is a representative pod. */
  readonly pods: readonly { ref: string; namespace: string; name: string; workload?: string }[];
  readonly policies: readonly { namespace: string; name: string }[];
  /** Per rule id: policy index, direction, index within that direction's rules. */
  readonly rules: readonly [policy: number, direction: Direction, index: number][];
  /** Label dictionary entries (label-bits.ts: keyEntry, pairEntry), in bit order. */
  readonly labelEntries: readonly string[];
  readonly portNames: readonly string[];
  /** IPs claimed by several running pods, with their refs: for the ambiguity message. */
  readonly ambiguousIPs: Readonly<Record<string, readonly string[]>>;
  readonly clusterPolicies: readonly { kind: ClusterPolicy['kind']; name: string }[];
  /** Per cluster rule id: policy index, direction, index, rule name, action. */
  readonly clusterRules: readonly [policy: number, direction: Direction, index: number, name: string, action: ClusterAction][];
}

export interface CompiledBundle {
  readonly image: Uint8Array;
  readonly metadata: ImageMetadata;
}

interface Identity {
  readonly namespace: number;
  readonly labels: Labels;
  readonly hostNetwork: boolean;
  readonly namedPorts: readonly [nameId: number, protocol: number, port: number][];
}

export function compileBundle(bundle: Bundle): CompiledBundle {
  return new Compiler(bundle).compile();
}

class Compiler implements ClusterScope {
  private readonly namespaceIds = new Map<string, number>();
  private readonly dictionary: LabelDictionary;
  readonly portNameIds = new Map<string, number>();
  private readonly identities: Identity[] = [];
  private readonly podIdentity: number[] = [];
  /**
   * Per namespace: label entry (label-bits.ts: keyEntry, pairEntry) -> the identities carrying it,
   * ascending. Per namespace, so that a policy's selector costs what its own namespace holds.
   */
  private readonly postings: Map<string, number[]>[] = [];
  private readonly identitiesByNamespace: number[][] = [];
  private readonly selectorIds = new Map<string, number>();
  /** Per direction (ingress 0, egress 1): identities some policy of that direction selects. */
  private readonly isolated = DIRECTIONS.map(() => new Set<number>());
  private readonly selectors: Selector[] = [];
  private readonly peerSets = new Map<string, Uint32Array>();
  private readonly namespaceMatches = new Map<Selector, number[]>();

  constructor(readonly bundle: Bundle) {
    bundle.namespaces.forEach((ns, i) => this.namespaceIds.set(ns.name, i));
    this.dictionary = new LabelDictionary(bundleSelectors(bundle));
    const names = new Set<string>();
    for (const policy of [...bundle.policies, ...bundle.clusterPolicies]) {
      for (const rule of [...policy.ingress, ...policy.egress]) {
        for (const port of rule.ports ?? []) if (port.kind === 'named') names.add(port.name);
      }
    }
    [...names].sort().forEach((name, i) => this.portNameIds.set(name, i));
  }

  get identityCount(): number {
    return this.identities.length;
  }

  compile(): CompiledBundle {
    this.buildIdentities();
    const sections = new Map<number, Uint32Array>();
    const identityWords = Math.max(1, Math.ceil(this.identities.length / 32));
    const rules = this.collectRules();

    const counts = new Uint32Array(COUNT_FIELDS);
    counts[COUNT.PODS] = this.bundle.pods.length;
    counts[COUNT.IDENTITIES] = this.identities.length;
    counts[COUNT.NAMESPACES] = this.bundle.namespaces.length;
    counts[COUNT.POLICIES] = this.bundle.policies.length;
    counts[COUNT.RULES] = rules.length;
    counts[COUNT.LABEL_WORDS] = this.dictionary.words;
    counts[COUNT.IDENTITY_WORDS] = identityWords;
    counts[COUNT.PORT_NAMES] = this.portNameIds.size;
    counts[COUNT.OPTIONS] = this.bundle.options.ipBlockMatchesPods ? OPTION_IPBLOCK_MATCHES_PODS : 0;

    const { identities, namedPorts } = this.identitySections();
    sections.set(SECTION.IDENTITIES, identities);
    sections.set(SECTION.NAMED_PORTS, namedPorts);

    const policyRows: number[] = [];
    const selRules = DIRECTIONS.map(() => this.identities.map((): number[] => []));
    const selPolicies = DIRECTIONS.map(() => this.identities.map((): number[] => []));
    const nsPolicies = this.bundle.namespaces.map((): number[] => []);
    let ruleCursor = 0;
    this.bundle.policies.forEach((policy, policyIndex) => {
      const namespace = this.namespaceIds.get(policy.namespace)!;
      nsPolicies[namespace]!.push(policyIndex);
      const ingressStart = ruleCursor;
      ruleCursor += policy.ingress.length;
      const egressStart = ruleCursor;
      ruleCursor += policy.egress.length;
      pushRow(policyRows, POLICY_ROW, POLICY_STRIDE, {
        NAMESPACE: namespace,
        POD_SELECTOR: this.selectorId(policy.podSelector),
        FLAGS: (policy.affectsIngress ? POLICY_FLAG.INGRESS : 0) | (policy.affectsEgress ? POLICY_FLAG.EGRESS : 0),
        INGRESS_START: ingressStart,
        INGRESS_COUNT: policy.ingress.length,
        EGRESS_START: egressStart,
        EGRESS_COUNT: policy.egress.length,
      });
      const selected = this.matching(policy.podSelector, [namespace]);
      DIRECTIONS.forEach((direction, d) => {
        if (!(direction === 'ingress' ? policy.affectsIngress : policy.affectsEgress)) return;
        const start = direction === 'ingress' ? ingressStart : egressStart;
        const count = direction === 'ingress' ? policy.ingress.length : policy.egress.length;
        for (const identity of selected) {
          this.isolated[d]!.add(identity);
          selPolicies[d]![identity]!.push(policyIndex);
          for (let r = 0; r < count; r++) selRules[d]![identity]!.push(start + r);
        }
      });
    });
    sections.set(SECTION.POLICIES, Uint32Array.from(policyRows));
    const selRuleLists = csr(selRules.flat());
    sections.set(SECTION.SEL_RULES, selRuleLists);
    sections.set(SECTION.SEL_POLICIES, csr(selPolicies.flat()));
    sections.set(SECTION.NS_POLICIES, csr(nsPolicies));

    const ruleSections = this.ruleSections(rules, identityWords);
    for (const [id, words] of ruleSections) sections.set(id, words);

    const cluster = clusterSections(this, identityWords);
    for (const [id, words] of cluster.sections) sections.set(id, words);
    const { pods, hostIPs } = this.podSections(selRuleLists, cluster.listSets, identities);
    sections.set(SECTION.PODS, pods);
    sections.set(SECTION.HOST_IPS, hostIPs);
    counts[COUNT.CLUSTER_POLICIES] = this.bundle.clusterPolicies.length;
    counts[COUNT.CLUSTER_RULES] = cluster.rules.length;

    counts[COUNT.SELECTORS] = this.selectors.length;
    sections.set(SECTION.SELECTORS, this.selectorSection());
    sections.set(SECTION.NS_LABELS, this.namespaceLabelSection());
    const { ipv4, ipv6, ambiguous } = this.ipTables();
    sections.set(SECTION.IPV4_TABLE, ipv4);
    sections.set(SECTION.IPV6_TABLE, ipv6);
    sections.set(SECTION.COUNTS, counts);

    const metadata: ImageMetadata = {
      namespaces: this.bundle.namespaces.map((ns) => ns.name),
      pods: this.bundle.pods.map((pod) => ({
        ref: pod.ref,
        namespace: pod.namespace,
        name: pod.name,
        ...(pod.workload ? { workload: pod.workload.kind } : {}),
      })),
      policies: this.bundle.policies.map(({ namespace, name }) => ({ namespace, name })),
      rules: rules.map((r) => [r.policyIndex, r.direction, r.index]),
      labelEntries: [...this.dictionary.bits.keys()],
      portNames: [...this.portNameIds.keys()],
      ambiguousIPs: ambiguous,
      clusterPolicies: this.bundle.clusterPolicies.map(({ kind, name }) => ({ kind, name })),
      clusterRules: cluster.rules,
    };
    sections.set(SECTION.META, textWords(JSON.stringify(metadata)));
    return { image: writeImage(sections), metadata };
  }

  /** Pods with the same namespace, labels, hostNetwork and named ports are one identity. */
  private buildIdentities(): void {
    const byKey = new Map<string, number>();
    this.bundle.namespaces.forEach(() => {
      this.identitiesByNamespace.push([]);
      this.postings.push(new Map());
    });
    for (const pod of this.bundle.pods) {
      const namespace = this.namespaceIds.get(pod.namespace)!;
      const namedPorts = pod.ports
        .filter((p) => p.name !== undefined && this.portNameIds.has(p.name))
        .map((p): [number, number, number] => [this.portNameIds.get(p.name!)!, PROTOCOL_CODE[p.protocol], p.port])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      const labelText = Object.keys(pod.labels)
        .sort()
        .map((k) => `${k}\u0000${pod.labels[k]}`)
        .join('\u0001');
      const key = `${namespace}|${pod.hostNetwork}|${labelText}|${namedPorts.join(';')}`;
      let id = byKey.get(key);
      if (id === undefined) {
        id = this.identities.length;
        byKey.set(key, id);
        this.identities.push({ namespace, labels: pod.labels, hostNetwork: pod.hostNetwork, namedPorts });
        this.identitiesByNamespace[namespace]!.push(id);
        const postings = this.postings[namespace]!;
        for (const entry of labelEntries(pod.labels)) {
          const list = postings.get(entry);
          if (list) list.push(id);
          else postings.set(entry, [id]);
        }
      }
      this.podIdentity.push(id);
    }
  }

  /**
   * Identities of the given namespaces that the selector matches; never hostNetwork ones, which
   * no selector selects. In each namespace it starts from the shortest posting list of a term that
   * a match must carry, then checks the whole selector.
   */
  matching(selector: Selector, namespaces: readonly number[]): number[] {
    const out: number[] = [];
    for (const ns of namespaces) {
      const postings = this.postings[ns]!;
      let pool: readonly number[] = this.identitiesByNamespace[ns]!;
      const consider = (list: readonly number[] | undefined): void => {
        if (!list || list.length < pool.length) pool = list ?? [];
      };
      for (const key of Object.keys(selector.matchLabels)) consider(postings.get(pairEntry(key, selector.matchLabels[key]!)));
      for (const r of selector.matchExpressions) {
        if (r.operator === 'Exists') consider(postings.get(keyEntry(r.key)));
        if (r.operator === 'In') consider(r.values.flatMap((v) => postings.get(pairEntry(r.key, v)) ?? []));
      }
      for (const id of pool) {
        const identity = this.identities[id]!;
        if (!identity.hostNetwork && selectorMatches(selector, identity.labels)) out.push(id);
      }
    }
    return out;
  }

  selectorId(selector: Selector): number {
    const key = JSON.stringify([
      Object.keys(selector.matchLabels).sort().map((k) => [k, selector.matchLabels[k]]),
      selector.matchExpressions,
    ]);
    let id = this.selectorIds.get(key);
    if (id === undefined) {
      id = this.selectors.length;
      this.selectorIds.set(key, id);
      this.selectors.push(selector);
    }
    return id;
  }

  /**
   * The identities a peer (pod selector in some namespaces) matches, as a bitset, by a key naming
   * both selectors: bundles repeat peers (every namespace admitting its monitoring, say), and a
   * peer of all namespaces costs a pass over every identity. The sets are shared: never written.
   */
  peerSet(key: string, podSelector: Selector, namespaces: () => readonly number[], identityWords: number): Uint32Array {
    let set = this.peerSets.get(key);
    if (!set) {
      set = new Uint32Array(identityWords);
      for (const id of this.matching(podSelector, namespaces())) set[id >>> 5]! |= 1 << (id & 31);
      this.peerSets.set(key, set);
    }
    return set;
  }

  private collectRules(): { policy: NetworkPolicy; policyIndex: number; direction: Direction; index: number; rule: Rule }[] {
    return this.bundle.policies.flatMap((policy, policyIndex) =>
      DIRECTIONS.flatMap((direction) =>
        (direction === 'ingress' ? policy.ingress : policy.egress).map((rule, index) => ({
          policy,
          policyIndex,
          direction,
          index,
          rule,
        })),
      ),
    );
  }

  private ruleSections(
    rules: ReturnType<Compiler['collectRules']>,
    identityWords: number,
  ): Map<number, Uint32Array> {
    const ruleRows: number[] = [];
    const peerBits = new BitsetPool(identityWords);
    const podPeers: number[] = [];
    const v4: number[] = [];
    const v6: number[] = [];
    const ports: number[] = [];

    for (const { policy, policyIndex, rule } of rules) {
      const ownNamespace = this.namespaceIds.get(policy.namespace)!;
      let flags = 0;
      if (rule.peers === null) flags |= RULE_FLAG.ALL_PEERS;
      if (rule.ports === null) flags |= RULE_FLAG.ALL_PORTS;

      const podPeerStart = podPeers.length / POD_PEER_STRIDE;
      const members = new PeerUnion(identityWords);
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'pods') continue;
        // Selector ids in order of first use: the namespace selector's before the pod selector's.
        const nsSelector = peer.namespaceSelector === null ? NONE : this.selectorId(peer.namespaceSelector);
        const podSelector = this.selectorId(peer.podSelector);
        if (peer.namespaceSelector === null) {
          pushRow(podPeers, POD_PEER_ROW, POD_PEER_STRIDE, { NAMESPACE_SELECTOR: NONE, POD_SELECTOR: podSelector });
          members.add(this.peerSet(`own ${ownNamespace} ${podSelector}`, peer.podSelector, () => [ownNamespace], identityWords));
        } else {
          pushRow(podPeers, POD_PEER_ROW, POD_PEER_STRIDE, { NAMESPACE_SELECTOR: nsSelector, POD_SELECTOR: podSelector });
          const namespaces = () => this.namespacesMatching(peer.namespaceSelector!);
          members.add(this.peerSet(`ns ${nsSelector} ${podSelector}`, peer.podSelector, namespaces, identityWords));
        }
      }
      const podPeerCount = podPeers.length / POD_PEER_STRIDE - podPeerStart;
      const bitsOffset = podPeerCount > 0 ? peerBits.offsetOf(members.set()) : NONE;

      const blocks = (rule.peers ?? []).filter((p): p is IPBlockPeer => p.kind === 'ipBlock');
      const v4Intervals = ipBlockIntervals(blocks, 4);
      const v6Intervals = ipBlockIntervals(blocks, 6);
      const portStart = ports.length / PORT_STRIDE;
      for (const port of rule.ports ?? []) this.pushPortRow(ports, port);
      const matcher = matcherWords({ v4, v6, ports }, { bits: bitsOffset, start: podPeerStart, count: podPeerCount }, v4Intervals, v6Intervals, portStart);
      pushRow(ruleRows, RULE_ROW, RULE_STRIDE, { POLICY: policyIndex, FLAGS: flags, MATCHER: matcher });
    }
    return new Map([
      [SECTION.RULES, Uint32Array.from(ruleRows)],
      [SECTION.PEER_BITS, peerBits.words()],
      [SECTION.POD_PEERS, Uint32Array.from(podPeers)],
      [SECTION.V4_INTERVALS, Uint32Array.from(v4)],
      [SECTION.V6_INTERVALS, Uint32Array.from(v6)],
      [SECTION.PORTS, Uint32Array.from(ports)],
    ]);
  }

  namespacesMatching(selector: Selector): number[] {
    let found = this.namespaceMatches.get(selector);
    if (!found) {
      found = this.bundle.namespaces.flatMap((ns, i) => (selectorMatches(selector, ns.labels) ? [i] : []));
      this.namespaceMatches.set(selector, found);
    }
    return found;
  }

  private pushPortRow(ports: number[], port: PortMatch): void {
    const protocol = PROTOCOL_CODE[port.protocol];
    switch (port.kind) {
      case 'all':
        pushRow(ports, PORT_ROW, PORT_STRIDE, { PROTOCOL: protocol, KIND: PORT_KIND.ALL });
        return;
      case 'range':
        pushRow(ports, PORT_ROW, PORT_STRIDE, { PROTOCOL: protocol, KIND: PORT_KIND.RANGE, FROM: port.from, TO: port.to });
        return;
      case 'named':
        pushRow(ports, PORT_ROW, PORT_STRIDE, { PROTOCOL: protocol, KIND: PORT_KIND.NAMED, NAME: this.portNameIds.get(port.name)! });
    }
  }

  /**
   * A pod's row also carries what the hot path would otherwise look up through its identity: its
   * isolation, its rule lists and its named ports, so that deciding touches one row per endpoint.
   */
  private podSections(
    selRules: Uint32Array,
    clusterListSets: readonly number[],
    identities: Uint32Array,
  ): { pods: Uint32Array; hostIPs: Uint32Array } {
    const pods = new Uint32Array(this.bundle.pods.length * POD_STRIDE);
    const hostIPs: number[] = [];
    const lists = this.identities.length;
    // Host addresses repeat per node: each text parsed once.
    const parsedHosts = new Map<string, IP>();
    const hostIP = (text: string): IP => {
      let ip = parsedHosts.get(text);
      if (!ip) parsedHosts.set(text, (ip = parseIP(text)!));
      return ip;
    };
    this.bundle.pods.forEach((pod, i) => {
      const identity = this.podIdentity[i]!;
      const ips = pod.ips.map((text) => parseIP(text)!);
      const v4 = ips.find((ip) => ip.family === 4);
      const v6 = ips.find((ip) => ip.family === 6);
      const at = i * POD_STRIDE;
      /** The [start, end) of list `list` of a per-identity list section, for this identity, at `field`. */
      const range = (field: number, section: Uint32Array, list: number): void => {
        const from = list * lists + identity;
        pods[at + field + RULE_LIST.START] = section[from]!;
        pods[at + field + RULE_LIST.END] = section[from + 1]!;
      };
      let flags = 0;
      if (pod.hostNetwork) flags |= POD_FLAG.HOST_NETWORK;
      if (v4) flags |= POD_FLAG.HAS_V4;
      if (v6) flags |= POD_FLAG.HAS_V6;
      if (ips[0]?.family === 6) flags |= POD_FLAG.PRIMARY_V6;
      if (pod.workload) flags |= POD_FLAG.WORKLOAD;
      if (this.isolated[0]!.has(identity)) flags |= POD_FLAG.ISOLATED_INGRESS;
      if (this.isolated[1]!.has(identity)) flags |= POD_FLAG.ISOLATED_EGRESS;
      const hostStart = hostIPs.length / HOST_IP_STRIDE;
      let hostFilter = 0;
      for (const text of pod.hostIPs) {
        const ip = hostIP(text);
        pushHostIPRow(hostIPs, ip);
        hostFilter |= hostIPFilterBit(ip);
      }
      const identityRow = identity * IDENTITY_STRIDE;
      pods[at + POD_ROW.IDENTITY] = identity;
      pods[at + POD_ROW.FLAGS] = flags;
      if (v4) pods[at + POD_ROW.IPV4] = Number(v4.value);
      if (v6) pods.set(ipv6Words(v6.value), at + POD_ROW.IPV6);
      pods[at + POD_ROW.HOST_IP_START] = hostStart;
      pods[at + POD_ROW.HOST_IP_COUNT] = pod.hostIPs.length;
      pods[at + POD_ROW.HOST_IP_FILTER] = hostFilter;
      range(POD_ROW.INGRESS_RULES, selRules, DIRECTION.INGRESS);
      range(POD_ROW.EGRESS_RULES, selRules, DIRECTION.EGRESS);
      pods[at + POD_ROW.NAMED_PORT_START] = identities[identityRow + IDENTITY_ROW.NAMED_PORT_START]!;
      pods[at + POD_ROW.NAMED_PORT_COUNT] = identities[identityRow + IDENTITY_ROW.NAMED_PORT_COUNT]!;
      pods[at + POD_ROW.CLUSTER_LISTS] = clusterListSets[identity]!;
    });
    return { pods, hostIPs: Uint32Array.from(hostIPs) };
  }

  private identitySections(): { identities: Uint32Array; namedPorts: Uint32Array } {
    const identities: number[] = [];
    const namedPorts: number[] = [];
    for (const identity of this.identities) {
      pushRow(identities, IDENTITY_ROW, IDENTITY_STRIDE, {
        NAMESPACE: identity.namespace,
        FLAGS: identity.hostNetwork ? IDENTITY_FLAG_HOST_NETWORK : 0,
        NAMED_PORT_START: namedPorts.length / NAMED_PORT_STRIDE,
        NAMED_PORT_COUNT: identity.namedPorts.length,
      });
      for (const [name, protocol, port] of identity.namedPorts) {
        pushRow(namedPorts, NAMED_PORT_ROW, NAMED_PORT_STRIDE, { NAME: name, PROTOCOL: protocol, PORT: port });
      }
    }
    return { identities: Uint32Array.from(identities), namedPorts: Uint32Array.from(namedPorts) };
  }

  private selectorSection(): Uint32Array {
    const terms: number[] = [];
    const offsets: number[] = [];
    for (const selector of this.selectors) {
      offsets.push(terms.length);
      const compiled = this.dictionary.compile(selector);
      pushRow(terms, SELECTOR_TERMS, SELECTOR_HEADER_WORDS, {
        REQUIRED_COUNT: compiled.required.length,
        FORBIDDEN_COUNT: compiled.forbidden.length,
        GROUP_COUNT: compiled.groups.length,
      });
      terms.push(...compiled.required, ...compiled.forbidden);
      for (const group of compiled.groups) terms.push(group.length, ...group);
    }
    offsets.push(terms.length);
    return Uint32Array.from([...offsets, ...terms]);
  }

  private namespaceLabelSection(): Uint32Array {
    const words: number[] = [];
    for (const ns of this.bundle.namespaces) words.push(...this.dictionary.encode(ns.labels));
    return Uint32Array.from(words);
  }

  /** Every address of a pod that is no hostNetwork pod (what a pod peer's address can be), per family, ascending. */
  podPeerAddresses(): Record<4 | 6, bigint[]> {
    const byFamily: Record<4 | 6, bigint[]> = { 4: [], 6: [] };
    for (const text of podAddressOwners(this.bundle.pods).keys()) {
      const ip = parseIP(text)!;
      byFamily[ip.family].push(ip.value);
    }
    for (const family of [4, 6] as const) byFamily[family].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return byFamily;
  }

  private ipTables(): { ipv4: Uint32Array; ipv6: Uint32Array; ambiguous: Record<string, string[]> } {
    type Owner = { text: string; ip: IP; pods: number[] };
    const byFamily: Record<4 | 6, Owner[]> = { 4: [], 6: [] };
    const ambiguousOwners: Owner[] = [];
    for (const [text, pods] of podAddressOwners(this.bundle.pods)) {
      const owner = { text, ip: parseIP(text)!, pods };
      byFamily[owner.ip.family].push(owner);
      if (pods.length > 1) ambiguousOwners.push(owner);
    }
    const byValue = (a: Owner, b: Owner): number => (a.ip.value < b.ip.value ? -1 : a.ip.value > b.ip.value ? 1 : 0);
    const ambiguous: Record<string, string[]> = {};
    for (const { text, pods } of ambiguousOwners.sort(byValue)) ambiguous[text] = pods.map((p) => this.bundle.pods[p]!.ref);
    const podOf = (owner: Owner): number => (owner.pods.length === 1 ? owner.pods[0]! : AMBIGUOUS);
    // IPv4 sorted as numbers (exact below 2^32): bigint comparisons cost seconds at 100,000 pods.
    const v4 = byFamily[4].map((owner) => ({ address: Number(owner.ip.value), pod: podOf(owner) })).sort((a, b) => a.address - b.address);
    const ipv4 = new Uint32Array(v4.length * IPV4_TABLE_STRIDE);
    v4.forEach(({ address, pod }, i) => {
      ipv4[i * IPV4_TABLE_STRIDE + IPV4_TABLE_ROW.ADDRESS] = address;
      ipv4[i * IPV4_TABLE_STRIDE + IPV4_TABLE_ROW.POD] = pod;
    });
    const ipv6: number[] = [];
    for (const owner of byFamily[6].sort(byValue)) {
      pushRow(ipv6, IPV6_TABLE_ROW, IPV6_TABLE_STRIDE, { ADDRESS: ipv6Words(owner.ip.value), POD: podOf(owner) });
    }
    return { ipv4, ipv6: Uint32Array.from(ipv6), ambiguous };
  }
}

/** The bit of POD_ROW.HOST_IP_FILTER that host address `ip` sets (layout.ts). */
export function hostIPFilterBit(ip: IP): number {
  const folded = ip.family === 4 ? Number(ip.value) : ipv6Words(ip.value).reduce((a, b) => a ^ b, 0);
  return (1 << (Math.imul(folded, HOST_IP_FILTER_MULTIPLIER) >>> 27)) >>> 0;
}

function pushHostIPRow(rows: number[], ip: IP): void {
  if (ip.family === 4) pushRow(rows, HOST_IP_ROW, HOST_IP_STRIDE, { FAMILY: IP_FAMILY.V4, IPV4: Number(ip.value) });
  else pushRow(rows, HOST_IP_ROW, HOST_IP_STRIDE, { FAMILY: IP_FAMILY.V6, ADDRESS: ipv6Words(ip.value) });
}
