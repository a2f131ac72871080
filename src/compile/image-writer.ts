/** @module Assembles sections into an image: header, section table, checksum (see layout.ts). */
import { COMPILER_VERSION, FORMAT_ID } from './format-id.js';
import { compilerVersionBytes } from './image-header.js';
import { CHECKSUM_FROM, HEADER, HEADER_BYTES, MAGIC, SECTION_ALIGN_BYTES, SECTION_ENTRY, SECTION_ENTRY_BYTES } from './layout.js';

/** FNV-1a over u32 words: cheap enough to check on every load, and any single bit flip changes it. */
export function checksumWords(words: Uint32Array, from: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < words.length; i++) {
    hash ^= words[i]!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** `offset` rounded up to the next section start. */
const sectionStart = (offset: number): number => Math.ceil(offset / SECTION_ALIGN_BYTES) * SECTION_ALIGN_BYTES;

/** Writes sections in ascending id order, each starting on a cache line; each is a word array. */
export function writeImage(sections: ReadonlyMap<number, Uint32Array>): Uint8Array {
  const ids = [...sections.keys()].sort((a, b) => a - b);
  const tableBytes = ids.length * SECTION_ENTRY_BYTES;
  let offset = HEADER_BYTES + tableBytes;
  const placed = ids.map((id) => {
    const words = sections.get(id)!;
    const entry = { id, offset: sectionStart(offset), length: words.length * 4, words };
    offset = entry.offset + entry.length;
    return entry;
  });
  const image = new Uint32Array(offset / 4);
  const bytes = new Uint8Array(image.buffer);
  const view = new DataView(image.buffer);
  view.setUint32(HEADER.MAGIC, MAGIC, true);
  view.setUint32(HEADER.FORMAT_ID, FORMAT_ID, true);
  view.setUint32(HEADER.LENGTH, offset, true);
  bytes.set(compilerVersionBytes(COMPILER_VERSION), HEADER.COMPILER_VERSION);
  view.setUint32(HEADER.SECTION_COUNT, ids.length, true);
  placed.forEach((entry, i) => {
    const at = HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    view.setUint32(at + SECTION_ENTRY.ID, entry.id, true);
    view.setUint32(at + SECTION_ENTRY.OFFSET, entry.offset, true);
    view.setUint32(at + SECTION_ENTRY.LENGTH, entry.length, true);
    image.set(entry.words, entry.offset / 4);
  });
  view.setUint32(HEADER.CHECKSUM, checksumWords(image, CHECKSUM_FROM / 4), true);
  return bytes;
}

/** UTF-8 text as words, padded with spaces to a multiple of four bytes. */
export function textWords(text: string): Uint32Array {
  const bytes = new TextEncoder().encode(text);
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4).fill(0x20);
  padded.set(bytes);
  return new Uint32Array(padded.buffer);
}
