/**
 * @module Pod-level decisions, by class: one representative pair per class pair stands for every
 * pair of those classes, each side decided once per (profile, peer group, naming) (side-groups.ts,
 * side-slots.ts). A pod and a pod that is (or shares an address with) its own node are the one
 * relation the class key cannot hold: such pairs are taken one by one, with the side whose peer is
 * its own node apart (NetworkPolicies always allow it). The outside world is in outside-cells.ts.
 */
import type { Bundle } from '../model/bundle.js';
import type { IP, IPFamily } from '../net/ip.js';
import { FAMILIES, ruleCuts, type AddressPiece } from './address-space.js';
import { classCandidates, mayMatch, type ClassCandidates, type Direction } from './candidates.js';
import type { Decider, RecordEndpoint } from './decider.js';
import { OutsideCells } from './outside-cells.js';
import { PairTable } from './pair-table.js';
import { NOTHING, PatternDecider, PatternStore } from './patterns.js';
import { podAddresses } from './pod-addresses.js';
import { podClasses, type PodClasses } from './pod-classes.js';
import { portIntervals } from './port-intervals.js';
import { OPEN, SideGroups } from './side-groups.js';
import { decided, EVERYTHING, NAMINGS, SideSlots } from './side-slots.js';

export type { Direction } from './candidates.js';

/** A flow between two pods and the way it names them (see namings). */
type PairFlow = { src: RecordEndpoint; dst: RecordEndpoint };

export class PodPairs {
  readonly store: PatternStore;
  readonly classes: PodClasses;
  readonly candidates: ClassCandidates;
  readonly outside: OutsideCells;
  private readonly decider: PatternDecider;
  private readonly sides: SideGroups;
  private readonly slots: SideSlots;
  private readonly podCount: number;
  /** Per pod: the pods it has a node relation with (either is the other's node). */
  readonly related = new Map<number, number[]>();
  private readonly relatedPairs = new PairTable();
  /** By (pod, pod): a node-related pair's pattern, -1 while queued. */
  private readonly relatedPatterns = new PairTable();
  /** By (class, class): a class pair's pattern, -1 while queued. */
  private classPatterns = new PairTable();
  /** Queued pairs (class pairs, then node-related pod pairs): first, second, naming count, then (egress slot, ingress slot) per naming. */
  private readonly pendingPairs: number[] = [];
  private readonly pendingRelated: number[] = [];
  /** Per family and pod: its address of that family, when no other pod claims it too (it can be named by it). */
  private readonly addressOf: Record<IPFamily, (IP | undefined)[]>;
  /** Per family and pod: its first address of that family (a flow naming it by reference uses that one). */
  private readonly firstIPOf: Record<IPFamily, (IP | undefined)[]>;
  private readonly hostIPs: readonly (readonly IP[])[];
  /** Per pod: the family of its primary IP (0: none); a flow naming two pods takes the destination's, else the source's. */
  private readonly primaryFamily: Int8Array;

  /** With `focusPods`, only pairs with a class of those pods on one side can be asked for. */
  constructor(
    private readonly bundle: Bundle,
    decider: Decider,
    focusPods?: readonly number[],
  ) {
    this.store = new PatternStore(portIntervals(bundle));
    this.decider = new PatternDecider(decider, this.store);
    const cuts = { 4: ruleCuts(bundle, 4), 6: ruleCuts(bundle, 6) };
    this.classes = podClasses(bundle, cuts);
    const focusClasses = focusPods && new Set(focusPods.map((p) => this.classes.classOf[p]!));
    this.candidates = classCandidates(bundle, this.classes, focusClasses);
    this.podCount = bundle.pods.length;
    const { ips: parsed } = podAddresses(bundle);
    this.hostIPs = podAddresses(bundle).hostIPs;
    this.addressOf = addressableIPs(bundle, parsed);
    const firstOf = (family: IPFamily) => parsed.map((ips) => ips.find((ip) => ip.family === family));
    this.firstIPOf = { 4: firstOf(4), 6: firstOf(6) };
    this.primaryFamily = Int8Array.from(parsed, (ips) => ips[0]?.family ?? 0);
    this.sides = new SideGroups(this.classes, this.candidates);
    this.slots = new SideSlots(this.decider, this.store);
    const { classes, candidates, sides, slots, hostIPs } = this;
    this.outside = new OutsideCells({ bundle, cuts, classes, candidates, sides, slots, hostIPs });
    this.findNodeRelations();
  }

  get pieces(): readonly AddressPiece[] {
    return this.outside.pieces;
  }

