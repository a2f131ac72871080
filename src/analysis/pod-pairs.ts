/**
 * @module Pod-level decisions, by class: one representative pair per class pair decides every
 * interval for all pairs of those classes; pairs of a pod and a pod that is (or shares an address
 * with) its own node are decided one by one, since the node rule is the one relation the class key
 * cannot hold. Likewise between a pod class and a cell of the outside world, with a pod and its own
 * node address decided one by one.
 */
import type { Bundle } from '../model/bundle.js';
import { parseIP, type IP, type IPFamily } from '../net/ip.js';
import { addressPieces, FAMILIES, ruleCuts, type AddressPiece, type Cuts } from './address-space.js';
import type { Decider, RecordEndpoint } from './decider.js';
import { NOTHING, PatternDecider, PatternStore } from './patterns.js';
import { podClasses, type PodClasses } from './pod-classes.js';
import { classCandidates, mayMatch, type ClassCandidates } from './candidates.js';
import { NumberTable } from './number-table.js';
import { portIntervals } from './port-intervals.js';
import { OPEN, SideGroups } from './side-groups.js';

export type Direction = 'egress' | 'ingress';

/** Ways to name a pod pair's flow: by reference, then per family the destination or the source by address. */
const NAMINGS = 5;
/** The slot of a side that allows every flow. */
const EVERYTHING = -2;
/** The slot of a side that allows no flow. */
const NO_SIDE = -3;

