/**
 * @module A replay summary's lists (summary.ts: top denied, would break, would open) counted per
 * distinct flow of a settled run of fast flows, in typed arrays, and handed to the summary once per
 * run: a listed line costs an array lookup and an increment, no key and no Map lookup. Each list's
 * distinct flows are handed over in the order of their first line, with their count and that
 * line, so the summary keeps the groups, counts and `why` that counting line by line gives (its
 * bound keeps the first groups met; see GroupCounter.add).
 */

/** The lists of a summary, as GroupTally and ReplaySummary.countListed number them. */
export const LIST = { DENIED: 0, BREAK: 1, OPEN: 2 } as const;
const LISTS = 3;

/** Where counted runs go: one call per list and distinct flow, in order of first line. */
export type ListedFlows = (list: number, table: number, service: number, count: number, first: number) => void;

/**
 * Distinct flows named by (table, service): `table` a small index the caller gives its endpoint
 * tables (FlowRecordBatch.tableIndexOf), `service` a FlowServices number in that table.
 */
export class GroupTally {
  /** Per table: slot + 1 of each service counted since the last flush (0: none). */
  private slotOf: Int32Array[] = [];
  private tables: Int32Array = new Int32Array(64);
  private services: Int32Array = new Int32Array(64);
  /** Per slot and list: lines counted, and the first of them. */
  private counts: Int32Array = new Int32Array(64 * LISTS);
  private firsts: Int32Array = new Int32Array(64 * LISTS);
  /** Per list: its slots in the order of their first line. */
  private orders: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
  private ordered = new Int32Array(LISTS);
  private slots = 0;

  /** Counts line `at`, of `service` in `table`, in `list` (LIST). */
  count(list: number, table: number, service: number, at: number): void {
    const slot = this.slotFor(table, service);
    const c = slot * LISTS + list;
    const counted = this.counts[c]!;
    this.counts[c] = counted + 1;
    if (counted === 0) {
      this.firsts[c] = at;
      let order = this.orders[list]!;
      const n = this.ordered[list]!;
      if (n === order.length) order = this.orders[list] = widened(order, n * 2);
      order[n] = slot;
      this.ordered[list] = n + 1;
    }
  }

  /** Hands every counted flow to `to`, list by list in order of first line, and starts over. */
  flush(to: ListedFlows): void {
    for (let list = 0; list < LISTS; list++) {
      const order = this.orders[list]!;
      for (let k = 0; k < this.ordered[list]!; k++) {
        const slot = order[k]!;
        const c = slot * LISTS + list;
        to(list, this.tables[slot]!, this.services[slot]!, this.counts[c]!, this.firsts[c]!);
      }
      this.ordered[list] = 0;
    }
    for (let slot = 0; slot < this.slots; slot++) this.slotOf[this.tables[slot]!]![this.services[slot]!] = 0;
    this.counts.fill(0, 0, this.slots * LISTS);
    this.slots = 0;
  }

  private slotFor(table: number, service: number): number {
    let slotOf = this.slotOf[table];
    if (slotOf === undefined || service >= slotOf.length) {
      slotOf = this.slotOf[table] = widened(slotOf ?? new Int32Array(0), Math.max(1024, 2 * service + 2));
    }
    const held = slotOf[service]!;
    if (held !== 0) return held - 1;
    const slot = this.slots++;
    if (slot === this.tables.length) this.grow();
    this.tables[slot] = table;
    this.services[slot] = service;
    slotOf[service] = slot + 1;
    return slot;
  }

  private grow(): void {
    const n = this.tables.length * 2;
    this.tables = widened(this.tables, n);
    this.services = widened(this.services, n);
    this.counts = widened(this.counts, n * LISTS);
    this.firsts = widened(this.firsts, n * LISTS);
  }
}

function widened(old: Int32Array, length: number): Int32Array {
  const next = new Int32Array(length);
  next.set(old);
  return next;
}
