/**
 * LineFeeds against Uint8Array's indexOf: the same line feed from every position, for bytes at
 * every offset of their buffer (the words are aligned to it), with line feeds dense, sparse or
 * absent, and bytes that differ from a line feed in one bit (the word test must not take them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFeeds } from './line-feeds.js';

/** Bytes that are a line feed, one bit from it, or anything. */
const byte = fc.oneof(fc.constant(0x0a), fc.constantFrom(0x0b, 0x08, 0x0e, 0x1a, 0x2a, 0x4a, 0x8a, 0x00, 0x09, 0xff), fc.integer({ min: 0, max: 255 }));

describe('LineFeeds', () => {
  it('finds the line feed indexOf finds, from every position and at every offset', () => {
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 80 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), (values, offset, tail) => {
        const buffer = new Uint8Array(offset + values.length + tail).fill(0x0a);
        buffer.set(values, offset);
        const bytes = buffer.subarray(offset, offset + values.length);
        const feeds = new LineFeeds(bytes);
        for (let from = 0; from <= bytes.length; from++) expect(feeds.next(from)).toBe(bytes.indexOf(0x0a, from));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a line feed in every byte of a long run of words', () => {
    const bytes = new Uint8Array(203).fill(0x61);
    for (let at = 0; at < bytes.length; at++) {
      bytes[at] = 0x0a;
      const feeds = new LineFeeds(bytes.subarray(1));
      expect(feeds.next(0)).toBe(at - 1 < 0 ? -1 : at - 1);
      bytes[at] = 0x61;
    }
  });
});