  private findNodeRelations(): void {
    const owners = new Map<string, number[]>();
    this.bundle.pods.forEach((pod, index) => {
      for (const ip of pod.ips) {
        const list = owners.get(ip);
        if (list) list.push(index);
        else owners.set(ip, [index]);
      }
    });
    const relate = (p: number, q: number): void => {
      if (this.relatedPairs.has(p, q)) return;
      this.relatedPairs.set(p, q, 1);
      const list = this.related.get(p);
      if (list) list.push(q);
      else this.related.set(p, [q]);
    };
    this.bundle.pods.forEach((pod, p) => {
      for (const host of pod.hostIPs) {
        for (const q of owners.get(host) ?? []) {
          if (q === p) continue;
          relate(p, q);
          relate(q, p);
        }
      }
    });
  }

  isRelated(p: number, q: number): boolean {
    return this.relatedPairs.has(p, q);
  }

  /** A representative pod stands for its replicas: with itself it is a pair of two of them. */
  private pairable(p: number, q: number): boolean {
    return (p !== q || this.bundle.pods[p]!.workload !== undefined) && !this.relatedPairs.has(p, q);
  }

  /** Whether any port may be allowed from class a to class b (see candidates.ts). */
  isCandidate(a: number, b: number): boolean {
    return mayMatch(this.candidates, 'egress', a, b) && mayMatch(this.candidates, 'ingress', b, a);
  }

