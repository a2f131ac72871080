/**
 * timeOfBytes (byte-fields.ts) reads a time field's bytes where they lie in a line as
 * parseTimeText reads its text: the same epoch milliseconds, NaN where there is no time, and
 * NOT_A_TIME exactly where parseTimeText throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_A_TIME, timeOfBytes } from './byte-fields.js';
import { parseTimeText } from './record-time.js';
import { LineError } from './records.js';

/** parseTimeText as timeOfBytes reports it. */
function expectedTime(text: string): number {
  try {
    return parseTimeText(text, 'time') ?? NaN;
  } catch (error) {
    if (error instanceof LineError) return NOT_A_TIME;
    throw error;
  }
}

describe('timeOfBytes', () => {
  it('reads a time field in place as parseTimeText reads its text', () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 32 });
    const times = fc.oneof(
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
      fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString().replace('T', ' ').replace('Z', '+05:30')),
      fc.nat({ max: 2 ** 52 }).map(String),
      fc.tuple(fc.nat({ max: 2e9 }), fc.nat({ max: 999 })).map(([seconds, ms]) => `${seconds}.${ms}`),
      fc.constantFrom(
        '', '-', '2016-12-31T23:59:60Z', '2016-12-31T23:59:61Z', '2023-02-29T00:00:00Z', '2024-05-14t09:21:07.123456789z', '2024-05-14T09:21:07.Z',
        '2024-05-14T09:21:07+02:0', '2024-05-14T09:21:07+24:00', '2024-05-14T09:21:07.5', '2024-05-14T09:21:07Z ', '99999999999999', '100000000000000',
        '2024-05-14', '20240514T092107Z', '1.5e9',
      ),
      printable,
    );
    fc.assert(
      fc.property(times, fc.constantFrom('', ',', 'Z', '0', ' x'), fc.nat({ max: 3 }), (time, rest, pad) => {
        const bytes = new TextEncoder().encode(`${','.repeat(pad)}${time}${rest}`);
        expect(Object.is(timeOfBytes(bytes, pad, pad + time.length, 'time'), expectedTime(time))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
