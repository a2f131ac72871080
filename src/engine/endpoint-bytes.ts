/**
 * @module Encoded endpoints remembered by the bytes that named them: flow lines name the same few
 * pods and addresses over and over, so each distinct endpoint text is resolved once and every
 * later mention is found by its hash and a byte comparison, without making a string. An open
 * addressing table over typed arrays: keys in one byte arena, each entry's record endpoint
 * (ENDPOINT_BYTES) and its ENDPOINT_KIND beside it (ENTRY), or REFUSED_KIND for a text the
 * resolver refused (an unknown pod is mentioned as often as a known one).
 */
import { ENDPOINT_BYTES } from '../compile/layout.js';

/** The kind of an entry whose text the resolver refused: it has no endpoint (no ENDPOINT_KIND is this). */
export const REFUSED_KIND = 0xff;
/** What copyEndpoint returns for a key remembered as refused. */
export const REFUSED_ENTRY = -2;

/** Distinct keys kept; past that the table starts over (memory stays bounded). */
const MAX_ENTRIES = 1 << 16;
const INITIAL_ENTRIES = 256;
const INITIAL_ARENA_WORDS = 4 * 1024;

/**
 * The words of an entry in `entries`, ENTRY_WORDS from entry * ENTRY_WORDS: all that a hit reads
 * but the key's bytes, in one half cache line. KEY_START: where the key starts in the arena (in
 * words: keys start on a word); KEY_LENGTH: its length in bytes; KIND: its ENDPOINT_KIND or
 * REFUSED_KIND; KEY_LAST: its last four bytes as a little-endian word (keys of four bytes or more);
 * ENDPOINT: its endpoint as a record holds it (ENDPOINT_BYTES, in words).
 */
export const ENTRY = { KEY_START: 0, KEY_LENGTH: 1, KIND: 2, KEY_LAST: 3, ENDPOINT: 4 } as const;
export const ENTRY_WORDS = 8;
const ENDPOINT_WORDS = ENDPOINT_BYTES / 4;

export class EndpointBytesTable {
  /**
   * Two words a slot, a power of two of them (twice as many as entries can be held): the key's
   * hash, then its entry + 1 (0: empty). A probe reads one place until the hashes agree.
   */
  private slots = new Int32Array(2 * 2 * INITIAL_ENTRIES);
  /** The keys' bytes, each from a word's start. */
  private arenaWords = new Int32Array(INITIAL_ARENA_WORDS);
  private arena = new Uint8Array(this.arenaWords.buffer);
  private arenaUsedWords = 0;
  private count = 0;
  /** Entry -> its words (ENTRY). */
  entries = new Int32Array(INITIAL_ENTRIES * ENTRY_WORDS);

