/**
 * ListedFlows (per-service counts, added to the summary later) against listing every flow through
 * the summary one by one (its Map per line): the same groups in the same order, with the same
 * counts, `why` (the first flow's), totals and `other`, at any group bound, with tables whose
 * services are numbered again between runs, two tables that share group keys, and flows added in
 * bulk (countMore, the tally's) between flushes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EndpointRecords } from './flow-records.js';
import { FlowServices } from './flow-services.js';
import { ListedFlows } from './listed-flows.js';
import { ReplaySummary } from './summary.js';

/** A table as ListedFlows reads it: services (their epoch) and each service's group key. */
class FakeTable {
  readonly services = new FlowServices(1);
  keys: string[] = [];

  /** Numbers the services again (as EndpointRecords.trim does), service s now naming `keys[s]`. */
  renumber(keys: string[]): void {
    this.services.clear();
    this.keys = keys;
  }

  groupKey(service: number): string {
    return this.keys[service]!;
  }
}

const KEYS = ['a\u0000b\u0000TCP/80', 'a\u0000c\u0000TCP/80', 'b\u0000a\u0000UDP/53', 'c\u0000c\u0000SCTP/9', 'd\u0000a\u0000TCP/1', 'e\u0000f\u0000TCP/2'];
const SERVICES = 8;
/** A table's keys: its services name some of KEYS, some of them twice (as two tables do). */
const numbering = fc.array(fc.constantFrom(...KEYS), { minLength: SERVICES, maxLength: SERVICES });

type Step =
  | { kind: 'line'; table: number; service: number; list: number }
  | { kind: 'more'; table: number; service: number; list: number; flows: number }
  | { kind: 'renumber'; table: number; keys: string[] }
  | { kind: 'flush' };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('line' as const), table: fc.nat({ max: 1 }), service: fc.nat({ max: SERVICES - 1 }), list: fc.nat({ max: 2 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('more' as const), table: fc.nat({ max: 1 }), service: fc.nat({ max: SERVICES - 1 }), list: fc.nat({ max: 2 }), flows: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renumber' as const), table: fc.nat({ max: 1 }), keys: numbering }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
);

describe('ListedFlows', () => {
  it('lists as the summary does flow by flow: groups, order, counts, why, other', () => {
    fc.assert(
      fc.property(fc.tuple(numbering, numbering), fc.array(step, { maxLength: 300 }), fc.constantFrom(1, 2, 3, 100_000), ([first, second], steps, bound) => {
        const tables = [new FakeTable(), new FakeTable()];
        tables[0]!.renumber(first);
        tables[1]!.renumber(second);
        const expected = new ReplaySummary(bound);
        const actual = new ReplaySummary(bound);
        const listed = new ListedFlows(actual);
        // A run settles between renumberings: `of` is asked again after each (as settleRecords does per run).
        let counts = tables.map((table) => listed.of(table as unknown as EndpointRecords));
        /** Per table, `list/service` listed since its services were last numbered: what countMore may add to (the tally's flows). */
        const listedSince = [new Map<string, () => string>(), new Map<string, () => string>()];
        steps.forEach((s, at) => {
          if (s.kind === 'renumber') {
            tables[s.table]!.renumber(s.keys);
            listedSince[s.table]!.clear();
            counts = tables.map((table) => listed.of(table as unknown as EndpointRecords));
          } else if (s.kind === 'flush') {
            listed.flush();
          } else if (s.kind === 'more') {
            const why = listedSince[s.table]!.get(`${s.list}/${s.service}`);
            if (why === undefined) return;
            for (let i = 0; i < s.flows; i++) expected.countListed(s.list, tables[s.table]!.groupKey(s.service), { why }, true);
            listed.countMore(counts[s.table]!, s.list, s.service, s.flows);
          } else {
            const group = { why: () => `flow ${at}` };
            expected.countListed(s.list, tables[s.table]!.groupKey(s.service), group, true);
            listed.count(counts[s.table]!, s.list, s.service, group);
            const key = `${s.list}/${s.service}`;
            if (!listedSince[s.table]!.has(key)) listedSince[s.table]!.set(key, group.why);
          }
        });
        listed.flush();
        expect(actual.toPart()).toEqual(expected.toPart());
        expect(actual.toJSON(100)).toEqual(expected.toJSON(100));
      }),
      { numRuns: 400 },
    );
  });
});
