/**
 * @module The impact report of a replay: totals, the most frequent denied flows, and, where the log
 * says what really happened, the flows the bundle would break (observed allowed, now denied) or
 * open (observed denied, now allowed), aggregated by (source -> destination : protocol/port).
 * Memory is bounded: at most MAX_GROUPS distinct groups are counted per list, the rest in "other".
 */

import { detached } from '../flow/endpoint-table.js';
import { appendProblems, RecordTally, type TallyPart } from './record-tally.js';

/** The lists of a summary, as countListed numbers them. */
export const LIST = { DENIED: 0, BREAK: 1, OPEN: 2 } as const;

/** Distinct groups kept per list; more are counted in `other`. */
const MAX_GROUPS = 100_000;

export interface Totals {
  /** Records read: every line that was not blank or a header (VPC and CSV headers are not records). */
  records: number;
  /** Flows judged by the bundle. */
  judged: number;
  allowed: number;
  denied: number;
  /** Reply packets of a connection: counted, not judged. */
  replies: number;
  /** Protocols outside TCP/UDP/SCTP, and records that are not flows (L7, NODATA). */
  notApplicable: number;
  /** Flows the bundle cannot answer (an endpoint it cannot resolve, families that differ). */
  unresolved: number;
  /** Malformed lines, each reported with its line number. */
  malformed: number;
}

export interface Group {
  readonly src: string;
  readonly dst: string;
  readonly service: string;
  readonly count: number;
  /** What decided the first flow of the group, e.g. `[AdminNetworkPolicy a rule 2] Pass -> ...`. */
  readonly why?: string;
}

/** What decided a listed flow; asked only for a flow that starts a new group. */
export interface GroupWhy {
  why(): string | undefined;
}

/** A listed flow's group, and what decided it. */
export interface GroupName extends GroupWhy {
  readonly src: string;
  readonly dst: string;
  readonly service: string;
}

/** The key that names a group in the lists (and, split, its name in the report). */
export function groupKey(src: string, dst: string, service: string): string {
  return `${src}\u0000${dst}\u0000${service}`;
}

export interface ReportJSON {
  readonly totals: Totals;
  readonly topDenied: readonly Group[];
  readonly wouldBreak: { readonly total: number; readonly top: readonly Group[] };
  readonly wouldOpen: { readonly total: number; readonly top: readonly Group[] };
  /** True when the log said what happened for at least one judged flow. */
  readonly observed: boolean;
  /** The first malformed lines and unresolved flows, with their line numbers. */
  readonly problems: readonly { readonly line: number; readonly file: string; readonly message: string }[];
}

/** A group counter's content, groups in the order they were first counted (replay --jobs). */
export interface GroupCounterPart {
  readonly total: number;
  readonly other: number;
  readonly groups: readonly (readonly [key: string, count: number, why: string | undefined])[];
}

/**
 * The counts a thread of replay --jobs folded over its parts, sent once its share of a log is
 * replayed (or its groups pass a bound): keys[i]'s flows are counts[i].
 */
export interface GroupCountsPart {
  readonly keys: readonly string[];
  readonly counts: Float64Array;
}

/**
 * A group's count in one list, as a caller that meets the same group again keeps it
 * (ReplaySummary.countListed); null for a group counted in `other` (past the bound: for good, as
 * groups are never dropped).
 */
export type GroupCount = { count: number; readonly why?: string } | null;

/** Counts per (src -> dst : service), bounded. */
class GroupCounter {
  private readonly counts = new Map<string, { count: number; why?: string }>();
  total = 0;
  other = 0;
  /** A fold (see ReplaySummary.fold): the groups counted since takeNew, and the total it sent. */
  private fresh: string[] | undefined;
  private sentTotal = 0;

  constructor(private readonly maxGroups: number, fold = false) {
    if (fold) this.fresh = [];
  }

  get size(): number {
    return this.counts.size;
  }

