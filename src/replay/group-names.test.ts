import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupNames, GroupNumbering, type NumberedResult } from './group-names.js';
import type { PartResult } from './part-replay.js';
import type { GroupCounterPart } from './summary.js';

const totals = { records: 3, judged: 3, allowed: 1, denied: 2, replies: 0, notApplicable: 0, unresolved: 0, malformed: 0 };

/** Groups over few keys and whys (undefined among them), so that parts share names. */
const groupList = fc
  .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'a\u0000b', 'c', 'd', ''), fc.nat(5), fc.constantFrom<string | undefined>(undefined, 'w', 'x', '')), {
    selector: ([key, , why]) => `${key}|${why ?? '\u0001'}`,
    maxLength: 8,
  })
  .map((groups) => ({ total: groups.length + 1, other: 1, groups: groups.map(([key, count, why]) => [key, count, why] as const) }) satisfies GroupCounterPart);

const partResult: fc.Arbitrary<PartResult> = fc.oneof(
  fc.record({ denied: groupList, wouldBreak: groupList, wouldOpen: groupList, observed: fc.boolean() }).map(({ denied, wouldBreak, wouldOpen, observed }) => ({
    flows: 3,
    summary: { totals, problems: [], observed, denied, wouldBreak, wouldOpen },
  })),
  // A baseline part carries no summary.
  fc.constant<PartResult>({ flows: 2, out: 'line\n' }),
);

/** Through a worker's port: cloned, the numbered groups' buffers transferred. */
function sent(result: NumberedResult, transfer: ArrayBuffer[]): NumberedResult {
  return structuredClone(result, { transfer });
}

describe('group names between a worker and the main thread', () => {
  it('give back every part as it was replayed, across parts and when both sides start over', () => {
    fc.assert(
      fc.property(fc.array(partResult, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 12 }), (results, maxNames) => {
        const numbering = new GroupNumbering(maxNames);
        const names = new GroupNames();
        for (const result of results) {
          const transfer: ArrayBuffer[] = [];
          const numbered = numbering.number(result, transfer);
          expect(names.name(sent(numbered, transfer))).toEqual(result.summary === undefined ? { flows: result.flows, out: result.out } : result);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('sends a name once until both sides start over', () => {
    const part: PartResult = { flows: 1, summary: { totals, problems: [], observed: false, denied: { total: 2, other: 0, groups: [['k', 2, 'why']] }, wouldBreak: { total: 0, other: 0, groups: [] }, wouldOpen: { total: 0, other: 0, groups: [] } } };
    const numbering = new GroupNumbering(1);
    expect(numbering.number(part, []).added).toEqual(['k', 'why']);
    const again = numbering.number(part, []);
    expect(again).toMatchObject({ restart: true, added: ['k', 'why'] });
    expect(new GroupNumbering().number(part, []).added).toHaveLength(2);
    const numberingOnce = new GroupNumbering();
    numberingOnce.number(part, []);
    expect(numberingOnce.number(part, []).added).toEqual([]);
  });

  it('refuses a number it was never sent', () => {
    const numbered = new GroupNumbering().number({ flows: 1, summary: { totals, problems: [], observed: false, denied: { total: 1, other: 0, groups: [['k', 1, undefined]] }, wouldBreak: { total: 0, other: 0, groups: [] }, wouldOpen: { total: 0, other: 0, groups: [] } } }, []);
    expect(() => new GroupNames().name({ ...numbered, added: [] })).toThrow(/never named/);
  });
});
