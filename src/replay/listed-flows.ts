/**
 * @module The summary's lists (top denied, would break, would open) counted per distinct flow on
 * the records path: each service's group count in each list (summary.ts GroupCount) is kept by
 * the service, so that a listed flow met before costs an array read and an increment, with no key
 * and no Map lookup. A flow's first listing goes through the summary as countKeyed would take it,
 * in reading order, so the lists keep the same groups, counts and `why` as counting line by line.
 */
import type { EndpointRecords } from './flow-records.js';
import { KEY } from './flow-records.js';
import type { GroupCount, GroupWhy, ReplaySummary } from './summary.js';

/** The lists of a summary (ReplaySummary.countListed). */
export const LIST = { DENIED: 0, BREAK: 1, OPEN: 2 } as const;

/** One table's services' counts, by list then service (undefined: not listed yet). */
export interface ServiceCounts {
  readonly table: EndpointRecords;
  /** The table's services' numbering these counts are for (FlowServices.epoch). */
  epoch: number;
  readonly lists: (GroupCount | undefined)[][];
}

/** The counts of one summary (one replay), for every table its flows come from. */
export class ListedFlows {
  private readonly tables = new Map<EndpointRecords, ServiceCounts>();

  constructor(private readonly summary: ReplaySummary) {}

  /** The counts of `table`'s services, valid until its services start over (between batches). */
  of(table: EndpointRecords): ServiceCounts {
    let counts = this.tables.get(table);
    if (counts === undefined) this.tables.set(table, (counts = { table, epoch: table.services.epoch, lists: [[], [], []] }));
    else if (counts.epoch !== table.services.epoch) {
      // Its services were numbered again: the groups stay in the summary, found again by key.
      counts.epoch = table.services.epoch;
      for (const list of counts.lists) list.length = 0;
    }
    return counts;
  }

  /** Lists one flow of `service` (of `counts`' table) in `list`; `group` says what decided it. */
  count(counts: ServiceCounts, list: number, service: number, group: GroupWhy): void {
    const known = counts.lists[list]!;
    const count = service < known.length ? known[service] : undefined;
    if (count !== undefined) {
      this.summary.countListedAgain(list, count);
      return;
    }
    // Services are numbered densely: the list grows without holes.
    while (known.length <= service) known.push(undefined);
    // The key is made from the table's detached texts: the summary keeps it as it is.
    known[service] = this.summary.countListed(list, counts.table.groupKey(service, KEY.GROUP), group, true);
  }
}
