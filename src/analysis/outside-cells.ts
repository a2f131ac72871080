/**
 * @module Pods and the outside world, by class: the outside is cut into pieces (address-space.ts),
 * and between a pod class and a rule cell one representative flow per direction decides, on the
 * pod's side (the outside end's own side always allows). A pod and its own node's address are the
 * one relation the class key cannot hold; NetworkPolicies always allow it, so only a pod that a
 * cluster-wide policy selects has that flow decided, on its own.
 */
import type { Bundle } from '../model/bundle.js';
import type { IP, IPFamily } from '../net/ip.js';
import { addressPieces, FAMILIES, type AddressPiece, type Cuts } from './address-space.js';
import type { ClassCandidates, Direction } from './candidates.js';
import type { RecordEndpoint } from './decider.js';
import { NOTHING } from './patterns.js';
import { PairTable } from './pair-table.js';
import type { PodClasses } from './pod-classes.js';
import { OPEN, type SideGroups } from './side-groups.js';
import { decided, EVERYTHING, NAMINGS, NO_SIDE, type SideSlots } from './side-slots.js';

const DIRECTIONS = ['egress', 'ingress'] as const;

/** Direction as the low bit of a table key. */
const bit = (direction: Direction): number => (direction === 'egress' ? 0 : 1);

/** The flow between a pod and an address, in a direction. */
function outsideFlow(pod: number, ip: IP, direction: Direction): readonly [RecordEndpoint, RecordEndpoint] {
  return direction === 'egress' ? [{ pod }, { ip }] : [{ ip }, { pod }];
}

export interface OutsideContext {
  readonly bundle: Bundle;
  readonly cuts: Readonly<Record<IPFamily, Cuts>>;
  readonly classes: PodClasses;
  readonly candidates: ClassCandidates;
  readonly sides: SideGroups;
  readonly slots: SideSlots;
  /** Per pod: its node's addresses (status.hostIPs). */
  readonly hostIPs: readonly (readonly IP[])[];
}

export class OutsideCells {
  readonly pieces: readonly AddressPiece[];
  /** Per piece index: the pods whose node it is (only for pieces that are a node address). */
  readonly podsOnPiece = new Map<number, number[]>();
  /** Where each family's cells start in one numbering of all cells. */
  private readonly cellBase: Record<IPFamily, number>;
  /** The pieces of each cell, by cell number. */
  private readonly cellPieces: AddressPiece[][];
  /** By (class, cell number x 2 + direction): the pattern, -1 while queued. */
  private readonly cellPatterns = new PairTable();
  /** By (pod, piece x 2 + direction): a pod and its own node's address, -1 while queued. */
  private readonly nodePatterns = new PairTable();
  /** Queued decisions: class, cell key, side slot. */
  private readonly pendingCells: number[] = [];
  /** Queued decisions: pod, piece key, side slot. */
  private readonly pendingNodes: number[] = [];

  constructor(private readonly context: OutsideContext) {
    const { bundle, cuts, hostIPs } = context;
    this.cellBase = { 4: 0, 6: cuts[4].length };
    this.pieces = FAMILIES.flatMap((family) => addressPieces(bundle, family, cuts[family]));
    this.cellPieces = Array.from({ length: cuts[4].length + cuts[6].length }, () => []);
    const pieceOf = new Map<string, number>();
    this.pieces.forEach((piece, i) => {
      this.cellPieces[this.cellNumber(piece.family, piece.cell)]!.push(piece);
      if (piece.hostIP) pieceOf.set(`${piece.family}:${piece.lo}`, i);
    });
    hostIPs.forEach((ips, p) => {
      for (const ip of ips) {
        const piece = pieceOf.get(`${ip.family}:${ip.value}`);
        if (piece === undefined) continue;
        const list = this.podsOnPiece.get(piece);
        if (list) list.push(p);
        else this.podsOnPiece.set(piece, [p]);
      }
    });
  }

  private cellNumber(family: IPFamily, cell: number): number {
    return this.cellBase[family] + cell;
  }

  /** Queues pod class x outside cell decisions (both directions), and each pod's own node address. */
  request(classIds: Iterable<number>, pods: Iterable<number>): void {
    const classList = [...classIds];
    this.cellPieces.forEach((pieces) => {
      if (pieces.length === 0) return;
      for (const a of classList) this.requestCell(a, pieces[0]!.family, pieces[0]!.cell);
    });
    const wanted = new Set(pods);
    for (const [piece, onNode] of this.podsOnPiece) {
      for (const p of onNode) if (wanted.has(p)) this.requestNode(p, piece);
    }
  }

  private requestCell(a: number, family: IPFamily, cell: number): void {
    const { candidates, sides, slots } = this.context;
    if (!candidates.outside.egress[a] && !candidates.outside.ingress[a]) return;
    const rep = this.outsideRepresentative(a, family, cell);
    if (!rep) return;
    const numbered = this.cellNumber(family, cell);
    for (const direction of DIRECTIONS) {
      const key = numbered * 2 + bit(direction);
      if (this.cellPatterns.has(a, key)) continue;
      this.cellPatterns.set(a, key, -1);
      // The outside end's own side always allows: the pod's side decides, and allows nothing
      // outside when no rule of it can match an address.
      const profile = sides.profile(direction, a);
      const slot = !candidates.outside[direction][a]
        ? NO_SIDE
        : profile === OPEN
          ? EVERYTHING
          : sides.cellGroup(direction, profile, family, cell) * NAMINGS;
      this.pendingCells.push(a, key, slot);
      const [src, dst] = outsideFlow(rep[0], rep[1], direction);
      slots.request(src, dst, direction === 'egress' ? slot : EVERYTHING, direction === 'ingress' ? slot : EVERYTHING);
    }
  }

