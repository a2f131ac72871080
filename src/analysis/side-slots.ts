/**
 * @module Side patterns by slot. A slot stands for one side's decision over every flow that side
 * cannot tell apart (side-groups.ts: the subject's profile, the peer's group, and the way the flow
 * is named); the first flow queued for a slot decides it, and a flow goes to the core only when it
 * fills a slot still open.
 */
import type { RecordEndpoint } from './decider.js';
import { NOTHING, type PatternDecider, type PatternStore } from './patterns.js';

/** Ways to name a pod pair's flow: by reference, then per family the destination or the source by address. */
export const NAMINGS = 5;
/** The slot of a side that allows every flow. */
export const EVERYTHING = -2;
/** The slot of a side that allows no flow. */
export const NO_SIDE = -3;

/** The slot of a side of a group (side-groups.ts; negative: OPEN, a side that allows every flow) in a naming. */
export function slotOf(group: number, naming: number): number {
  return group < 0 ? EVERYTHING : group * NAMINGS + naming;
}

export class SideSlots {
  /** By slot: the side's pattern, -1 while queued. */
  private readonly patterns: number[] = [];

  constructor(
    private readonly decider: PatternDecider,
    private readonly store: PatternStore,
  ) {}

  /** Whether the slot still needs a flow. */
  wanted(slot: number): boolean {
    return slot >= 0 && this.patterns[slot] === undefined;
  }

  /** Decides the flow unless both slots are known or queued; fills the slots it was asked for. */
  request(src: RecordEndpoint, dst: RecordEndpoint, egress: number, ingress: number): void {
    const wantEgress = this.wanted(egress);
    const wantIngress = this.wanted(ingress);
    if (!wantEgress && !wantIngress) return;
    if (wantEgress) this.patterns[egress] = -1;
    if (wantIngress) this.patterns[ingress] = -1;
    this.decider.request(src, dst, (_, egressPattern, ingressPattern) => {
      if (wantEgress) this.patterns[egress] = egressPattern;
      if (wantIngress) this.patterns[ingress] = ingressPattern;
    });
  }

  /** A slot's pattern, after the flush that decided it. */
  pattern(slot: number): number {
    if (slot === EVERYTHING) return this.store.everything();
    if (slot === NO_SIDE) return NOTHING;
    return decided(this.patterns[slot], 'side');
  }

  /** What a flow passes whose sides are these slots (both must allow). */
  both(egress: number, ingress: number): number {
    return this.store.intersect(this.pattern(egress), this.pattern(ingress));
  }
}

/** A pattern that must have been decided: anything else is a bug, and fails the analysis. */
export function decided(pattern: number | undefined, what: string): number {
  if (pattern === undefined || pattern < 0) throw new Error(`analysis bug: the ${what} was not decided`);
  return pattern;
}
