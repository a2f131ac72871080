/**
 * @module Each direction of a flow decided on its own side. The core judges egress at the source
 * and ingress at the destination independently, and a flow passes when both sides allow it. A
 * side's verdict reads its subject's selecting policies and address facts, and of the peer only
 * what the subject's rules read. So classes whose side is decided alike share a profile; and for a
 * subject that only NetworkPolicies select, peer classes that every pods peer of its rules treats
 * alike, with the same address facts (family, cells: what an ipBlock reads) and, for egress, the
 * same named ports (they resolve on the destination), share a group. One flow then decides a side
 * for every (profile, group) pair. A subject of a cluster-wide policy gets a profile of its own
 * class and a group per peer class: nothing is merged that the tiers might tell apart.
 */
import type { IPFamily } from '../net/ip.js';
import type { ClassCandidates, Direction, SubjectFacts } from './candidates.js';
import { NumberTable } from './number-table.js';
import type { PodClasses } from './pod-classes.js';

/** The profile of a side that passes every flow (hostNetwork, or selected by no policy). */
export const OPEN = -1;

interface Profile {
  readonly facts: SubjectFacts;
  /** Each pods peer's matched classes, as sets. */
  readonly peerSets: readonly Set<number>[];
  /** Its peer groups: by peer key (peerGroup) or cell, each a global group id. */
  readonly groups: Map<number | string, number>;
}

/** Memberships kept as bits of a number up to this many pods peers; more take a text key. */
const MAX_BITS = 30;

export class SideGroups {
  private readonly profileOf: Record<Direction, Int32Array>;
  private readonly profiles: Record<Direction, Profile[]> = { egress: [], ingress: [] };
  private groupCount = 0;
  /** Per direction and class: an id of what a peer's side reads of it besides selectors. */
  private readonly factsId: Record<Direction, Int32Array>;
  /** Per direction, by profile x classes + peer class, the peer's group, filled as asked. */
  private readonly peerGroups: Record<Direction, NumberTable> = { egress: new NumberTable(), ingress: new NumberTable() };
  private readonly classCount: number;

  constructor(
    private readonly classes: PodClasses,
    candidates: ClassCandidates,
  ) {
    this.classCount = classes.classes.length;
    const sets = new Map<readonly number[], Set<number>>();
    const setOf = (list: readonly number[]): Set<number> => {
      let found = sets.get(list);
      if (!found) sets.set(list, (found = new Set(list)));
      return found;
    };
    const profileOf = (direction: Direction): Int32Array => {
      const ids = new Map<string, number>();
      const out = new Int32Array(this.classCount);
      classes.classes.forEach((c, a) => {
        const facts = candidates.subjects[direction][a]!;
        if (facts.open) return void (out[a] = OPEN);
        const key = facts.cluster
          ? `class:${a}`
          : `${facts.policies.join(',')}|${c.addresses}|${direction === 'ingress' ? c.ports : ''}`;
        let id = ids.get(key);
        if (id === undefined) {
          ids.set(key, (id = this.profiles[direction].length));
          this.profiles[direction].push({ facts, peerSets: facts.peerSets.map(setOf), groups: new Map() });
        }
        out[a] = id;
      });
      return out;
    };
    this.profileOf = { egress: profileOf('egress'), ingress: profileOf('ingress') };
    // A peer's hostNetwork, address facts (family, cells: what an ipBlock reads) and, as an egress
    // peer (the destination), its named ports.
    const factsId = (direction: Direction): Int32Array => {
      const ids = new Map<string, number>();
      return Int32Array.from(classes.classes, (c) => {
        const key = `${c.hostNetwork ? 1 : 0}|${c.addresses}|${direction === 'egress' ? c.ports : ''}`;
        let id = ids.get(key);
        if (id === undefined) ids.set(key, (id = ids.size));
        return id;
      });
    };
    this.factsId = { egress: factsId('egress'), ingress: factsId('ingress') };
  }

  /** The profile of class a's own side in a direction, or OPEN. */
  profile(direction: Direction, a: number): number {
    return this.profileOf[direction][a]!;
  }

  /** The group of peer class c for a (not OPEN) profile: peers its side cannot tell apart. */
  peerGroup(direction: Direction, profile: number, c: number): number {
    const known = this.peerGroups[direction];
    const at = profile * this.classCount + c;
    const cached = known.get(at);
    if (cached !== undefined) return cached;
    const { facts, peerSets, groups } = this.profiles[direction][profile]!;
    // Within the profile: the peer's own class for a cluster subject, else its facts and memberships.
    let key: number | string = c;
    if (!facts.cluster) {
      const own = this.factsId[direction][c]!;
      if (peerSets.length <= MAX_BITS) {
        let bits = 0;
        for (let i = 0; i < peerSets.length; i++) if (peerSets[i]!.has(c)) bits |= 1 << i;
        key = own * 2 ** MAX_BITS + bits;
      } else {
        key = `${own}|${peerSets.map((set) => (set.has(c) ? 1 : 0)).join('')}`;
      }
    }
    let id = groups.get(key);
    if (id === undefined) groups.set(key, (id = this.groupCount++));
    known.set(at, id);
    return id;
  }

  /** The group of a cell of the outside world as the peer of a (not OPEN) profile. */
  cellGroup(direction: Direction, profile: number, family: IPFamily, cell: number): number {
    const { groups } = this.profiles[direction][profile]!;
    // Negative keys: apart from peer classes' (numbers >= 0) and membership texts.
    const key = -1 - (cell * 2 + (family === 4 ? 0 : 1));
    let id = groups.get(key);
    if (id === undefined) groups.set(key, (id = this.groupCount++));
    return id;
  }
}
