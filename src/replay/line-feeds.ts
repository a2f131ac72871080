/**
 * @module Finding line feeds four bytes at a time: Uint8Array's indexOf leaves the optimized code
 * for the runtime on every call, which costs more than a short log line's scan. A chunk's aligned
 * words are read once each through a Uint32Array view and tested for a line feed byte with the
 * zero-byte test on (word ^ 0x0a0a0a0a); the word that holds one is then read byte by byte.
 */

const LF = 0x0a;
const LF_WORD = 0x0a0a0a0a;
const LOW_BITS = 0x01010101;
const HIGH_BITS = 0x80808080;

/** A chunk's bytes and its aligned words: byte `lead + 4w` starts word w. */
export class LineFeeds {
  readonly lead: number;
  readonly words: Uint32Array;

  constructor(readonly bytes: Uint8Array) {
    this.lead = (4 - (bytes.byteOffset & 3)) & 3;
    // Bytes too few to reach a word boundary have no whole word.
    this.words = bytes.length < this.lead ? new Uint32Array(0) : new Uint32Array(bytes.buffer, bytes.byteOffset + this.lead, (bytes.length - this.lead) >> 2);
  }

  /** The index of the first line feed at or after `from`, or -1 when the bytes have none there. */
  next(from: number): number {
    const bytes = this.bytes;
    const length = bytes.length;
    const lead = this.lead;
    const words = this.words;
    let i = from;
    // Bytes before the first whole word, and up to the next word's start.
    for (; i < length && (i < lead || ((i - lead) & 3) !== 0); i++) if (bytes[i] === LF) return i;
    const count = words.length;
    let w = (i - lead) >> 2;
    // Two words a step: a line is tens of bytes, so most steps find no line feed.
    for (; w + 1 < count; w += 2) {
      const x = words[w]! ^ LF_WORD;
      const y = words[w + 1]! ^ LF_WORD;
      // Some byte of x or y is zero: that pair holds the line feed, found below byte by byte.
      if ((((x - LOW_BITS) & ~x) | ((y - LOW_BITS) & ~y)) & HIGH_BITS) break;
    }
    // From the pair that holds it, or past the last whole word.
    i = Math.max(i, lead + 4 * Math.min(w, count));
    for (; i < length; i++) if (bytes[i] === LF) return i;
    return -1;
  }
}
