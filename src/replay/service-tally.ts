/**
 * @module Repeated flows counted per service, not per line. Once a fast flow of a service
 * (flow-services.ts) with some observed verdict is settled, its service's verdicts are known and
 * every group such a flow goes in is listed in the summary (listed-flows.ts). A later flow of the
 * same service and observed verdict then changes a report that lists no line (no --out, no
 * --rules) only by counts that add up in any order: the totals, and its groups' counts. So the
 * records path counts it here, in a typed array by service and observed verdict, instead of
 * giving it a batch entry; the counts are settled in one pass after each batch, before the
 * services can be numbered again (EndpointRecords.trim), and the report is the one counting line
 * by line gives.
 */
import type { EndpointRecords } from './flow-records.js';

/** Observed verdict codes (OBSERVED_CODE) per service: a tally index is service * TALLY_STRIDE + observed. */
export const TALLY_STRIDE = 3;

/** One table's tallies, for its services' current numbering (ServiceTally.of). */
export interface TableTally {
  readonly table: EndpointRecords;
  /** FlowServices.epoch these tallies are for. */
  epoch: number;
  /** By service * TALLY_STRIDE + observed code: 0 while its flows take the batch; else 1 + its flows counted here and not settled. */
  counts: Int32Array;
  /** Indexes of `counts` above 1, in the order they rose above it. */
  touched: Int32Array;
  touchedSize: number;
}

/** What a settle pass gets: `flows` flows of `service` of `table`, observed `observed` (an OBSERVED_CODE). */
export type TallySettler = (table: EndpointRecords, service: number, observed: number, flows: number) => void;

export class ServiceTally {
  private readonly tables: TableTally[] = [];
  private last: TableTally | undefined;

  /** Counts a flow of `table`'s `service`, observed `observed`, when such flows are counted here (see settled); false when it needs a batch entry. */
  take(table: EndpointRecords, service: number, observed: number): boolean {
    let tally = this.last;
    if (tally === undefined || tally.table !== table) {
      tally = this.tables.find((t) => t.table === table);
      if (tally === undefined) return false;
      this.last = tally;
    }
    const i = service * TALLY_STRIDE + observed;
    const counts = tally.counts;
    if (i >= counts.length) return false;
    if (counts[i] === 0) return false;
    count(tally, i);
    return true;
  }

  /**
   * Counts flows of `table` by their tally indexes, each of a kind `take` counted before (while its
   * services keep their numbers): the WASM row reader's tallies (row-lines.ts).
   */
  takeTallied(table: EndpointRecords, indexes: Int32Array): void {
    const tally = this.tables.find((t) => t.table === table);
    if (tally === undefined) throw new Error('replay bug: tallies for a table never counted');
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k]!;
      // Fail closed: a kind not counted per service needs each flow settled.
      if (!(tally.counts[i]! > 0)) throw new Error('replay bug: a tally for a kind of flow not counted per service');
      count(tally, i);
    }
  }

  /**
   * A flow of `service` of the table of `tally` (of), observed `observed`, was settled line by line: its verdicts are
   * known and its groups listed, so the next such flows may be counted here.
   */
  settled(tally: TableTally, service: number, observed: number): void {
    const i = service * TALLY_STRIDE + observed;
    if (i >= tally.counts.length) tally.counts = widened(tally.counts, Math.max(1024, 2 * i + 2));
    if (tally.counts[i] === 0) tally.counts[i] = 1;
  }

  /** Hands every count not settled to `settle`, and starts it over: after each batch, before EndpointRecords.trim. */
  settle(settle: TallySettler): void {
    for (const tally of this.tables) {
      const { counts, touched, table } = tally;
      for (let k = 0; k < tally.touchedSize; k++) {
        const i = touched[k]!;
        settle(table, (i / TALLY_STRIDE) | 0, i % TALLY_STRIDE, counts[i]! - 1);
        counts[i] = 1;
      }
      tally.touchedSize = 0;
    }
  }

  /** After EndpointRecords.trim (counts settled): a table whose services were numbered again counts nothing until its flows are settled again. */
  renumbered(): void {
    for (const tally of this.tables) {
      if (tally.epoch === tally.table.services.epoch) continue;
      tally.epoch = tally.table.services.epoch;
      tally.counts.fill(0);
      tally.touchedSize = 0;
    }
  }

  /** True once it holds some table's tallies: a replay --jobs thread's later parts of a log, counted into its fold's tally. */
  get started(): boolean {
    return this.tables.length > 0;
  }

  /** The tallies of `table`'s services. */
  of(table: EndpointRecords): TableTally {
    let tally = this.tables.find((t) => t.table === table);
    if (tally === undefined) {
      tally = { table, epoch: table.services.epoch, counts: new Int32Array(0), touched: new Int32Array(64), touchedSize: 0 };
      this.tables.push(tally);
    }
    return tally;
  }
}

/** One more flow at index `i` of `tally` (counted per service: its count is at least 1). */
function count(tally: TableTally, i: number): void {
  const n = tally.counts[i]!;
  tally.counts[i] = n + 1;
  if (n === 1) {
    if (tally.touchedSize === tally.touched.length) tally.touched = widened(tally.touched, tally.touched.length * 2);
    tally.touched[tally.touchedSize++] = i;
  }
}

/** `old`'s values in a new array of `length` (zero past them). */
export function widened(old: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const wider = new Int32Array(length);
  wider.set(old);
  return wider;
}
