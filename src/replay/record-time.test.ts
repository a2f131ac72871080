import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTime, hasRfc3339Shape, parseTimeText, parseTimeValue, rfc3339Bytes } from './record-time.js';
import { LineError } from './records.js';

describe('record times', () => {
  it('reads RFC 3339 in UTC and with offsets, with any fraction, T, t or a space', () => {
    expect(parseTimeText('2024-05-14T09:21:07Z', 'time')).toBe(Date.UTC(2024, 4, 14, 9, 21, 7));
    expect(parseTimeText('2024-05-14t09:21:07.5z', 'time')).toBe(Date.UTC(2024, 4, 14, 9, 21, 7, 500));
    expect(parseTimeText('2024-05-14 09:21:07.412503109Z', 'time')).toBeCloseTo(Date.UTC(2024, 4, 14, 9, 21, 7, 412) + 0.503109, 3);
    expect(parseTimeText('2024-05-14T11:21:07+02:00', 'time')).toBe(Date.UTC(2024, 4, 14, 9, 21, 7));
    expect(parseTimeText('2024-05-13T23:51:07-09:30', 'time')).toBe(Date.UTC(2024, 4, 14, 9, 21, 7));
    expect(parseTimeText('2024-02-29T00:00:00Z', 'time')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimeText('1969-12-31T23:59:59Z', 'time')).toBe(-1000);
  });

  it('reads epoch seconds (with a fraction) and milliseconds, told apart by size', () => {
    expect(parseTimeText('1715678460', 'start')).toBe(1715678460_000);
    expect(parseTimeText('1715678460.25', 'start')).toBe(1715678460_250);
    expect(parseTimeText('1715678460123', 'start')).toBe(1715678460123);
    expect(parseTimeValue(1715678460, 'time')).toBe(1715678460_000);
    expect(parseTimeValue(1715678460123, 'time')).toBe(1715678460123);
    expect(parseTimeValue('2024-05-14T09:21:07Z', 'time')).toBe(Date.UTC(2024, 4, 14, 9, 21, 7));
  });

  it('says "no time" for empty, "-", absent and null', () => {
    for (const text of ['', '-', undefined]) expect(parseTimeText(text, 'time')).toBeUndefined();
    expect(parseTimeValue(null, 'time')).toBeUndefined();
    expect(parseTimeValue(undefined, 'time')).toBeUndefined();
  });

  it('refuses what is not a time, naming the field and the value', () => {
    const bad = [
      '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-05-14T24:00:00Z', '2024-05-14T09:60:00Z',
      '2024-05-14T09:21:07', '2024-05-14T09:21:07.Z', '2024-05-14T09:21:07+0200', '2024-05-14T09:21:07Zjunk', '2024-05-14',
      'yesterday', '17156784601234567', '1715678460123456', '-1', '0x10', '1e9', ' 1715678460',
    ];
    for (const text of bad) {
      expect(() => parseTimeText(text, 'timestamp'), text).toThrow(LineError);
      expect(() => parseTimeText(text, 'timestamp'), text).toThrow(/^timestamp: /);
    }
    expect(() => parseTimeValue(true, 'time')).toThrow('time: true is not an RFC 3339 time (2024-05-14T09:21:07Z) or epoch seconds or milliseconds');
    expect(() => parseTimeValue(-5, 'time')).toThrow(LineError);
    expect(() => parseTimeValue(1e15, 'time')).toThrow('time: 1000000000000000 is too large for epoch seconds or milliseconds');
  });

  it('agrees with Date on every RFC 3339 time it writes, and formats back to the millisecond', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }), fc.integer({ min: -23 * 60, max: 23 * 60 }), (date, offset) => {
        const ms = date.getTime();
        expect(parseTimeText(date.toISOString(), 'time')).toBe(ms);
        expect(formatTime(parseTimeText(date.toISOString(), 'time')!)).toBe(date.toISOString());
        // The same instant written in another zone.
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const zone = `${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
        expect(parseTimeText(`${local}${zone}`, 'time')).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });

  it('reads RFC 3339 on bytes where they lie in a line, never past their end, as parseTimeText reads the text', () => {
    const times = fc.oneof(
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
      fc.constantFrom(
        '2016-12-31T23:59:60Z', '2016-12-31T23:59:61Z', '2024-02-29T12:00:00+14:00', '2023-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z',
        '2024-05-14t09:21:07.123456789012z', '2024-05-14 09:21:07-00:00', '2024-05-14T09:21:07.Z', '2024-05-14T09:21:07+02:0', '2024-05-14T09:21:07+24:00',
        '2024-05-14T09:21:07.5', '2024-05-14T09:21:07Z ', '2024-05-14T09:21:07+02:00Z', '2024-05-14T09:21:07²Z', '2024-05-14T09:21:07.9١Z', '2024-05-14T09:21:0é7Z',
      ),
    );
    // What follows the time in the line: what a reader past its end would see.
    const after = fc.constantFrom('', 'Z', '"', '0Z', '+01:00', '5Z"}');
    fc.assert(
      fc.property(times, after, fc.nat({ max: 3 }), (time, rest, pad) => {
        const bytes = new TextEncoder().encode(`${'x'.repeat(pad)}${time}${rest}`);
        const start = pad;
        const end = pad + new TextEncoder().encode(time).length;
        let expected: number | undefined;
        try {
          expected = parseTimeText(time, 'time');
        } catch (error) {
          if (!(error instanceof LineError)) throw error;
        }
        // The RFC 3339 branch of parseTimeText: what it reads there, rfc3339Bytes reads, and nothing else.
        if (hasRfc3339Shape(bytes, start, end)) expect(rfc3339Bytes(bytes, start, end)).toBe(expected);
        else expect(rfc3339Bytes(bytes, start, end)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
    expect(rfc3339Bytes(new TextEncoder().encode('2016-12-31T23:59:60Z'), 0, 20)).toBe(Date.UTC(2017, 0, 1));
    expect(rfc3339Bytes(new TextEncoder().encode('"2024-05-14T09:21:07.25+02:00"'), 1, 29)).toBe(Date.UTC(2024, 4, 14, 7, 21, 7, 250));
  });
});
