/**
 * @module The conversations of one endpoint table (flow-records.ts), by the bytes of a line: its
 * source and destination texts, found by hashing the bytes where they are (no string is made) in
 * an open-addressing table, and verified byte for byte on every hit. Real logs repeat a few
 * conversations over and over: each repeat costs one pass over its endpoint bytes instead of two
 * endpoint lookups by string. A conversation gives the entries of both texts, and nothing else:
 * the line's protocol, port, time and observed verdict are read from the line every time, so
 * lines with unique timestamps still find theirs, and what they decide is never remembered here.
 *
 * A conversation also notes the last service it was decided for (a protocol and port: most
 * conversations have one), so that a repeated flow finds its verdicts without another lookup.
 *
 * A conversation names entries of its endpoint table, so the table clears its conversations when
 * it starts over (or its services do); past MAX_CONVERSATIONS this table starts over on its own
 * (entries and services stay valid).
 */

/** Conversations kept; past that the table starts over (memory stays bounded). */
export const MAX_CONVERSATIONS = 1 << 17;
const FIRST_CAPACITY = 1 << 10;
/** An empty slot; slots hold conversation + 1. */
const EMPTY = 0;

/** Where an endpoint text's hash starts (FNV-1a's offset basis); hashByte continues it. */
export const TEXT_HASH_SEED = 0x811c9dc5;

/** An endpoint text's hash, continued by one byte (FNV-1a): readers may hash a field while they scan it. */
export function hashByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

/** The hash of bytes [start, end), continuing `hash`. */
function hashBytes(hash: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) hash = hashByte(hash, bytes[i]!);
  return hash;
}

/**
 * A conversation's hash from its texts' hashes (each from TEXT_HASH_SEED, byte by byte); the
 * source's length keeps "ab"+"c" apart from "a"+"bc", and the two sides mix differently.
 */
export function joinTextHashes(srcHash: number, srcLength: number, dstHash: number): number {
  let hash = Math.imul(srcHash ^ srcLength, 0x01000193) ^ Math.imul(dstHash ^ 0x2c, 0x5bd1e995);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return hash ^ (hash >>> 12);
}

/** A conversation's hash: both texts, as joinTextHashes joins them. */
export function conversationHash(bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number): number {
  return joinTextHashes(hashBytes(TEXT_HASH_SEED, bytes, srcStart, srcEnd), srcEnd - srcStart, hashBytes(TEXT_HASH_SEED, bytes, dstStart, dstEnd));
}

/** Whether bytes [start, end) equal `key`'s bytes [at, at + end - start). */
function sameBytes(bytes: Uint8Array, start: number, end: number, key: Uint8Array, at: number): boolean {
  for (let i = start; i < end; i++, at++) if (bytes[i] !== key[at]) return false;
  return true;
}

/** A conversation's fields in `records` (one stride each, so that a hit reads one cache line, then its key bytes). */
const HASH = 0;
const SRC = 1;
const DST = 2;
const KEY_AT = 3;
const SRC_LENGTH = 4;
const DST_LENGTH = 5;
/** The last decided service (flow-services.ts) of the conversation: its protocol * 65536 + port, and its number. */
const SERVICE_KEY = 6;
const SERVICE = 7;
const STRIDE = 8;

export class Conversations {
  /** Per conversation: its hash, its endpoint entries, and where its key bytes are and how long. */
  private records = new Int32Array(FIRST_CAPACITY * STRIDE);
  /** Source bytes then destination bytes of each conversation, one after the other. */
  private keys = new Uint8Array(FIRST_CAPACITY * 32);
  private keyBytes = 0;
  /** Open addressing, linear probing, at most half full: pairs of conversation + 1 and its hash. */
  private slots = new Int32Array(FIRST_CAPACITY * 4);
  private size = 0;

  /**
   * The conversation whose source is bytes [srcStart, srcEnd) and destination bytes
   * [dstStart, dstEnd) (`hash` is conversationHash's); -1 when there is none yet.
   */
  find(hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot * 2]!;
      if (held === EMPTY) return -1;
      if (slots[slot * 2 + 1] !== hash) continue;
      const at = (held - 1) * STRIDE;
      const records = this.records;
      const srcLength = records[at + SRC_LENGTH]!;
      if (srcLength !== srcEnd - srcStart || records[at + DST_LENGTH] !== dstEnd - dstStart) continue;
      const keyAt = records[at + KEY_AT]!;
      if (sameBytes(bytes, srcStart, srcEnd, this.keys, keyAt) && sameBytes(bytes, dstStart, dstEnd, this.keys, keyAt + srcLength)) return held - 1;
    }
  }

  /** Adds the conversation find did not find (same arguments), between entries `src` and `dst`; its index. */
  add(hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number, src: number, dst: number): number {
    if (this.size >= MAX_CONVERSATIONS) this.clear();
    if (this.size * STRIDE === this.records.length) this.grow();
    const srcLength = srcEnd - srcStart;
    const dstLength = dstEnd - dstStart;
    if (this.keyBytes + srcLength + dstLength > this.keys.length) this.growKeys(srcLength + dstLength);
    const c = this.size++;
    const at = c * STRIDE;
    this.records[at + HASH] = hash;
    this.records[at + SRC] = src;
    this.records[at + DST] = dst;
    this.records[at + KEY_AT] = this.keyBytes;
    this.records[at + SRC_LENGTH] = srcLength;
    this.records[at + DST_LENGTH] = dstLength;
    this.records[at + SERVICE_KEY] = -1;
    this.keys.set(bytes.subarray(srcStart, srcEnd), this.keyBytes);
    this.keys.set(bytes.subarray(dstStart, dstEnd), this.keyBytes + srcLength);
    this.keyBytes += srcLength + dstLength;
    this.place(hash, c);
    return c;
  }

  /** Conversation c's source and destination entries. */
  srcOf(c: number): number {
    return this.records[c * STRIDE + SRC]!;
  }

  dstOf(c: number): number {
    return this.records[c * STRIDE + DST]!;
  }

  /** The service of conversation c to `service` (protocol * 65536 + port) noted by setService; -1 when another or none. */
  serviceOf(c: number, service: number): number {
    const at = c * STRIDE;
    return this.records[at + SERVICE_KEY] === service ? this.records[at + SERVICE]! : -1;
  }

  /** Notes conversation c's decided service (valid until the services start over: the caller clears both then). */
  setService(c: number, service: number, id: number): void {
    const at = c * STRIDE;
    this.records[at + SERVICE_KEY] = service;
    this.records[at + SERVICE] = id;
  }

  clear(): void {
    this.size = 0;
    this.keyBytes = 0;
    this.slots.fill(EMPTY);
  }

  private place(hash: number, c: number): void {
    const mask = (this.slots.length >> 1) - 1;
    let slot = hash & mask;
    while (this.slots[slot * 2] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot * 2] = c + 1;
    this.slots[slot * 2 + 1] = hash;
  }

  private grow(): void {
    const records = new Int32Array(this.records.length * 2);
    records.set(this.records);
    this.records = records;
    this.slots = new Int32Array(this.slots.length * 2);
    for (let c = 0; c < this.size; c++) this.place(this.records[c * STRIDE + HASH]!, c);
  }

  private growKeys(needed: number): void {
    const keys = new Uint8Array(Math.max(this.keys.length * 2, this.keyBytes + needed));
    keys.set(this.keys.subarray(0, this.keyBytes));
    this.keys = keys;
  }
}