  /**
   * The candidate class pairs with a source among `sources` or a destination among `targets`
   * (every class when undefined), each once, flat: source, destination, source, ...
   */
  candidatePairs(sources: readonly number[] | undefined, targets: readonly number[] | undefined): Int32Array {
    const all = this.classes.classes.map((c) => c.id);
    let out = new Int32Array(1024);
    let length = 0;
    const push = (a: number, b: number): void => {
      if (length + 2 > out.length) {
        const bigger = new Int32Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      out[length++] = a;
      out[length++] = b;
    };
    const { ingress, egress } = this.candidates.peers;
    if (sources === undefined || targets === undefined) {
      // Every pair: walk each destination's possible sources, not all C x C; each pair comes once.
      for (const b of all) for (const a of ingress[b] ?? all) if (mayMatch(this.candidates, 'egress', a, b)) push(a, b);
      return out.slice(0, length);
    }
    const seen = new PairTable();
    const emit = (a: number, b: number): void => {
      if (seen.has(a, b) || !this.isCandidate(a, b)) return;
      seen.set(a, b, 1);
      push(a, b);
    };
    for (const a of sources) for (const b of egress[a] ?? all) emit(a, b);
    for (const b of targets) for (const a of ingress[b] ?? all) emit(a, b);
    return out.slice(0, length);
  }

  /**
   * Queues the decisions of class pairs (candidates only; others allow nothing). A pair's pattern
   * is, over the ways its flows are named, what its egress side and its ingress side both allow.
   */
  requestClassPairs(pairs: Int32Array): void {
    for (let at = 0; at < pairs.length; at += 2) {
      const a = pairs[at]!;
      const b = pairs[at + 1]!;
      if (this.classPatterns.has(a, b) || !this.isCandidate(a, b)) continue;
      const rep = this.representativePair(a, b);
      if (rep < 0) continue;
      this.classPatterns.set(a, b, -1);
      const p = Math.floor(rep / this.podCount);
      const q = rep % this.podCount;
      this.queuePair(this.pendingPairs, a, b, p, q, undefined);
    }
  }

  /**
   * Queues node-related pod pairs of the given pods, both ways. A side whose peer's address in
   * the flow is one of its own node's addresses is a node side (SideGroups.nodeGroup); any other
   * side is decided as its classes' (the relation changes nothing else).
   */
  requestRelatedPairs(pods: Iterable<number>): void {
    const { classOf } = this.classes;
    for (const p of pods) {
      for (const q of this.related.get(p) ?? []) {
        for (const [s, d] of [
          [p, q],
          [q, p],
        ] as const) {
          if (this.relatedPatterns.has(s, d)) continue;
          this.relatedPatterns.set(s, d, -1);
          const [a, b] = [classOf[s]!, classOf[d]!];
          this.queuePair(this.pendingRelated, s, d, s, d, (naming) => {
            const [srcIP, dstIP] = this.flowAddresses(naming, s, d);
            return [
              this.hostsAddress(s, dstIP) ? this.nodeSlot('egress', a, naming) : this.sideSlot('egress', a, b, naming),
              this.hostsAddress(d, srcIP) ? this.nodeSlot('ingress', b, naming) : this.sideSlot('ingress', b, a, naming),
            ];
          });
        }
      }
    }
  }

  /**
   * Queues first and second's pattern: per naming of the flow from pod p to pod q, its two side
   * slots, those of classes p and q unless `slotsOf` says otherwise.
   */
  private queuePair(
    queue: number[],
    first: number,
    second: number,
    p: number,
    q: number,
    slotsOf: ((naming: number) => readonly [number, number]) | undefined,
  ): void {
    const namings = this.namings(p, q);
    queue.push(first, second, popcount(namings));
    const { classOf } = this.classes;
    for (let naming = 0; naming < NAMINGS; naming++) {
      if ((namings & (1 << naming)) === 0) continue;
      const given = slotsOf?.(naming);
      const egress = given ? given[0] : this.sideSlot('egress', classOf[p]!, classOf[q]!, naming);
      const ingress = given ? given[1] : this.sideSlot('ingress', classOf[q]!, classOf[p]!, naming);
      queue.push(egress, ingress);
      if (this.slots.wanted(egress) || this.slots.wanted(ingress)) {
        const { src, dst } = this.flowOf(naming, p, q);
        this.slots.request(src, dst, egress, ingress);
      }
    }
  }

  /** The slot of a side's pattern: by profile, peer group and naming; EVERYTHING for an open side. */
  private sideSlot(direction: Direction, subject: number, peer: number, naming: number): number {
    const profile = this.sides.profile(direction, subject);
    if (profile === OPEN) return EVERYTHING;
    return this.sides.peerGroup(direction, profile, peer) * NAMINGS + naming;
  }

  /** The slot of class a's side when its peer is its own node. */
  private nodeSlot(direction: Direction, a: number, naming: number): number {
    const group = this.sides.nodeGroup(direction, a);
    return group === OPEN ? EVERYTHING : group * NAMINGS + naming;
  }

  /** Whether ip is one of pod p's node addresses. */
  private hostsAddress(p: number, ip: IP | undefined): boolean {
    return ip !== undefined && this.hostIPs[p]!.some((host) => host.family === ip.family && host.value === ip.value);
  }

  /** The addresses of pods p (source) and q in the flow of a naming (see namings); undefined: none. */
  private flowAddresses(naming: number, p: number, q: number): [IP | undefined, IP | undefined] {
    if (naming === 0) {
      const family = this.primaryFamily[q] || this.primaryFamily[p];
      return family === 0 ? [undefined, undefined] : [this.firstIPOf[family as IPFamily][p], this.firstIPOf[family as IPFamily][q]];
    }
    const family: IPFamily = naming <= 2 ? 4 : 6;
    return naming % 2 === 1 ? [this.firstIPOf[family][p], this.addressOf[family][q]] : [this.addressOf[family][p], this.firstIPOf[family][q]];
  }

  /** Drops every class pair's pattern: the streamed list's chunks keep only their own. */
  forgetClassPairs(): void {
    this.classPatterns = new PairTable();
  }

  flush(): void {
    this.decider.flush();
    for (const [queue, table] of [
      [this.pendingPairs, this.classPatterns],
      [this.pendingRelated, this.relatedPatterns],
    ] as const) {
      for (let at = 0; at < queue.length; ) {
        const first = queue[at++]!;
        const second = queue[at++]!;
        const count = queue[at++]!;
        let pattern = NOTHING;
        for (let k = 0; k < count; k++, at += 2) pattern = this.store.union(pattern, this.slots.both(queue[at]!, queue[at + 1]!));
        table.set(first, second, pattern);
      }
      queue.length = 0;
    }
    this.outside.resolvePending();
  }

  /**
   * The ways a flow of pods p and q is named, as bits: 0 by reference (the family of the
   * destination's primary IP, else the source's), then per family 1 + 2 * (family is 6) with the
   * destination by its address, or one more with the source's (a flow naming an address takes its
   * family). A pair's pattern is the union: a connection in any family.
   */
  private namings(p: number, q: number): number {
    const byReference = this.primaryFamily[q] || this.primaryFamily[p];
    let out = 1;
    for (const family of FAMILIES) {
      if (family === byReference) continue;
      const base = family === 4 ? 1 : 3;
      if (this.addressOf[family][q]) out |= 1 << base;
      else if (this.addressOf[family][p]) out |= 1 << (base + 1);
    }
    return out;
  }

  private flowOf(naming: number, p: number, q: number): PairFlow {
    if (naming === 0) return { src: { pod: p }, dst: { pod: q } };
    const family: IPFamily = naming <= 2 ? 4 : 6;
    return naming % 2 === 1 ? { src: { pod: p }, dst: { ip: this.addressOf[family][q]! } } : { src: { ip: this.addressOf[family][p]! }, dst: { pod: q } };
  }

  /** The flows of a pod pair, one per naming. */
  private pairFlows(p: number, q: number): PairFlow[] {
    const namings = this.namings(p, q);
    const out: PairFlow[] = [];
    for (let naming = 0; naming < NAMINGS; naming++) if (namings & (1 << naming)) out.push(this.flowOf(naming, p, q));
    return out;
  }

  /** A pairable pod pair of the classes, as p x pods + q, or -1. */
  private representativePair(a: number, b: number): number {
    const { classes } = this.classes;
    for (const p of classes[a]!.pods) {
      for (const q of classes[b]!.pods) if (this.pairable(p, q)) return p * this.podCount + q;
    }
    return -1;
  }

  /** The pattern of a class pair, for the pod pairs of those classes with no node relation. */
  classPattern(a: number, b: number): number {
    if (!this.isCandidate(a, b)) return NOTHING;
    return decided(this.classPatterns.get(a, b), 'class pair');
  }

  /** The class pair's pattern, or undefined when no two pods of those classes form a pair. */
  decidedClassPattern(a: number, b: number): number | undefined {
    if (!this.isCandidate(a, b)) return NOTHING;
    const found = this.classPatterns.get(a, b);
    return found === undefined ? undefined : decided(found, 'class pair');
  }

  relatedPattern(p: number, q: number): number {
    return decided(this.relatedPatterns.get(p, q), 'node-related pair');
  }

  relatedKey(p: number, q: number): number {
    return p * this.podCount + q;
  }

  classKey(a: number, b: number): number {
    return a * this.classes.classes.length + b;
  }

  /** Queues pod class x outside cell decisions, and each pod's own node address (outside-cells.ts). */
  requestOutside(classIds: Iterable<number>, pods: Iterable<number>): void {
    this.outside.request(classIds, pods);
  }

  /** The representative flows behind a key of a connection's `representatives` (explain.ts). */
  representativeFlows(key: string): readonly (readonly [RecordEndpoint, RecordEndpoint])[] {
    const [kind, first, second] = key.split(':') as [string, string, string | undefined];
    const rest = Number(first);
    if (kind === 'class') {
      const classCount = this.classes.classes.length;
      const rep = this.representativePair(Math.floor(rest / classCount), rest % classCount);
      return rep < 0 ? [] : this.pairFlows(Math.floor(rep / this.podCount), rep % this.podCount).map(({ src, dst }) => [src, dst] as const);
    }
    if (kind === 'pod') return this.pairFlows(Math.floor(rest / this.podCount), rest % this.podCount).map(({ src, dst }) => [src, dst] as const);
    if (kind === 'cell' || kind === 'piece') return this.outside.representativeFlows(kind, rest, Number(second));
    return [];
  }

  /** The pattern a representative flow (by its key in `representatives`) decided. */
  representativePattern(key: string): number {
    const [kind, first, second] = key.split(':') as [string, string, string | undefined];
    const rest = Number(first);
    if (kind === 'class') {
      const classCount = this.classes.classes.length;
      return decided(this.classPatterns.get(Math.floor(rest / classCount), rest % classCount), `representative ${key}`);
    }
    if (kind === 'pod') return decided(this.relatedPatterns.get(Math.floor(rest / this.podCount), rest % this.podCount), `representative ${key}`);
    if (kind === 'cell' || kind === 'piece') return this.outside.representativePattern(kind, rest, Number(second));
    throw new Error(`analysis bug: no representative ${key}`);
  }
}

function popcount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest !== 0; rest &= rest - 1) count++;
  return count;
}

/** Each pod's address of each family, unless it has none or another running pod claims it too. */
function addressableIPs(bundle: Bundle, parsed: readonly (readonly IP[])[]): Record<IPFamily, (IP | undefined)[]> {
  const owners = new Map<string, number>();
  for (const pod of bundle.pods) {
    if (pod.hostNetwork) continue; // its address is its node's: naming it names no pod
    for (const ip of pod.ips) owners.set(ip, (owners.get(ip) ?? 0) + 1);
  }
  const of = (family: IPFamily) =>
    bundle.pods.map((pod, p) => {
      if (pod.hostNetwork) return undefined;
      const at = parsed[p]!.findIndex((ip) => ip.family === family);
      return at >= 0 && owners.get(pod.ips[at]!) === 1 ? parsed[p]![at] : undefined;
    });
  return { 4: of(4), 6: of(6) };
}
