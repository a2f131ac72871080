import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPieces } from './json-pieces.js';

const joined = (value: unknown): string | undefined => {
  const pieces = [...jsonPieces(value)];
  return pieces.length === 0 ? undefined : pieces.join('');
};

describe('jsonPieces', () => {
  it('joins to JSON.stringify for any value JSON.stringify takes', () => {
    const anything = fc.anything({
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        expect(joined(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves out what JSON.stringify leaves out, and writes null where an array keeps the slot', () => {
    const value = { a: undefined, b: () => 1, c: Symbol('c'), d: [undefined, () => 1, Symbol('d'), Number.NaN], e: { toJSON: () => undefined } };
    expect(joined(value)).toBe(JSON.stringify(value));
    expect(joined(value)).toBe('{"d":[null,null,null,null]}');
    expect(joined(undefined)).toBeUndefined();
  });

  it('calls toJSON with the key JSON.stringify gives it', () => {
    const keyed = { toJSON: (key: string) => `at ${key}` };
    const value = { first: keyed, list: [keyed, { inner: keyed, deeper: [keyed] }] };
    expect(joined(value)).toBe(JSON.stringify(value));
  });

  it('writes a long list one element per piece, so that the whole text never exists as one string', () => {
    const groups = Array.from({ length: 1000 }, (_, i) => ({ src: `10.0.${i >> 8}.${i & 255}`, flows: i, seen: { line: i } }));
    const report = { totals: { flows: 1000 }, changes: { open: { groups } } };
    const pieces = [...jsonPieces(report)];
    expect(pieces.join('')).toBe(JSON.stringify(report));
    expect(pieces.length).toBeGreaterThan(groups.length);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(100);
  });
});