  /**
   * Counts one flow of `group`; `key` names it, made once for all the lists a flow goes in, and
   * `owned` when it is no view of the input (kept as it is: the next lookup of the same string
   * then compares by identity). Its count, for `again`.
   */
  add(group: GroupWhy, key: string, owned: boolean): GroupCount {
    this.total++;
    const entry = this.counts.get(key);
    if (entry !== undefined) {
      entry.count++;
      return entry;
    }
    if (this.counts.size >= this.maxGroups) {
      this.other++;
      return null;
    }
    // Names are views of the input's lines: a kept key is copied, or it would keep whole chunks alive.
    const counted = { count: 1, why: group.why() };
    const kept = owned ? key : detached(key);
    this.counts.set(kept, counted);
    this.fresh?.push(kept);
    return counted;
  }

  /** Counts `flows` more flows of the group `add` gave `count` for. */
  again(count: GroupCount, flows: number): void {
    this.total += flows;
    if (count === null) this.other += flows;
    else count.count += flows;
  }

  toPart(): GroupCounterPart {
    return { total: this.total, other: this.other, groups: [...this.counts].map(([key, { count, why }]) => [key, count, why] as const) };
  }

  /**
   * A fold's part (see ReplaySummary.takeNew): the flows counted since the last one, and the groups
   * first counted since, in that order, each with its why and no count (sent by takeCounts).
   */
  takeNew(): GroupCounterPart {
    const fresh = this.fresh!;
    const part = { total: this.total - this.sentTotal, other: 0, groups: fresh.map((key) => [key, 0, this.counts.get(key)!.why] as const) };
    this.sentTotal = this.total;
    fresh.length = 0;
    return part;
  }

  takeCounts(): GroupCountsPart {
    const keys = [...this.counts.keys()];
    const counts = Float64Array.from(this.counts.values(), (entry) => entry.count);
    return { keys, counts };
  }

  /**
   * Adds a fold's counts, once the parts that first counted each of its groups are merged (by
   * merge): a group not kept then is past the bound for good, and its flows are `other`'s.
   */
  mergeCounts(part: GroupCountsPart): void {
    const { keys, counts } = part;
    for (let i = 0; i < keys.length; i++) {
      const entry = this.counts.get(keys[i]!);
      if (entry !== undefined) entry.count += counts[i]!;
      else this.other += counts[i]!;
    }
  }

  /**
   * Adds the counts of the input that follows. Exact when `part` was counted without a bound (as
   * workers count): its groups come in first-seen order, so the bound keeps the same groups, with
   * the same first `why`, as one counter reading the whole input would.
   */
  merge(part: GroupCounterPart): void {
    this.total += part.total;
    this.other += part.other;
    for (const [key, count, why] of part.groups) {
      const entry = this.counts.get(key);
      if (entry !== undefined) entry.count += count;
      else if (this.counts.size < this.maxGroups) this.counts.set(key, { count, why });
      else this.other += count;
    }
  }

  top(n: number): Group[] {
    return [...this.counts]
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([key, { count, why }]) => {
        const [src, dst, service] = key.split('\u0000') as [string, string, string];
        return why === undefined ? { src, dst, service, count } : { src, dst, service, count, why };
      });
  }
}

/** A summary's content, to be merged into the summary of the input before it (replay --jobs). */
export interface ReplaySummaryPart extends TallyPart<Totals> {
  readonly observed: boolean;
  readonly denied: GroupCounterPart;
  readonly wouldBreak: GroupCounterPart;
  readonly wouldOpen: GroupCounterPart;
}

/** A fold's counts per list (ReplaySummary.takeCounts). */
export interface SummaryCountsPart {
  readonly denied: GroupCountsPart;
  readonly wouldBreak: GroupCountsPart;
  readonly wouldOpen: GroupCountsPart;
}