  /** Pod p and the address of its node (piece i), both directions: see the module comment. */
  private requestNode(p: number, piece: number): void {
    const { classes, sides, slots } = this.context;
    const address: IP = { family: this.pieces[piece]!.family, value: this.pieces[piece]!.lo };
    for (const direction of DIRECTIONS) {
      const key = piece * 2 + bit(direction);
      if (this.nodePatterns.has(p, key)) continue;
      const group = sides.nodeGroup(direction, classes.classOf[p]!);
      if (group === OPEN) {
        this.nodePatterns.set(p, key, slots.pattern(EVERYTHING));
        continue;
      }
      this.nodePatterns.set(p, key, -1);
      const slot = group * NAMINGS;
      this.pendingNodes.push(p, key, slot);
      const [src, dst] = outsideFlow(p, address, direction);
      slots.request(src, dst, direction === 'egress' ? slot : EVERYTHING, direction === 'ingress' ? slot : EVERYTHING);
    }
  }

  /** After a flush: each queued cell's and node address's pattern from its side's. */
  resolvePending(): void {
    const { slots } = this.context;
    for (const [queue, table] of [
      [this.pendingCells, this.cellPatterns],
      [this.pendingNodes, this.nodePatterns],
    ] as const) {
      for (let at = 0; at < queue.length; at += 3) table.set(queue[at]!, queue[at + 1]!, slots.pattern(queue[at + 2]!));
      queue.length = 0;
    }
  }

  /** A pod of the class and an unowned address of the cell that is not that pod's node. */
  private outsideRepresentative(a: number, family: IPFamily, cell: number): [number, IP] | undefined {
    const candidates = this.cellPieces[this.cellNumber(family, cell)]!;
    const { classes, hostIPs } = this.context;
    for (const p of classes.classes[a]!.pods) {
      for (const piece of candidates) {
        const value = piece.ranges[0]![0];
        if (!hostIPs[p]!.some((ip) => ip.family === family && ip.value === value)) return [p, { family, value }];
      }
    }
    return undefined;
  }

  /** The pattern between pod p and the addresses of piece i, in one direction. */
  outsidePattern(p: number, piece: number, direction: Direction): number {
    const at = this.pieces[piece]!;
    if (at.hostIP && this.podsOnPiece.get(piece)?.includes(p)) {
      return decided(this.nodePatterns.get(p, piece * 2 + bit(direction)), 'pod and its node');
    }
    return this.cellPattern(this.context.classes.classOf[p]!, at.family, at.cell, direction);
  }

  /** The pattern between the pods of class a (not on a node inside the cell) and a cell. */
  cellPattern(a: number, family: IPFamily, cell: number, direction: Direction): number {
    if (!this.context.candidates.outside[direction][a]) return NOTHING;
    return decided(this.cellPatterns.get(a, this.cellNumber(family, cell) * 2 + bit(direction)), 'class and cell');
  }

  /** The cell pattern, or undefined when the class had no representative for the cell. */
  decidedCellPattern(a: number, family: IPFamily, cell: number, direction: Direction): number | undefined {
    if (!this.context.candidates.outside[direction][a]) return NOTHING;
    const found = this.cellPatterns.get(a, this.cellNumber(family, cell) * 2 + bit(direction));
    return found === undefined ? undefined : decided(found, 'class and cell');
  }

  /** Whether class a has a representative for the cell (it has a pod not on a node inside it). */
  hasCellPattern(a: number, family: IPFamily, cell: number): boolean {
    return (this.cellPatterns.get(a, this.cellNumber(family, cell) * 2) ?? -1) >= 0;
  }

  /** A key of a connection's `representatives` (explain.ts) for a class and cell. */
  cellKey(a: number, family: IPFamily, cell: number, direction: Direction): string {
    return `cell:${a}:${this.cellNumber(family, cell) * 2 + bit(direction)}`;
  }

  /** The key for a pod and its own node's address (piece i). */
  nodeKey(p: number, piece: number, direction: Direction): string {
    return `piece:${p}:${piece * 2 + bit(direction)}`;
  }

  /** The flows behind a `cell:` or `piece:` key. */
  representativeFlows(kind: 'cell' | 'piece', first: number, second: number): (readonly [RecordEndpoint, RecordEndpoint])[] {
    const direction: Direction = second % 2 === 0 ? 'egress' : 'ingress';
    const at = Math.floor(second / 2);
    if (kind === 'piece') return [outsideFlow(first, { family: this.pieces[at]!.family, value: this.pieces[at]!.lo }, direction)];
    const family: IPFamily = at >= this.cellBase[6] ? 6 : 4;
    const rep = this.outsideRepresentative(first, family, at - this.cellBase[family]);
    return rep ? [outsideFlow(rep[0], rep[1], direction)] : [];
  }

  /** The pattern behind a `cell:` or `piece:` key. */
  representativePattern(kind: 'cell' | 'piece', first: number, second: number): number {
    return decided((kind === 'piece' ? this.nodePatterns : this.cellPatterns).get(first, second), `representative ${kind}`);
  }
}
