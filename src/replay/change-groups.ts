/**
 * @module Flows grouped by source -> destination : protocol/port, with counts, where they were
 * first and last seen, and what decided them on each side of a comparison. Bounded: at most
 * MAX_CHANGE_GROUPS groups per list; flows of further groups are counted in `otherFlows`.
 */
import { detached } from '../flow/endpoint-table.js';
import type { Protocol } from '../model/bundle.js';
import type { Observed } from './records.js';
import { isEarlier, isLater, sightingJSON, type Sighting, type SightingJSON } from './sighting.js';
import { groupKey } from './summary.js';

/** Distinct groups kept per list (about 300 bytes each: tens of MB at the bound, whatever the log). */
export const MAX_CHANGE_GROUPS = 100_000;

export interface ChangeGroup {
  readonly src: string;
  readonly dst: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly flows: number;
  /** What decided the group's first flow with the baseline bundle, tier chain included. */
  readonly old: string;
  /** ... and with the new bundle. */
  readonly new: string;
  /** What the log recorded, for the baseline-versus-log list. */
  readonly observed?: 'allowed' | 'denied';
  /** The earliest flow by time when the log has times, else the first read; `time` in RFC 3339 UTC. */
  readonly firstSeen: SightingJSON;
  /** The latest by time (a VPC record's end), else the last read. */
  readonly lastSeen: SightingJSON;
}

export interface ChangeListJSON {
  readonly flows: number;
  readonly groups: readonly ChangeGroup[];
  /** Flows of groups past MAX_CHANGE_GROUPS, counted but not listed. */
  readonly otherFlows: number;
}

export interface ChangeGroupEntry {
  readonly group: Omit<ChangeGroup, 'flows' | 'firstSeen' | 'lastSeen'>;
  flows: number;
  firstSeen: Sighting;
  lastSeen: Sighting;
}

export interface ChangeName {
  readonly src: string;
  readonly dst: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly observed?: 'allowed' | 'denied';
}

/** A flow that goes in a list: where it was read, and how its group is named (asked only as needed). */
export interface ListedFlow {
  readonly file: string;
  readonly line: number;
  readonly time: number | undefined;
  /** The end of the record's time window (VPC `end`), when it has one. */
  readonly timeEnd: number | undefined;
  /** changeKey of its group (with the log's verdict, for the baseline-versus-log list). */
  key(observed?: Observed): string;
  /** Its group's name; asked only for a flow that starts a group. */
  name(): ChangeName;
  /** What decided it with each bundle; asked only for a flow that starts a group. */
  why(): { old: string; new: string };
}

/** The key of a group in a list: groupKey, then the log's verdict for the baseline-versus-log list. */
export function changeKey(src: string, dst: string, protocol: Protocol, port: number, observed?: Observed): string {
  return `${groupKey(src, dst, `${protocol}/${port}`)}\u0000${observed ?? ''}`;
}

/** A list's content, groups in the order they were first seen (replay --jobs). */
export interface ChangeGroupsPart {
  readonly flows: number;
  readonly otherFlows: number;
  readonly entries: readonly (readonly [key: string, entry: ChangeGroupEntry])[];
}

export class ChangeGroups {
  private readonly entries = new Map<string, ChangeGroupEntry>();
  flows = 0;
  otherFlows = 0;

  constructor(private readonly maxGroups = MAX_CHANGE_GROUPS) {}

  /**
   * Counts `flows` listed flows seen at `flow`'s place (ServiceRuns counts many flows at one place,
   * and none at others where they move only sightings) in the group its key names (`observed`:
   * the log's verdict, for the baseline-versus-log list); its name and rules are asked for only
   * when it starts a group.
   */
  add(flow: ListedFlow, observed?: Observed, flows = 1): void {
    this.flows += flows;
    const key = flow.key(observed);
    const entry = this.entries.get(key);
    const { file, line, time } = flow;
    if (entry) {
      entry.flows += flows;
      if (time !== undefined && (entry.firstSeen.time === undefined || time < entry.firstSeen.time)) entry.firstSeen = { file, line, time };
      const until = flow.timeEnd ?? time;
      if (isLater(until, entry.lastSeen.time)) entry.lastSeen = { file, line, time: until };
    } else if (this.entries.size < this.maxGroups) {
      const name = flow.name();
      // Names are views of the input's lines: kept ones are copied, or they would keep whole chunks alive.
      const own = { ...name, src: detached(name.src), dst: detached(name.dst), ...(observed === undefined ? {} : { observed }) };
      const firstSeen = { file, line, time };
      const lastSeen = flow.timeEnd === undefined ? firstSeen : { file, line, time: flow.timeEnd };
      this.entries.set(detached(key), { group: { ...own, ...flow.why() }, flows, firstSeen, lastSeen });
    } else {
      this.otherFlows += flows;
    }
  }

  get boundReached(): boolean {
    return this.otherFlows > 0;
  }

  toPart(): ChangeGroupsPart {
    return { flows: this.flows, otherFlows: this.otherFlows, entries: [...this.entries] };
  }

  /**
   * Adds the groups of the input that follows: counts add up, and first and last sightings
   * combine as `add` would have combined them one flow at a time. Exact when `part` was counted
   * without a bound (as workers count): in first-seen order, the bound keeps the groups one list
   * reading everything would.
   */
  merge(part: ChangeGroupsPart): void {
    this.flows += part.flows;
    this.otherFlows += part.otherFlows;
    for (const [key, added] of part.entries) {
      const entry = this.entries.get(key);
      if (entry) {
        entry.flows += added.flows;
        if (isEarlier(added.firstSeen, entry.firstSeen)) entry.firstSeen = added.firstSeen;
        if (isLater(added.lastSeen.time, entry.lastSeen.time)) entry.lastSeen = added.lastSeen;
      } else if (this.entries.size < this.maxGroups) {
        this.entries.set(key, { ...added });
      } else {
        this.otherFlows += added.flows;
      }
    }
  }

  /** Groups with the most flows first; ties by first sighting. */
  toJSON(limit = Infinity): ChangeListJSON {
    const groups = [...this.entries.values()]
      .sort((a, b) => b.flows - a.flows || compareSightings(a.firstSeen, b.firstSeen))
      .slice(0, limit)
      .map(({ group, flows, firstSeen, lastSeen }): ChangeGroup => {
        const { src, dst, protocol, port, old, observed } = group;
        const seen = { firstSeen: sightingJSON(firstSeen), lastSeen: sightingJSON(lastSeen) };
        return { src, dst, protocol, port, flows, old, new: group.new, ...(observed ? { observed } : {}), ...seen };
      });
    return { flows: this.flows, groups, otherFlows: this.otherFlows };
  }
}

function compareSightings(a: Sighting, b: Sighting): number {
  return a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1;
}
