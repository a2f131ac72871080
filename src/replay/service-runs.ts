/**
 * @module A batch's fast flows gathered per kind, its service (flow-services.ts) and observed
 * verdict, so that a report counts each kind at a few places rather than at every flow. Every
 * flow of a kind has the same verdicts, so hits the same rules and goes in the same groups;
 * besides the counts, counting flows one by one moves only first and last sightings (sighting.ts:
 * the earliest time, the first read on a tie; the latest end of a window, the last read on a
 * tie). So each kind keeps three flows: the first read, where all its flows are counted (a rule or
 * group new to the report is made there, as one by one), and the first seen and last seen, where
 * none are counted. Visited in reading order (places), those flows give the report one-by-one
 * counting gives: each rule's and group's first and last sightings are among them, met in the
 * order that breaks ties as reading does.
 */
import type { FlowRecordBatch } from './flow-record-batch.js';
import { TALLY_STRIDE, widened } from './service-tally.js';

export class ServiceRuns {
  /** Per table index of the batch, by service * TALLY_STRIDE + observed code: its kind + 1 (0: none yet). */
  private kindOf: Int32Array[] = [];
  private size = 0;
  private tables = new Int32Array(64);
  private indexes = new Int32Array(64);
  private counts = new Int32Array(64);
  /** The batch index of each kind's first-read, first-seen and last-seen flow. */
  private reads = new Int32Array(64);
  private firsts = new Int32Array(64);
  private lasts = new Int32Array(64);
  private placeIndexes = new Int32Array(192);
  private placeCounts = new Int32Array(192);
  /** By batch index: the flows of the kind first read there (0 elsewhere, between calls of places). */
  private countByRead = new Int32Array(1024);

  /** Gathers fast flow i of `batch` (not refused: its verdicts are its service's). */
  add(batch: FlowRecordBatch, i: number): void {
    const table = batch.tableIndexes[i]!;
    const index = batch.services[i]! * TALLY_STRIDE + batch.observed[i]!;
    let kinds = this.kindOf[table];
    if (kinds === undefined || index >= kinds.length) kinds = this.widenKinds(table, index);
    const k = kinds[index]! - 1;
    if (k < 0) {
      if (this.size === this.counts.length) this.grow();
      if (i >= this.countByRead.length) this.countByRead = new Int32Array(Math.max(2 * i + 2, 1024));
      const made = this.size++;
      kinds[index] = made + 1;
      this.tables[made] = table;
      this.indexes[made] = index;
      this.counts[made] = 1;
      this.reads[made] = i;
      this.firsts[made] = i;
      this.lasts[made] = i;
      return;
    }
    this.counts[k]!++;
    const times = batch.times;
    // isEarlier: an earlier time; a time beats none; on a tie the one read first stays.
    const time = times[i]!;
    if (time === time) {
      const firstTime = times[this.firsts[k]!]!;
      if (firstTime !== firstTime || time < firstTime) this.firsts[k] = i;
    }
    // isLater, by the end of the flow's window: no earlier; no time never replaces a time.
    const until = untilOf(batch, i);
    const lastUntil = untilOf(batch, this.lasts[k]!);
    if (until === until ? lastUntil !== lastUntil || until >= lastUntil : lastUntil !== lastUntil) this.lasts[k] = i;
  }

  /**
   * Puts the flows to count at in reading order (see the module comment) and forgets the kinds:
   * the number of places; placeAt and countAt read them until the next call.
   */
  places(): number {
    if (this.placeIndexes.length < 3 * this.size) {
      this.placeIndexes = new Int32Array(6 * this.size);
      this.placeCounts = new Int32Array(6 * this.size);
    }
    const places = this.placeIndexes;
    let n = 0;
    for (let k = 0; k < this.size; k++) {
      const read = this.reads[k]!;
      const first = this.firsts[k]!;
      const last = this.lasts[k]!;
      places[n++] = read;
      if (first !== read) places[n++] = first;
      if (last !== read && last !== first) places[n++] = last;
      this.kindOf[this.tables[k]!]![this.indexes[k]!] = 0;
    }
    places.subarray(0, n).sort();
    // Each kind's flows are all counted at its first read: the first of its places.
    const counts = this.countByRead;
    for (let k = 0; k < this.size; k++) counts[this.reads[k]!] = this.counts[k]!;
    for (let p = 0; p < n; p++) this.placeCounts[p] = counts[places[p]!]!;
    for (let k = 0; k < this.size; k++) counts[this.reads[k]!] = 0;
    this.size = 0;
    return n;
  }

  /** Place p's batch index, and the flows to count there (its kind's all at its first read, else none). */
  placeAt(p: number): number {
    return this.placeIndexes[p]!;
  }
  countAt(p: number): number {
    return this.placeCounts[p]!;
  }

  private widenKinds(table: number, index: number): Int32Array {
    const kinds = widened(this.kindOf[table] ?? new Int32Array(0), Math.max(1024, 2 * index + 2));
    this.kindOf[table] = kinds;
    return kinds;
  }

  private grow(): void {
    const length = 2 * this.counts.length;
    this.tables = widened(this.tables, length);
    this.indexes = widened(this.indexes, length);
    this.counts = widened(this.counts, length);
    this.reads = widened(this.reads, length);
    this.firsts = widened(this.firsts, length);
    this.lasts = widened(this.lasts, length);
  }
}

/** The end of flow i's window (its time when it has no end), NaN when it has neither. */
function untilOf(batch: FlowRecordBatch, i: number): number {
  const end = batch.timeEnds[i]!;
  return end === end ? end : batch.times[i]!;
}