  /** The entry of key `bytes[start, end)` (`view`: a DataView of all of `bytes`); -1 when it is not remembered. */
  find(bytes: Uint8Array, view: DataView, start: number, end: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const hash = keyHash(bytes, view, start, end);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1]! - 1;
      if (entry < 0) return -1;
      if (slots[2 * slot] === hash && this.isKey(entry, bytes, view, start, end)) return entry;
    }
  }

  /**
   * find and the copy of the endpoint in one call, for the line writer's hot path (a call for each
   * of its steps was not inlined): copies the endpoint of key `bytes[start, end)` into a flow
   * record (its kind to `records[kindAt]`, its words to `words` from word `wordAt`) and returns its
   * entry; REFUSED_ENTRY (nothing copied) for a key remembered as refused, -1 for one not
   * remembered.
   */
  copyEndpoint(bytes: Uint8Array, view: DataView, start: number, end: number, records: Uint8Array, words: Uint32Array, kindAt: number, wordAt: number): number {
    const entry = this.find(bytes, view, start, end);
    if (entry < 0) return -1;
    const entries = this.entries;
    const at = entry * ENTRY_WORDS;
    const kind = entries[at + ENTRY.KIND]!;
    if (kind === REFUSED_KIND) return REFUSED_ENTRY;
    records[kindAt] = kind;
    for (let w = 0; w < ENDPOINT_WORDS; w++) words[wordAt + w] = entries[at + ENTRY.ENDPOINT + w]!;
    return entry;
  }

  /**
   * Whether entry `entry`'s key is `bytes[start, end)`: its last word first, then word by word
   * (the arena's aligned, the input's wherever it is); a key under four bytes byte by byte.
   */
  private isKey(entry: number, bytes: Uint8Array, view: DataView, start: number, end: number): boolean {
    const entries = this.entries;
    const at = entry * ENTRY_WORDS;
    const length = end - start;
    if (entries[at + ENTRY.KEY_LENGTH] !== length) return false;
    const keyStart = entries[at + ENTRY.KEY_START]!;
    if (length < 4) {
      const arena = this.arena;
      for (let i = 0; i < length; i++) if (arena[4 * keyStart + i] !== bytes[start + i]) return false;
      return true;
    }
    if (entries[at + ENTRY.KEY_LAST] !== view.getInt32(end - 4, true)) return false;
    // The words before the last one (which may overlap them).
    const arenaWords = this.arenaWords;
    const words = (length - 1) >> 2;
    for (let w = 0; w < words; w++) if (arenaWords[keyStart + w] !== view.getInt32(start + 4 * w, true)) return false;
    return true;
  }

  /**
   * Remembers key `bytes[start, end)` (not yet remembered) as endpoint `endpoint` (ENDPOINT_BYTES
   * from 0) of kind `kind`; returns its entry. A full table starts over first.
   */
  add(bytes: Uint8Array, start: number, end: number, kind: number, endpoint: Uint8Array): number {
    if (this.count >= MAX_ENTRIES) this.clear();
    if ((this.count + 1) * ENTRY_WORDS > this.entries.length) this.growEntries();
    const length = end - start;
    const lengthWords = (length + 3) >> 2;
    if (this.arenaUsedWords + lengthWords > this.arenaWords.length) {
      this.arenaWords = grown(this.arenaWords, Math.max(2 * this.arenaWords.length, this.arenaUsedWords + lengthWords));
      this.arena = new Uint8Array(this.arenaWords.buffer);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const entry = this.count++;
    const at = entry * ENTRY_WORDS;
    this.arena.set(bytes.subarray(start, end), 4 * this.arenaUsedWords);
    this.entries[at + ENTRY.KEY_START] = this.arenaUsedWords;
    this.entries[at + ENTRY.KEY_LENGTH] = length;
    this.entries[at + ENTRY.KIND] = kind;
    this.entries[at + ENTRY.KEY_LAST] = length >= 4 ? view.getInt32(end - 4, true) : 0;
    const endpointView = new DataView(endpoint.buffer, endpoint.byteOffset, ENDPOINT_BYTES);
    for (let w = 0; w < ENDPOINT_WORDS; w++) this.entries[at + ENTRY.ENDPOINT + w] = endpointView.getInt32(4 * w, true);
    this.arenaUsedWords += lengthWords;
    this.place(entry, keyHash(bytes, view, start, end));
    return entry;
  }

  private place(entry: number, hash: number): void {
    const mask = (this.slots.length >> 1) - 1;
    let slot = hash & mask;
    while (this.slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry + 1;
  }

  private clear(): void {
    this.slots.fill(0);
    this.count = 0;
    this.arenaUsedWords = 0;
  }

  private growEntries(): void {
    const entries = (2 * this.entries.length) / ENTRY_WORDS;
    this.entries = grown(this.entries, entries * ENTRY_WORDS);
    const old = this.slots;
    this.slots = new Int32Array(2 * 2 * entries);
    for (let slot = 0; 2 * slot < old.length; slot++) if (old[2 * slot + 1] !== 0) this.place(old[2 * slot + 1]! - 1, old[2 * slot]!);
  }
}

/**
 * A key's hash: its length and its last eight bytes, where the texts of one log differ most (pod
 * name suffixes, an address's last digits), read as two words; keys that share them only cost a
 * longer probe.
 */
function keyHash(bytes: Uint8Array, view: DataView, start: number, end: number): number {
  const length = end - start;
  let hash = Math.imul(length, 0x9e3779b1);
  if (length >= 8) {
    hash = Math.imul(hash ^ view.getInt32(end - 4, true), 0x85ebca6b);
    hash = Math.imul(hash ^ view.getInt32(end - 8, true), 0xc2b2ae35);
  } else {
    for (let at = start; at < end; at++) hash = Math.imul(hash ^ bytes[at]!, 0x01000193);
  }
  return hash ^ (hash >>> 15);
}

function grown<T extends Int32Array | Uint8Array>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array);
  return copy;
}