export class ReplaySummary extends RecordTally {
  readonly totals: Totals = { records: 0, judged: 0, allowed: 0, denied: 0, replies: 0, notApplicable: 0, unresolved: 0, malformed: 0 };
  private readonly denied: GroupCounter;
  private readonly wouldBreak: GroupCounter;
  private readonly wouldOpen: GroupCounter;
  private observedAny = false;
  /** A fold: what takeNew sent so far. */
  private sent: { totals: Totals; problems: number } | undefined;

  /**
   * `maxGroups` per list: MAX_GROUPS unless a test wants to reach it (Infinity in workers, see
   * merge). A `fold` is a thread's summary of the parts of a log it replays (replay --jobs): sent
   * part by part as takeNew gives it, and its counts once (takeCounts).
   */
  constructor(maxGroups = MAX_GROUPS, fold = false) {
    super();
    this.denied = new GroupCounter(maxGroups, fold);
    this.wouldBreak = new GroupCounter(maxGroups, fold);
    this.wouldOpen = new GroupCounter(maxGroups, fold);
    if (fold) this.sent = { totals: { ...this.totals }, problems: 0 };
  }

  toPart(): ReplaySummaryPart {
    return {
      totals: { ...this.totals },
      problems: [...this.problems],
      observed: this.observedAny,
      denied: this.denied.toPart(),
      wouldBreak: this.wouldBreak.toPart(),
      wouldOpen: this.wouldOpen.toPart(),
    };
  }

  /**
   * A fold's part for the input replayed since the last one: its totals and problems, and the
   * groups first counted in it, without counts (takeCounts sends them). Merged in input order
   * with the other threads' parts, the groups are placed as one summary reading the whole input
   * would place them: a group this thread counted before was counted, in an earlier part, first.
   * Problems past this thread's bound are never among the run's first ones.
   */
  takeNew(): ReplaySummaryPart {
    const sent = this.sent!;
    const totals = { ...this.totals };
    for (const key of Object.keys(totals) as (keyof Totals)[]) totals[key] -= sent.totals[key];
    const part = {
      totals,
      problems: this.problems.slice(sent.problems),
      observed: this.observedAny,
      denied: this.denied.takeNew(),
      wouldBreak: this.wouldBreak.takeNew(),
      wouldOpen: this.wouldOpen.takeNew(),
    };
    this.sent = { totals: { ...this.totals }, problems: this.problems.length };
    return part;
  }

  /** A fold's counts per group, merged (mergeCounts) after the parts that sent its groups. */
  takeCounts(): SummaryCountsPart {
    return { denied: this.denied.takeCounts(), wouldBreak: this.wouldBreak.takeCounts(), wouldOpen: this.wouldOpen.takeCounts() };
  }

  /** Groups counted in the longest list: a fold's size. */
  get groups(): number {
    return Math.max(this.denied.size, this.wouldBreak.size, this.wouldOpen.size);
  }

  /** Adds a fold's counts, after merging every part that sent its groups (see GroupCounter.mergeCounts). */
  mergeCounts(part: SummaryCountsPart): void {
    this.denied.mergeCounts(part.denied);
    this.wouldBreak.mergeCounts(part.wouldBreak);
    this.wouldOpen.mergeCounts(part.wouldOpen);
  }

  /** Adds the summary of the input that follows (see GroupCounter.merge for when it is exact). */
  merge(part: ReplaySummaryPart): void {
    this.mergeTally(part);
    this.observedAny ||= part.observed;
    this.denied.merge(part.denied);
    this.wouldBreak.merge(part.wouldBreak);
    this.wouldOpen.merge(part.wouldOpen);
  }

  /** Whether a judged flow is listed anywhere, so that its group needs a name (see countJudged). */
  static isListed(allowed: boolean, observed: 'allowed' | 'denied' | undefined): boolean {
    return !allowed || observed === 'denied';
  }

