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
import { PairTable } from './pair-table.js';
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

/** Peer groups kept in a flat array (profile x peer kind) up to this many entries (64 MiB); more in a hash table. */
const DENSE_GROUPS = 1 << 24;

/** Memberships kept as bits of a number up to this many pods peers; more take a text key. */
const MAX_BITS = 30;

/** Group ids, unique over both directions (a slot is a group and a naming). */
class GroupCounter {
  next = 0;
}

/** Both directions' profiles and groups. */
export class SideGroups {
  readonly egress: DirectionGroups;
  readonly ingress: DirectionGroups;

  constructor(classes: PodClasses, candidates: ClassCandidates) {
    const sets = new Map<readonly number[], Set<number>>();
    const setOf = (list: readonly number[]): Set<number> => {
      let found = sets.get(list);
      if (!found) sets.set(list, (found = new Set(list)));
      return found;
    };
    const profiles = { egress: profilesOf(classes, candidates, 'egress', setOf), ingress: profilesOf(classes, candidates, 'ingress', setOf) };
    // Per class: the pods peers (of either direction's profiles) that match it.
    const memberOf: number[][] = classes.classes.map(() => []);
    [...sets.values()].forEach((set, i) => set.forEach((c) => memberOf[c]!.push(i)));
    const counter = new GroupCounter();
    this.egress = new DirectionGroups(classes, 'egress', profiles.egress, memberOf, counter);
    this.ingress = new DirectionGroups(classes, 'ingress', profiles.ingress, memberOf, counter);
  }

  /** The profile of class a's own side in a direction, or OPEN. */
  profile(direction: Direction, a: number): number {
    return this[direction].profileOf[a]!;
  }

  /** The group of class `peer` as the peer of class `subject`'s side, or OPEN when that side passes every flow. */
  sideGroup(direction: Direction, subject: number, peer: number): number {
    return this[direction].sideGroup(subject, peer);
  }

  /** The group of peer class c for a (not OPEN) profile: peers its side cannot tell apart. */
  peerGroup(direction: Direction, profile: number, c: number): number {
    return this[direction].peerGroup(profile, c);
  }

  /**
   * The group of class a's side when its peer is a's own node (status.hostIP), or OPEN when that
   * side allows everything: NetworkPolicies always allow a pod's own node, so only a subject of a
   * cluster-wide policy can deny it, and its side gets a group of its own (decided by that flow).
   */
  nodeGroup(direction: Direction, a: number): number {
    return this[direction].nodeGroup(a);
  }

  /** The group of a cell of the outside world as the peer of a (not OPEN) profile. */
  cellGroup(direction: Direction, profile: number, family: IPFamily, cell: number): number {
    return this[direction].cellGroup(profile, family, cell);
  }
}

/** Per class, its profile (or OPEN) for a direction; the profiles are pushed to `profiles`. */
function profilesOf(
  classes: PodClasses,
  candidates: ClassCandidates,
  direction: Direction,
  setOf: (list: readonly number[]) => Set<number>,
): { of: Int32Array; profiles: Profile[] } {
  const ids = new Map<string, number>();
  const profiles: Profile[] = [];
  const of = new Int32Array(classes.classes.length);
  classes.classes.forEach((c, a) => {
    const facts = candidates.subjects[direction][a]!;
    if (facts.open) return void (of[a] = OPEN);
    const key = facts.cluster ? `class:${a}` : `${facts.policies.join(',')}|${c.addresses}|${direction === 'ingress' ? c.ports : ''}`;
    let id = ids.get(key);
    if (id === undefined) {
      ids.set(key, (id = profiles.length));
      profiles.push({ facts, peerSets: facts.peerSets.map(setOf), groups: new Map() });
    }
    of[a] = id;
  });
  return { of, profiles };
}

/** One direction's profiles and peer groups. */
export class DirectionGroups {
  readonly profileOf: Int32Array;
  private readonly profiles: readonly Profile[];
  /** Per class: an id of what a peer's side reads of it besides selectors. */
  private readonly factsId: Int32Array;
  /** Per class: its peer kind (the same facts, and matched by the same pods peers of every profile). */
  private readonly kindOf: Int32Array;
  /** Per peer kind: a class of it. */
  private readonly kindClass: number[] = [];
  /** By (profile, peer kind): the peer's group, filled as asked: flat (-1 unknown) or hashed. */
  private peerGroups: Int32Array | PairTable | undefined;

