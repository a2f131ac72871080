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
import type { PodClasses } from './pod-classes.js';

/** The profile of a side that passes every flow (hostNetwork, or selected by no policy). */
export const OPEN = -1;

interface Profile {
  readonly facts: SubjectFacts;
  /** Each pods peer's matched classes, as sets. */
  readonly peerSets: readonly Set<number>[];
}

export class SideGroups {
  private readonly profileOf: Record<Direction, Int32Array>;
  private readonly profiles: Record<Direction, Profile[]> = { egress: [], ingress: [] };
  private readonly groupIds = new Map<string, number>();
  private readonly peerGroups: Record<Direction, Map<number, number>> = { egress: new Map(), ingress: new Map() };
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
          this.profiles[direction].push({ facts, peerSets: facts.peerSets.map(setOf) });
        }
        out[a] = id;
      });
      return out;
    };
    this.profileOf = { egress: profileOf('egress'), ingress: profileOf('ingress') };
  }

  /** The profile of class a's own side in a direction, or OPEN. */
  profile(direction: Direction, a: number): number {
    return this.profileOf[direction][a]!;
  }

  /** The group of peer class c for a (not OPEN) profile: peers its side cannot tell apart. */
  peerGroup(direction: Direction, profile: number, c: number): number {
    const cacheKey = profile * this.classCount + c;
    const cached = this.peerGroups[direction].get(cacheKey);
    if (cached !== undefined) return cached;
    const { facts, peerSets } = this.profiles[direction][profile]!;
    let key: string;
    if (facts.cluster) {
      key = `${direction}|${profile}|class:${c}`;
    } else {
      const peer = this.classes.classes[c]!;
      let bits = '';
      for (const set of peerSets) bits += set.has(c) ? '1' : '0';
      key = `${direction}|${profile}|${peer.hostNetwork ? 1 : 0}|${peer.addresses}|${direction === 'egress' ? peer.ports : ''}|${bits}`;
    }
    const id = this.groupId(key);
    this.peerGroups[direction].set(cacheKey, id);
    return id;
  }

  /** The group of a cell of the outside world as the peer of a (not OPEN) profile. */
  cellGroup(direction: Direction, profile: number, family: IPFamily, cell: number): number {
    return this.groupId(`${direction}|${profile}|cell:${family}:${cell}`);
  }

  private groupId(key: string): number {
    let id = this.groupIds.get(key);
    if (id === undefined) this.groupIds.set(key, (id = this.groupIds.size));
    return id;
  }
}
