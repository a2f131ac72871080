/** @module Assembles sections into an image: header, section table, checksum (see layout.ts). */
import { HEADER_BYTES, MAGIC, FORMAT_VERSION, SECTION_ENTRY_BYTES } from './layout.js';

/** FNV-1a over u32 words: cheap enough to check on every load, and any single bit flip changes it. */
export function checksumWords(words: Uint32Array, from: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < words.length; i++) {
    hash ^= words[i]!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Writes sections in ascending id order; each is a word array. */
export function writeImage(sections: ReadonlyMap<number, Uint32Array>): Uint8Array {
  const ids = [...sections.keys()].sort((a, b) => a - b);
  const tableBytes = ids.length * SECTION_ENTRY_BYTES;
  let offset = HEADER_BYTES + tableBytes;
  const placed = ids.map((id) => {
    const words = sections.get(id)!;
    const entry = { id, offset, length: words.length * 4, words };
    offset += entry.length;
    return entry;
  });
  const image = new Uint32Array(offset / 4);
  image[0] = MAGIC;
  image[1] = FORMAT_VERSION;
  image[2] = offset;
  image[4] = ids.length;
  placed.forEach((entry, i) => {
    image.set([entry.id, entry.offset, entry.length], (HEADER_BYTES + i * SECTION_ENTRY_BYTES) / 4);
    image.set(entry.words, entry.offset / 4);
  });
  image[3] = checksumWords(image, 4);
  return new Uint8Array(image.buffer);
}

/** UTF-8 text as words, padded with spaces to a multiple of four bytes. */
export function textWords(text: string): Uint32Array {
  const bytes = new TextEncoder().encode(text);
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4).fill(0x20);
  padded.set(bytes);
  return new Uint32Array(padded.buffer);
}