  constructor(
    classes: PodClasses,
    direction: Direction,
    profiles: { of: Int32Array; profiles: Profile[] },
    memberOf: readonly (readonly number[])[],
    private readonly counter: GroupCounter,
  ) {
    this.profileOf = profiles.of;
    this.profiles = profiles.profiles;
    // A peer's hostNetwork, address facts (family, cells: what an ipBlock reads) and, as an egress
    // peer (the destination), its named ports.
    const factIds = new Map<string, number>();
    this.factsId = Int32Array.from(classes.classes, (c) => {
      const key = `${c.hostNetwork ? 1 : 0}|${c.addresses}|${direction === 'egress' ? c.ports : ''}`;
      let id = factIds.get(key);
      if (id === undefined) factIds.set(key, (id = factIds.size));
      return id;
    });
    // No (not cluster) profile tells apart peers of the same facts that the same pods peers match:
    // a peer's group is found once per such kind, not once per class.
    const kindIds = new Map<string, number>();
    this.kindOf = Int32Array.from(memberOf, (sets, c) => {
      const key = `${this.factsId[c]}|${sets.join(',')}`;
      let id = kindIds.get(key);
      if (id === undefined) kindIds.set(key, (id = this.kindClass.push(c) - 1));
      return id;
    });
  }

  /** The group of class `peer` as the peer of class `subject`'s side, or OPEN when that side passes every flow. */
  sideGroup(subject: number, peer: number): number {
    const profile = this.profileOf[subject]!;
    return profile === OPEN ? OPEN : this.peerGroup(profile, peer);
  }

  /** The group of peer class c for a (not OPEN) profile. */
  peerGroup(profile: number, c: number): number {
    const { facts, peerSets, groups } = this.profiles[profile]!;
    // A cluster subject: the peer's own class (its group is new for each).
    if (facts.cluster) return this.groupOf(groups, c);
    const kinds = this.kindClass.length;
    const kind = this.kindOf[c]!;
    const known = this.peerGroups ?? this.groupTable();
    const cached = known instanceof PairTable ? known.get(profile, kind) : known[profile * kinds + kind]!;
    if (cached !== undefined && cached >= 0) return cached;
    // Within the profile: the peer's facts and memberships.
    const peer = this.kindClass[kind]!;
    const own = this.factsId[peer]!;
    let key: number | string;
    if (peerSets.length <= MAX_BITS) {
      let bits = 0;
      for (let i = 0; i < peerSets.length; i++) if (peerSets[i]!.has(peer)) bits |= 1 << i;
      key = own * 2 ** MAX_BITS + bits;
    } else {
      key = `${own}|${peerSets.map((set) => (set.has(peer) ? 1 : 0)).join('')}`;
    }
    const id = this.groupOf(groups, key);
    if (known instanceof PairTable) known.set(profile, kind, id);
    else known[profile * kinds + kind] = id;
    return id;
  }

  /** A profile's group of a key, new when first asked. */
  private groupOf(groups: Map<number | string, number>, key: number | string): number {
    let id = groups.get(key);
    if (id === undefined) groups.set(key, (id = this.counter.next++));
    return id;
  }

  private groupTable(): Int32Array | PairTable {
    const entries = this.profiles.length * this.kindClass.length;
    return (this.peerGroups = entries <= DENSE_GROUPS ? new Int32Array(entries).fill(-1) : new PairTable());
  }

  /** See SideGroups.nodeGroup. */
  nodeGroup(a: number): number {
    const profile = this.profileOf[a]!;
    if (profile === OPEN || !this.profiles[profile]!.facts.cluster) return OPEN;
    return this.counter.next++;
  }

  /** The group of a cell of the outside world as the peer of a (not OPEN) profile. */
  cellGroup(profile: number, family: IPFamily, cell: number): number {
    // Negative keys: apart from peer classes' (numbers >= 0) and membership texts.
    return this.groupOf(this.profiles[profile]!.groups, -1 - (cell * 2 + (family === 4 ? 0 : 1)));
  }
}
