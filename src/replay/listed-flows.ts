/**
 * @module The summary's lists (top denied, would break, would open) counted per distinct flow on
 * the records path. A flow's first listing goes through the summary as countKeyed would take it,
 * in reading order, so the lists get the same groups (the bound keeps the first met) with the same
 * `why`; the summary hands back the group's count (summary.ts GroupCount). Its next listings are
 * an increment in a typed array per list, indexed by the flow's service, added to those counts in
 * one pass (flush) before the summary is read and whenever the services are numbered again:
 * counts add up in any order, so the report is the one counting line by line gives.
 */
import { KEY, type EndpointRecords } from './flow-records.js';
import { LIST, type GroupCount, type GroupWhy, type ReplaySummary } from './summary.js';

const LISTS = Object.keys(LIST).length;

/** One table's services in each list, by service. */
export interface ServiceCounts {
  readonly table: EndpointRecords;
  /** The table's services' numbering these counts are for (FlowServices.epoch). */
  epoch: number;
  /** The group's count in the summary (set where `pending` is not 0). */
  readonly groups: GroupCount[][];
  /** 0: not listed yet; else 1 + the listings not yet added to the group's count. */
  readonly pending: Int32Array[];
  /**
   * The services whose `pending` rose above 1 since the last flush, per list: a flush visits
   * these, not every service (replay --jobs flushes after each part, of a few thousand services
   * among tens of thousands).
   */
  readonly risen: number[][];
}

/** The counts of one summary (one replay), for every table its flows come from. */
export class ListedFlows {
  private readonly tables = new Map<EndpointRecords, ServiceCounts>();

  constructor(private readonly summary: ReplaySummary) {}

  /** The counts of `table`'s services, valid until its services are numbered again (between batches). */
  of(table: EndpointRecords): ServiceCounts {
    let counts = this.tables.get(table);
    if (counts === undefined) {
      counts = { table, epoch: table.services.epoch, groups: [[], [], []], pending: [new Int32Array(0), new Int32Array(0), new Int32Array(0)], risen: [[], [], []] };
      this.tables.set(table, counts);
    } else if (counts.epoch !== table.services.epoch) {
      // The groups stay in the summary, found again by key when their flows are listed again.
      this.flushCounts(counts);
      counts.epoch = table.services.epoch;
      for (let list = 0; list < LISTS; list++) {
        counts.groups[list]!.length = 0;
        counts.pending[list]!.fill(0);
      }
    }
    return counts;
  }

  /** Lists one flow of `service` (of `counts`' table) in `list` (LIST); `group` says what decided it. */
  count(counts: ServiceCounts, list: number, service: number, group: GroupWhy): void {
    const pending = counts.pending[list]!;
    if (service < pending.length) {
      const n = pending[service]!;
      if (n !== 0) {
        if (n === 1) counts.risen[list]!.push(service);
        pending[service] = n + 1;
        return;
      }
    }
    this.first(counts, list, service, group);
  }

  /** Lists `flows` more flows of `service` in `list`, where `count` listed one of its flows since the services were last numbered again. */
  countMore(counts: ServiceCounts, list: number, service: number, flows: number): void {
    const pending = counts.pending[list]!;
    const n = pending[service]!;
    if (n === 1) counts.risen[list]!.push(service);
    pending[service] = n + flows;
  }

  /** Adds every listing not yet added to the summary's counts: before the summary is read. */
  flush(): void {
    for (const counts of this.tables.values()) this.flushCounts(counts);
  }

  private first(counts: ServiceCounts, list: number, service: number, group: GroupWhy): void {
    let pending = counts.pending[list]!;
    if (service >= pending.length) {
      const wider = new Int32Array(Math.max(1024, 2 * service + 2));
      wider.set(pending);
      pending = counts.pending[list] = wider;
    }
    const groups = counts.groups[list]!;
    // Services are numbered densely: the list grows without holes.
    while (groups.length <= service) groups.push(null);
    // The key is made from the table's detached texts: the summary keeps it as it is.
    groups[service] = this.summary.countListed(list, counts.table.groupKey(service, KEY.GROUP), group, true);
    pending[service] = 1;
  }

  private flushCounts(counts: ServiceCounts): void {
    for (let list = 0; list < LISTS; list++) {
      const pending = counts.pending[list]!;
      const groups = counts.groups[list]!;
      const risen = counts.risen[list]!;
      for (const service of risen) {
        this.summary.countListedAgain(list, groups[service]!, pending[service]! - 1);
        pending[service] = 1;
      }
      risen.length = 0;
    }
  }
}
