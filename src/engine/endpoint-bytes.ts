/**
 * @module Encoded endpoints remembered by the bytes that named them: flow lines name the same few
 * pods and addresses over and over, so each distinct endpoint text is resolved once and every
 * later mention is found by its hash and a byte comparison, without making a string. An open
 * addressing table over typed arrays: keys in one byte arena, each entry's record endpoint
 * (ENDPOINT_BYTES) and its ENDPOINT_KIND beside it, or REFUSED_KIND for a text the resolver
 * refused (an unknown pod is mentioned as often as a known one).
 */
import { ENDPOINT_BYTES } from '../compile/layout.js';

/** The kind of an entry whose text the resolver refused: it has no endpoint (no ENDPOINT_KIND is this). */
export const REFUSED_KIND = 0xff;

/** Distinct keys kept; past that the table starts over (memory stays bounded). */
const MAX_ENTRIES = 1 << 16;
const INITIAL_ENTRIES = 256;
const INITIAL_ARENA_BYTES = 16 * 1024;

export class EndpointBytesTable {
  /**
   * Two words a slot, a power of two of them (twice as many as entries can be held): the key's
   * hash, then its entry + 1 (0: empty). A probe reads one place until the hashes agree.
   */
  private slots = new Int32Array(2 * 2 * INITIAL_ENTRIES);
  /** Two words an entry: where its key starts in the arena, and its length. */
  private keys = new Int32Array(2 * INITIAL_ENTRIES);
  private arena = new Uint8Array(INITIAL_ARENA_BYTES);
  private arenaView = new DataView(this.arena.buffer);
  private arenaUsed = 0;
  private count = 0;
  /** Entry -> its ENDPOINT_KIND. */
  kinds = new Uint8Array(INITIAL_ENTRIES);
  /** Entry -> its endpoint as a record holds it, ENDPOINT_BYTES from entry * ENDPOINT_BYTES. */
  endpoints = new Uint8Array(INITIAL_ENTRIES * ENDPOINT_BYTES);
  /** The same memory as `endpoints`, in 32-bit words (ENDPOINT_BYTES / 4 from entry * ENDPOINT_BYTES / 4). */
  endpointWords = new Uint32Array(this.endpoints.buffer);

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

  /** Whether entry `entry`'s key is `bytes[start, end)`: four bytes at a time, then one at a time. */
  private isKey(entry: number, bytes: Uint8Array, view: DataView, start: number, end: number): boolean {
    const length = end - start;
    const keyStart = this.keys[2 * entry]!;
    if (this.keys[2 * entry + 1] !== length) return false;
    const { arena, arenaView } = this;
    let at = 0;
    for (; at + 4 <= length; at += 4) if (arenaView.getInt32(keyStart + at, true) !== view.getInt32(start + at, true)) return false;
    for (; at < length; at++) if (arena[keyStart + at] !== bytes[start + at]) return false;
    return true;
  }

  /**
   * Remembers key `bytes[start, end)` (not yet remembered) as endpoint `endpoint` (ENDPOINT_BYTES
   * from 0) of kind `kind`; returns its entry. A full table starts over first.
   */
  add(bytes: Uint8Array, start: number, end: number, kind: number, endpoint: Uint8Array): number {
    if (this.count >= MAX_ENTRIES) this.clear();
    if (this.count >= this.kinds.length) this.growEntries();
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      this.arena = grown(this.arena, Math.max(2 * this.arena.length, this.arenaUsed + length));
      this.arenaView = new DataView(this.arena.buffer);
    }
    const entry = this.count++;
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.keys[2 * entry] = this.arenaUsed;
    this.keys[2 * entry + 1] = length;
    this.arenaUsed += length;
    this.kinds[entry] = kind;
    this.endpoints.set(endpoint.subarray(0, ENDPOINT_BYTES), entry * ENDPOINT_BYTES);
    this.place(entry, keyHash(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start, end));
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
    this.arenaUsed = 0;
  }

  private growEntries(): void {
    const entries = 2 * this.kinds.length;
    this.keys = grown(this.keys, 2 * entries);
    this.kinds = grown(this.kinds, entries);
    this.endpoints = grown(this.endpoints, entries * ENDPOINT_BYTES);
    this.endpointWords = new Uint32Array(this.endpoints.buffer);
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
