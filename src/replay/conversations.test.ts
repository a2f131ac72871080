/**
 * Conversations against a plain map of its texts: a conversation is found exactly when the same
 * two texts were added (since the table last started over), at any offset in any buffer, with
 * texts that differ only in their last bytes, their lengths or where one ends and the other starts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conversations, conversationHash, joinTextHashes, lastTextHash, scanTextHash } from './conversations.js';

/** Texts alike but for their last byte, their last word or their length (the words the table compares last). */
const text = fc.oneof(
  fc.constantFrom('', 'a', 'b', 'ab', 'ac', 'abc', 'abd', 'abcd', 'abce', 'abcde', 'abcdf', 'abcdefgh', 'abcdefgi', 'prod/frontend', 'prod/frontenc', 'prod/fronten'),
  fc.tuple(fc.constantFrom('prod/backend-7', '10.0.2.45', 'fd00::99'), fc.stringMatching(/^[0-9x]{0,5}$/)).map(([a, b]) => a + b),
);

/** The texts put at `offset` in a fresh buffer, after and between filler bytes; their bounds. */
function placed(src: string, dst: string, offset: number): { bytes: Uint8Array; srcStart: number; srcEnd: number; dstStart: number; dstEnd: number } {
  const encoded = new TextEncoder().encode(`${'#'.repeat(offset)}${src},${dst}#`);
  const srcStart = offset;
  const srcEnd = srcStart + src.length;
  return { bytes: encoded, srcStart, srcEnd, dstStart: srcEnd + 1, dstEnd: srcEnd + 1 + dst.length };
}

/** The hash the table is given: conversationHash's, or only a few of its bits (texts that collide must be told apart by their bytes). */
let hashBits = -1;

function find(table: Conversations, src: string, dst: string, offset: number): number {
  const { bytes, srcStart, srcEnd, dstStart, dstEnd } = placed(src, dst, offset);
  return table.find(conversationHash(bytes, srcStart, srcEnd, dstStart, dstEnd) & hashBits, bytes, srcStart, srcEnd, dstStart, dstEnd);
}

function add(table: Conversations, src: string, dst: string, offset: number, srcEntry: number, dstEntry: number): number {
  const { bytes, srcStart, srcEnd, dstStart, dstEnd } = placed(src, dst, offset);
  return table.add(conversationHash(bytes, srcStart, srcEnd, dstStart, dstEnd) & hashBits, bytes, srcStart, srcEnd, dstStart, dstEnd, srcEntry, dstEntry);
}

describe('Conversations', () => {
  it('finds exactly the conversations added, by every byte of both texts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, fc.nat({ max: 7 }), fc.boolean()), { minLength: 1, maxLength: 300 }), fc.constantFrom(-1, 3, 0), (steps, bits) => {
        hashBits = bits;
        const table = new Conversations();
        const model = new Map<string, number>();
        steps.forEach(([src, dst, offset, clear], step) => {
          if (clear && step % 50 === 49) {
            table.clear();
            model.clear();
          }
          const key = JSON.stringify([src, dst]);
          const found = find(table, src, dst, offset);
          if (!model.has(key)) {
            expect(found).toBe(-1);
            const c = add(table, src, dst, (offset + 3) % 8, step, step + 1);
            model.set(key, step);
            expect(find(table, src, dst, offset)).toBe(c);
          }
          const c = find(table, src, dst, offset);
          expect(c).toBeGreaterThanOrEqual(0);
          expect([table.srcOf(c), table.dstOf(c)]).toEqual([model.get(key), model.get(key)! + 1]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every conversation as it grows, and the service noted on each', () => {
    hashBits = -1;
    const table = new Conversations();
    const names = Array.from({ length: 5000 }, (_, i) => [`ns-${i % 97}/pod-${i}`, `10.${i % 7}.${i >> 8}.${i & 255}`] as const);
    names.forEach(([src, dst], i) => {
      const c = add(table, src, dst, i % 5, i, i + 1);
      table.setService(c, 6 * 65_536 + 80, i);
    });
    names.forEach(([src, dst], i) => {
      const c = find(table, src, dst, (i + 2) % 5);
      expect(table.srcOf(c)).toBe(i);
      expect(table.serviceOf(c, 6 * 65_536 + 80)).toBe(i);
      expect(table.serviceOf(c, 6 * 65_536 + 81)).toBe(-1);
      // A text one byte longer or shorter is another conversation.
      expect(find(table, src, `${dst}0`, 0)).toBe(-1);
      expect(find(table, src.slice(0, -1), dst, 0)).toBe(-1);
    });
  });

  it('scanTextHash finds the separator and hashes the text before it as conversationHash does', () => {
    // Bytes next to the separators (and their high-bit twins) probe the word-at-a-time search.
    const byte = fc.constantFrom(0x2b, 0x2c, 0x2d, 0x20, 0x21, 0x1f, 0xac, 0xa0, 0x00, 0x01, 0x61, 0x7a, 0xff, 0x80, 0x0c, 0x2e);
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 24 }), fc.array(byte, { maxLength: 24 }), fc.nat({ max: 7 }), fc.constantFrom(0x2c, 0x20), fc.boolean(), (first, second, offset, separator, atEnd) => {
        const line = [...Array.from({ length: offset }, () => 0x23), ...first, separator, ...second, ...(atEnd ? [] : [separator, 0x23])];
        const bytes = new Uint8Array(line);
        const srcEnd = scanTextHash(bytes, offset, bytes.length, separator);
        const srcHash = lastTextHash();
        expect(srcEnd).toBe(line.indexOf(separator, offset));
        const dstEnd = scanTextHash(bytes, srcEnd + 1, bytes.length, separator);
        const dstHash = lastTextHash();
        const next = line.indexOf(separator, srcEnd + 1);
        expect(dstEnd).toBe(next < 0 ? bytes.length : next);
        expect(joinTextHashes(srcHash, srcEnd - offset, dstHash)).toBe(conversationHash(bytes, offset, srcEnd, srcEnd + 1, dstEnd));
      }),
      { numRuns: 3000 },
    );
  });
});