  /**
   * A judged flow: `observed` is what the log says happened, when it says. `group` names it
   * (source, destination, service) and is needed only when isListed says so, which keeps the
   * common case (allowed, as observed) free of string building.
   */
  countJudged(allowed: boolean, observed: 'allowed' | 'denied' | undefined, group?: GroupName): void {
    this.countKeyed(allowed, observed, group && groupKey(group.src, group.dst, group.service), group, false);
  }

  /**
   * countJudged with the group's key (groupKey) from the caller, who may keep it per distinct flow;
   * `owned` when the key is no view of the input's chunks (see GroupCounter.add).
   */
  countKeyed(allowed: boolean, observed: 'allowed' | 'denied' | undefined, key?: string, group?: GroupWhy, owned = false): void {
    this.totals.records++;
    this.totals.judged++;
    if (observed !== undefined) this.observedAny = true;
    if (allowed) this.totals.allowed++;
    else this.totals.denied++;
    if (key === undefined || group === undefined) return;
    if (!allowed) this.denied.add(group, key, owned);
    if (observed === 'allowed' && !allowed) this.wouldBreak.add(group, key, owned);
    if (observed === 'denied' && allowed) this.wouldOpen.add(group, key, owned);
  }

  /**
   * countKeyed for a run of judged flows whose lists are counted apart (countListed): their
   * totals only.
   */
  countJudgedRun(allowed: number, denied: number, observed: boolean): void {
    this.totals.records += allowed + denied;
    this.totals.judged += allowed + denied;
    this.totals.allowed += allowed;
    this.totals.denied += denied;
    if (observed) this.observedAny = true;
  }

  /**
   * One flow of `key` (see countKeyed) in `list` (LIST), as countKeyed lists it; its group's count,
   * which the caller may keep and hand to countListedAgain for the group's next flows in `list`
   * (listed-flows.ts).
   */
  countListed(list: number, key: string, group: GroupWhy, owned: boolean): GroupCount {
    return this.listOf(list).add(group, key, owned);
  }

  countListedAgain(list: number, count: GroupCount, flows: number): void {
    this.listOf(list).again(count, flows);
  }

  private listOf(list: number): GroupCounter {
    return list === LIST.DENIED ? this.denied : list === LIST.BREAK ? this.wouldBreak : this.wouldOpen;
  }

  get breaks(): number {
    return this.wouldBreak.total;
  }

  toJSON(top = 10): ReportJSON {
    return {
      totals: { ...this.totals },
      topDenied: this.denied.top(top),
      wouldBreak: { total: this.wouldBreak.total, top: this.wouldBreak.top(top) },
      wouldOpen: { total: this.wouldOpen.total, top: this.wouldOpen.top(top) },
      observed: this.observedAny,
      problems: [...this.problems],
    };
  }

  /** The report for people. */
  toText(top = 10): string {
    const report = this.toJSON(top);
    const t = report.totals;
    const lines = [
      `records ${t.records}: judged ${t.judged} (allowed ${t.allowed}, denied ${t.denied}), replies ${t.replies}, ` +
        `not applicable ${t.notApplicable}, unresolved ${t.unresolved}, malformed ${t.malformed}`,
    ];
    const list = (title: string, groups: readonly Group[], total: number): void => {
      lines.push('', `${title} (${total} flows)`);
      if (groups.length === 0) lines.push('  none');
      const width = Math.max(...groups.map((g) => String(g.count).length), 1);
      for (const g of groups) {
        lines.push(`  ${String(g.count).padStart(width)}  ${g.src} -> ${g.dst} : ${g.service}${g.why ? `  ${g.why}` : ''}`);
      }
    };
    list('top denied', report.topDenied, t.denied);
    if (report.observed) {
      list('WOULD BREAK: observed allowed, now denied', report.wouldBreak.top, report.wouldBreak.total);
      list('would open: observed denied, now allowed', report.wouldOpen.top, report.wouldOpen.total);
    } else {
      lines.push('', 'the log does not say what happened, so nothing can be said to break or open');
    }
    appendProblems(lines, report.problems);
    return lines.join('\n');
  }
}