export class PodPairs {
  readonly store: PatternStore;
  readonly classes: PodClasses;
  readonly candidates: ClassCandidates;
  readonly pieces: readonly AddressPiece[];
  private readonly cuts: Record<IPFamily, Cuts>;
  private readonly decider: PatternDecider;
  private readonly podCount: number;
  /** Per pod: the pods it has a node relation with (either is the other's node). */
  readonly related = new Map<number, number[]>();
  private readonly relatedPatterns = new Map<number, number>();
  /** More than a Map holds for the full list of a large cluster (number-table.ts). */
  private readonly classPatterns = new NumberTable();
  /** Per piece index: the pods whose node it is (only for pieces that are a node address). */
  readonly podsOnPiece = new Map<number, number[]>();
  private readonly cellPatterns = new Map<number, number>();
  /** Where each family's cells start in one numbering of all cells. */
  private readonly cellBase: Record<IPFamily, number>;
  /** The node-address flows decided, by the same keys as the patterns: for explanations. */
  private readonly representatives = new Map<string, (readonly [RecordEndpoint, RecordEndpoint])[]>();
  private readonly sides: SideGroups;
  /** Side patterns by slot (sideSlot); -1 while queued. */
  private readonly sidePatterns: number[] = [];
  /** Queued class pairs: key, naming count, then (egress slot, ingress slot) per naming. */
  private readonly pendingPairs: number[] = [];
  /** Queued class and cell decisions: cell key, side slot. */
  private readonly pendingCells: number[] = [];
  /** The pieces of each cell (`family:cell`). */
  private readonly cellPieces = new Map<string, AddressPiece[]>();
  /** Per pod: its address of each family, when no other pod claims it too (it can be named by it). */
  private readonly addressOf: Record<IPFamily, (IP | undefined)[]>;
  private readonly pieceExceptions = new Map<string, number>();
  private readonly hostIPs: (readonly IP[])[];
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
    this.cuts = { 4: ruleCuts(bundle, 4), 6: ruleCuts(bundle, 6) };
    this.classes = podClasses(bundle, this.cuts);
    const focusClasses = focusPods && new Set(focusPods.map((p) => this.classes.classOf[p]!));
    this.candidates = classCandidates(bundle, this.classes, focusClasses);
    this.cellBase = { 4: 0, 6: this.cuts[4].length };
    this.pieces = FAMILIES.flatMap((family) => addressPieces(bundle, family, this.cuts[family]));
    this.podCount = bundle.pods.length;
    this.hostIPs = bundle.pods.map((pod) => pod.hostIPs.map((text) => parseIP(text)!));
    this.addressOf = addressableIPs(bundle);
    this.primaryFamily = Int8Array.from(bundle.pods, (pod) => (pod.ips[0] === undefined ? 0 : parseIP(pod.ips[0])!.family));
    this.sides = new SideGroups(this.classes, this.candidates);
    for (const piece of this.pieces) {
      const key = `${piece.family}:${piece.cell}`;
      const list = this.cellPieces.get(key);
      if (list) list.push(piece);
      else this.cellPieces.set(key, [piece]);
    }
    this.findNodeRelations();
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
      const list = this.related.get(p) ?? [];
      if (!list.includes(q)) list.push(q);
      this.related.set(p, list);
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
    const pieceOf = new Map<string, number>();
    this.pieces.forEach((piece, i) => {
      if (piece.hostIP) pieceOf.set(`${piece.family}:${piece.lo}`, i);
    });
    this.bundle.pods.forEach((_, p) => {
      for (const ip of this.hostIPs[p]!) {
        const piece = pieceOf.get(`${ip.family}:${ip.value}`);
        if (piece === undefined) continue;
        const list = this.podsOnPiece.get(piece);
        if (list) list.push(p);
        else this.podsOnPiece.set(piece, [p]);
      }
    });
  }

  isRelated(p: number, q: number): boolean {
    return this.related.get(p)?.includes(q) ?? false;
  }

  /** A representative pod stands for its replicas: with itself it is a pair of two of them. */
  private pairable(p: number, q: number): boolean {
    return (p !== q || this.bundle.pods[p]!.workload !== undefined) && !this.isRelated(p, q);
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
    const seen = new Set<number>();
    const emit = (a: number, b: number): void => {
      const key = this.classKey(a, b);
      if (seen.has(key) || !this.isCandidate(a, b)) return;
      seen.add(key);
      push(a, b);
    };
    for (const a of sources) for (const b of egress[a] ?? all) emit(a, b);
    for (const b of targets) for (const a of ingress[b] ?? all) emit(a, b);
    return out.slice(0, length);
  }

  /**
   * Queues the decisions of class pairs (candidates only; others allow nothing). Each side is
   * decided once per (profile, peer group, naming) (side-groups.ts); a pair's pattern is, over the
   * ways its flows are named, what its egress side and its ingress side both allow.
   */
  requestClassPairs(pairs: Int32Array): void {
    for (let at = 0; at < pairs.length; at += 2) {
      const a = pairs[at]!;
      const b = pairs[at + 1]!;
      const key = this.classKey(a, b);
      if (this.classPatterns.has(key) || !this.isCandidate(a, b)) continue;
      const rep = this.representativePair(a, b);
      if (!rep) continue;
      this.classPatterns.set(key, -1);
      const [p, q] = rep;
      const namings = this.namings(p, q);
      this.pendingPairs.push(key, namings.length);
      for (const naming of namings) {
        const egress = this.sideSlot('egress', a, b, naming);
        const ingress = this.sideSlot('ingress', b, a, naming);
        this.pendingPairs.push(egress, ingress);
        if (this.wanted(egress) || this.wanted(ingress)) {
          const { src, dst } = this.flowOf(naming, p, q);
          this.requestSides(src, dst, egress, ingress);
        }
      }
    }
  }

  private wanted(slot: number): boolean {
    return slot >= 0 && this.sidePatterns[slot] === undefined;
  }

  /** The slot of a side's pattern: by profile, peer group and naming; EVERYTHING for an open side. */
  private sideSlot(direction: Direction, subject: number, peer: number, naming: number): number {
    const profile = this.sides.profile(direction, subject);
    if (profile === OPEN) return EVERYTHING;
    return this.sides.peerGroup(direction, profile, peer) * NAMINGS + naming;
  }

  /** Decides the flow unless both slots are known or queued; fills the slots it was asked for. */
  private requestSides(src: RecordEndpoint, dst: RecordEndpoint, egress: number, ingress: number): void {
    const wantEgress = this.wanted(egress);
    const wantIngress = this.wanted(ingress);
    if (!wantEgress && !wantIngress) return;
    if (wantEgress) this.sidePatterns[egress] = -1;
    if (wantIngress) this.sidePatterns[ingress] = -1;
    this.decider.request(src, dst, (_, egressPattern, ingressPattern) => {
      if (wantEgress) this.sidePatterns[egress] = egressPattern;
      if (wantIngress) this.sidePatterns[ingress] = ingressPattern;
    });
  }

  private sidePattern(slot: number): number {
    if (slot === EVERYTHING) return this.store.everything();
    if (slot === NO_SIDE) return NOTHING;
    return this.known(this.sidePatterns[slot], 'side');
  }

  /** After a flush: each queued class pair's and cell's pattern from its sides'. */
  private resolvePending(): void {
    const queue = this.pendingPairs;
    for (let at = 0; at < queue.length; ) {
      const key = queue[at++]!;
      const count = queue[at++]!;
      let pattern = NOTHING;
      for (let k = 0; k < count; k++) {
        const egress = this.sidePattern(queue[at++]!);
        pattern = this.store.union(pattern, this.store.intersect(egress, this.sidePattern(queue[at++]!)));
      }
      this.classPatterns.set(key, pattern);
    }
    queue.length = 0;
    for (let at = 0; at < this.pendingCells.length; at += 2) {
      this.cellPatterns.set(this.pendingCells[at]!, this.sidePattern(this.pendingCells[at + 1]!));
    }
    this.pendingCells.length = 0;
  }

  /**
   * The ways a flow of pods p and q is named (see requestPodPair): 0 by reference, then per family
   * 1 + 2 * (family is 6) with the destination by its address, or one more with the source's.
   */
  private namings(p: number, q: number): readonly number[] {
    const byReference = this.primaryFamily[q] || this.primaryFamily[p];
    const out = [0];
    for (const family of FAMILIES) {
      if (family === byReference) continue;
      const base = family === 4 ? 1 : 3;
      if (this.addressOf[family][q]) out.push(base);
      else if (this.addressOf[family][p]) out.push(base + 1);
    }
    return out;
  }

  private flowOf(naming: number, p: number, q: number): { src: RecordEndpoint; dst: RecordEndpoint } {
    if (naming === 0) return { src: { pod: p }, dst: { pod: q } };
    const family: IPFamily = naming <= 2 ? 4 : 6;
    return naming % 2 === 1 ? { src: { pod: p }, dst: { ip: this.addressOf[family][q]! } } : { src: { ip: this.addressOf[family][p]! }, dst: { pod: q } };
  }

  /** The flows of a pod pair, one per naming. */
  private pairFlows(p: number, q: number): { src: RecordEndpoint; dst: RecordEndpoint }[] {
    return this.namings(p, q).map((naming) => this.flowOf(naming, p, q));
  }

  requestRelatedPairs(pods: Iterable<number>): void {
    for (const p of pods) {
      for (const q of this.related.get(p) ?? []) {
        for (const [src, dst] of [[p, q], [q, p]] as const) {
          const key = src * this.podCount + dst;
          if (this.relatedPatterns.has(key)) continue;
          this.requestPodPair(src, dst, this.relatedPatterns, key);
        }
      }
    }
  }

  /**
   * A pod pair's flows: named by reference (the family of the destination's primary IP), and in
   * each other family in which one of the two can be named by an address of its own (a flow that
   * names an address takes its family). The pair's pattern is the union: a connection in any family.
   */
  private requestPodPair(p: number, q: number, table: Map<number, number>, key: number): void {
    const flows = this.pairFlows(p, q);
    table.set(key, -1);
    let pattern = 0;
    let left = flows.length;
    for (const { src, dst } of flows) {
      this.decider.request(src, dst, (found) => {
        pattern = this.store.union(pattern, found);
        if (--left === 0) table.set(key, pattern);
      });
    }
  }

  private representativePair(a: number, b: number): [number, number] | undefined {
    const { classes } = this.classes;
    for (const p of classes[a]!.pods) {
      for (const q of classes[b]!.pods) if (this.pairable(p, q)) return [p, q];
    }
    return undefined;
  }

  /** The pattern of a class pair, for the pod pairs of those classes with no node relation. */
  classPattern(a: number, b: number): number {
    if (!this.isCandidate(a, b)) return NOTHING;
    return this.known(this.classPatterns.get(a * this.classes.classes.length + b), 'class pair');
  }

  /** The class pair's pattern, or undefined when no two pods of those classes form a pair. */
  decidedClassPattern(a: number, b: number): number | undefined {
    if (!this.isCandidate(a, b)) return NOTHING;
    const found = this.classPatterns.get(this.classKey(a, b));
    return found === undefined ? undefined : this.known(found, 'class pair');
  }

  relatedPattern(p: number, q: number): number {
    return this.known(this.relatedPatterns.get(this.relatedKey(p, q)), 'node-related pair');
  }

  relatedKey(p: number, q: number): number {
    return p * this.podCount + q;
  }

  pieceExceptionKey(p: number, piece: number, direction: Direction): string {
    return `${p}:${piece}:${direction}`;
  }

  /** Queues pod class x outside cell decisions (both directions), and each pod's own node address. */
  requestOutside(classIds: Iterable<number>, pods: Iterable<number>): void {
    const cellsDone = new Set<string>();
    const classList = [...classIds];
    this.pieces.forEach((piece) => {
      const cellKey = `${piece.family}:${piece.cell}`;
      if (cellsDone.has(cellKey)) return;
      cellsDone.add(cellKey);
      for (const a of classList) this.requestCell(a, piece.family, piece.cell);
    });
    const wanted = new Set(pods);
    for (const [piece, onNode] of this.podsOnPiece) {
      const address: IP = { family: this.pieces[piece]!.family, value: this.pieces[piece]!.lo };
      for (const p of onNode) {
        if (!wanted.has(p)) continue;
        for (const direction of ['egress', 'ingress'] as const) {
          const key = `${p}:${piece}:${direction}`;
          if (this.pieceExceptions.has(key)) continue;
          this.pieceExceptions.set(key, -1);
          this.representatives.set(`piece:${key}`, [direction === 'egress' ? [{ pod: p }, { ip: address }] : [{ ip: address }, { pod: p }]]);
          this.requestOutsideFlow({ pod: p }, { ip: address }, direction, (pattern) => this.pieceExceptions.set(key, pattern));
        }
      }
    }
  }

  private requestCell(a: number, family: IPFamily, cell: number): void {
    if (!this.candidates.outside.egress[a] && !this.candidates.outside.ingress[a]) return;
    const rep = this.outsideRepresentative(a, family, cell);
    if (!rep) return;
    for (const direction of ['egress', 'ingress'] as const) {
      const key = this.cellKey(a, family, cell, direction);
      if (this.cellPatterns.has(key)) continue;
      this.cellPatterns.set(key, -1);
      // The outside end's own side always allows: the pod's side decides, and allows nothing
      // outside when no rule of it can match an address.
      const profile = this.sides.profile(direction, a);
      const slot = !this.candidates.outside[direction][a]
        ? NO_SIDE
        : profile === OPEN
          ? EVERYTHING
          : this.sides.cellGroup(direction, profile, family, cell) * NAMINGS;
      this.pendingCells.push(key, slot);
      const [src, dst]: [RecordEndpoint, RecordEndpoint] = direction === 'egress' ? [{ pod: rep[0] }, { ip: rep[1] }] : [{ ip: rep[1] }, { pod: rep[0] }];
      this.requestSides(src, dst, direction === 'egress' ? slot : EVERYTHING, direction === 'ingress' ? slot : EVERYTHING);
    }
  }

  private requestOutsideFlow(pod: RecordEndpoint, address: RecordEndpoint, direction: Direction, done: (pattern: number) => void): void {
    if (direction === 'egress') this.decider.request(pod, address, done);
    else this.decider.request(address, pod, done);
  }

  /** A pod of the class and an unowned address of the cell that is not that pod's node. */
  private outsideRepresentative(a: number, family: IPFamily, cell: number): [number, IP] | undefined {
    const candidates = this.cellPieces.get(`${family}:${cell}`) ?? [];
    for (const p of this.classes.classes[a]!.pods) {
      for (const piece of candidates) {
        const value = piece.ranges[0]![0];
        if (!this.hostIPs[p]!.some((ip) => ip.family === family && ip.value === value)) return [p, { family, value }];
      }
    }
    return undefined;
  }

  /** The pattern between pod p and the addresses of piece i, in one direction. */
  outsidePattern(p: number, piece: number, direction: Direction): number {
    const at = this.pieces[piece]!;
    if (at.hostIP && this.podsOnPiece.get(piece)?.includes(p)) {
      return this.known(this.pieceExceptions.get(`${p}:${piece}:${direction}`), 'pod and its node');
    }
    return this.cellPattern(this.classes.classOf[p]!, at.family, at.cell, direction);
  }

  /** The pattern between the pods of class a (not on a node inside the cell) and a cell. */
  cellPattern(a: number, family: IPFamily, cell: number, direction: Direction): number {
    if (!this.candidates.outside[direction][a]) return NOTHING;
    return this.known(this.cellPatterns.get(this.cellKey(a, family, cell, direction)), 'class and cell');
  }

  /** The cell pattern, or undefined when the class had no representative for the cell. */
  decidedCellPattern(a: number, family: IPFamily, cell: number, direction: Direction): number | undefined {
    if (!this.candidates.outside[direction][a]) return NOTHING;
    const found = this.cellPatterns.get(this.cellKey(a, family, cell, direction));
    return found === undefined ? undefined : this.known(found, 'class and cell');
  }

  cellKey(a: number, family: IPFamily, cell: number, direction: Direction): number {
    const cells = this.cuts[4].length + this.cuts[6].length;
    return (a * cells + this.cellBase[family] + cell) * 2 + (direction === 'egress' ? 0 : 1);
  }

  classKey(a: number, b: number): number {
    return a * this.classes.classes.length + b;
  }

  /** Whether class a has a representative for the cell (it has a pod not on a node inside it). */
  hasCellPattern(a: number, family: IPFamily, cell: number): boolean {
    return (this.cellPatterns.get(this.cellKey(a, family, cell, 'egress')) ?? -1) >= 0;
  }

  /** The representative flows behind a key of a connection's `representatives` (explain.ts). */
  representativeFlows(key: string): readonly (readonly [RecordEndpoint, RecordEndpoint])[] {
    const [kind, rest] = [key.slice(0, key.indexOf(':')), Number(key.slice(key.indexOf(':') + 1))];
    if (kind === 'class') {
      const classCount = this.classes.classes.length;
      const rep = this.representativePair(Math.floor(rest / classCount), rest % classCount);
      return rep ? this.pairFlows(rep[0], rep[1]).map(({ src, dst }) => [src, dst] as const) : [];
    }
    if (kind === 'pod') return this.pairFlows(Math.floor(rest / this.podCount), rest % this.podCount).map(({ src, dst }) => [src, dst] as const);
    if (kind === 'cell') {
      const cells = this.cuts[4].length + this.cuts[6].length;
      const direction = rest % 2 === 0 ? 'egress' : 'ingress';
      const a = Math.floor(rest / 2 / cells);
      const numbered = Math.floor(rest / 2) % cells;
      const family: IPFamily = numbered >= this.cellBase[6] ? 6 : 4;
      const rep = this.outsideRepresentative(a, family, numbered - this.cellBase[family]);
      if (!rep) return [];
      return [direction === 'egress' ? [{ pod: rep[0] }, { ip: rep[1] }] : [{ ip: rep[1] }, { pod: rep[0] }]];
    }
    return this.representatives.get(key) ?? [];
  }

  /** The pattern a representative flow (by its key in `representatives`) decided. */
  representativePattern(key: string): number {
    const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const table = { class: this.classPatterns, pod: this.relatedPatterns, cell: this.cellPatterns } as Record<string, { get(key: number): number | undefined }>;
    const found = kind === 'piece' ? this.pieceExceptions.get(rest) : table[kind]?.get(Number(rest));
    return this.known(found, `representative ${key}`);
  }

  flush(): void {
    this.decider.flush();
    this.resolvePending();
  }

  private known(pattern: number | undefined, what: string): number {
    if (pattern === undefined || pattern < 0) throw new Error(`analysis bug: the ${what} was not decided`);
    return pattern;
  }
}

/** Each pod's address of each family, unless it has none or another running pod claims it too. */
function addressableIPs(bundle: Bundle): Record<IPFamily, (IP | undefined)[]> {
  const owners = new Map<string, number>();
  for (const pod of bundle.pods) {
    if (pod.hostNetwork) continue; // its address is its node's: naming it names no pod
    for (const ip of pod.ips) owners.set(ip, (owners.get(ip) ?? 0) + 1);
  }
  const of = (family: IPFamily) =>
    bundle.pods.map((pod) => {
      if (pod.hostNetwork) return undefined;
      const text = pod.ips.find((ip) => parseIP(ip)!.family === family);
      return text !== undefined && owners.get(text) === 1 ? parseIP(text) : undefined;
    });
  return { 4: of(4), 6: of(6) };
}
