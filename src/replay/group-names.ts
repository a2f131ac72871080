/**
 * @module A part's report groups sent from a worker with each group's name sent once (replay
 * --jobs): a part of a Zipf-shaped log lists thousands of groups (src, dst, service and why), most
 * of them listed by the worker's earlier parts too, and cloning their strings part after part (to
 * be hashed again by the main thread) cost about as much as a sixth of replaying the part. The
 * worker numbers each (key, why) the first time it sends it, and then sends the number; the main
 * thread keeps one list of names per worker, read in the order the worker answered (the order of
 * a worker's messages), which is the order it replayed its parts. Both start over, at the same
 * part, once MAX_NAMES are numbered, so that a log of ever new groups holds no more than that.
 */
import type { PartResult } from './part-replay.js';
import type { GroupCounterPart, ReplaySummaryPart } from './summary.js';

/** Names numbered before both sides start over. */
export const MAX_NAMES = 1 << 16;

const LISTS = ['denied', 'wouldBreak', 'wouldOpen'] as const;

/** A group list by number: (number, count) pairs, in the part's order. */
export interface NumberedGroups {
  readonly total: number;
  readonly other: number;
  readonly groups: Uint32Array;
}

/** A part's result as a worker posts it: the summary's groups by number, and the names new to this part. */
export interface NumberedResult extends Omit<PartResult, 'summary'> {
  readonly summary?: Omit<ReplaySummaryPart, (typeof LISTS)[number]> & Readonly<Record<(typeof LISTS)[number], NumberedGroups>>;
  /** Both sides forget their names before this part's. */
  readonly restart: boolean;
  /** The names numbered in this part, in number order: key, why, key, why... */
  readonly added: readonly (string | undefined)[];
}

/** The worker's side: numbers names. */
export class GroupNumbering {
  private readonly numbers = new Map<string, Map<string | undefined, number>>();
  private count = 0;

  /** `maxNames`: MAX_NAMES, unless a test wants to see both sides start over. */
  constructor(private readonly maxNames = MAX_NAMES) {}

  /** `result` by numbers; its buffers (to be transferred) are added to `transfer`. */
  number(result: PartResult, transfer: ArrayBuffer[]): NumberedResult {
    const restart = this.count >= this.maxNames;
    if (restart) {
      this.numbers.clear();
      this.count = 0;
    }
    const added: (string | undefined)[] = [];
    const { summary } = result;
    if (summary === undefined) return { ...result, summary: undefined, restart, added };
    const list = (part: GroupCounterPart): NumberedGroups => {
      const groups = new Uint32Array(part.groups.length * 2);
      part.groups.forEach(([key, count, why], i) => {
        let byWhy = this.numbers.get(key);
        if (byWhy === undefined) this.numbers.set(key, (byWhy = new Map()));
        let number = byWhy.get(why);
        if (number === undefined) {
          byWhy.set(why, (number = this.count++));
          added.push(key, why);
        }
        groups[2 * i] = number;
        groups[2 * i + 1] = count;
      });
      transfer.push(groups.buffer);
      return { total: part.total, other: part.other, groups };
    };
    const numbered = { ...summary, denied: list(summary.denied), wouldBreak: list(summary.wouldBreak), wouldOpen: list(summary.wouldOpen) };
    return { ...result, summary: numbered, restart, added };
  }
}

/** The main thread's side, one per worker: names again. */
export class GroupNames {
  private names: (string | undefined)[] = [];

  /** `numbered` with its groups named; results must come in the order the worker sent them. */
  name(numbered: NumberedResult): PartResult {
    if (numbered.restart) this.names = [];
    for (const name of numbered.added) this.names.push(name);
    const { summary, restart: _restart, added: _added, ...rest } = numbered;
    if (summary === undefined) return rest;
    const list = (part: NumberedGroups): GroupCounterPart => {
      const groups: [string, number, string | undefined][] = [];
      for (let i = 0; i < part.groups.length; i += 2) {
        const at = 2 * part.groups[i]!;
        if (at >= this.names.length) throw new Error('replay bug: a worker sent a group number it never named');
        groups.push([this.names[at]!, part.groups[i + 1]!, this.names[at + 1]]);
      }
      return { total: part.total, other: part.other, groups };
    };
    return { ...rest, summary: { ...summary, denied: list(summary.denied), wouldBreak: list(summary.wouldBreak), wouldOpen: list(summary.wouldOpen) } };
  }
}
