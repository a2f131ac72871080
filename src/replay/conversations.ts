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
 *
 * Over tens of thousands of conversations a lookup is bound by cache misses, not by work: a
 * conversation's fields and its key bytes lie together in one arena, so that a hit reads its slot
 * and then one or two adjacent cache lines.
 */

/** Conversations kept; past that the table starts over (memory stays bounded). */
export const MAX_CONVERSATIONS = 1 << 17;
const FIRST_CAPACITY = 1 << 10;
/** An empty slot; slots hold conversation + 1. */
const EMPTY = 0;

/** Where an endpoint text's hash starts (FNV-1a's offset basis). */
const TEXT_HASH_SEED = 0x811c9dc5;

let viewedBytes: Uint8Array | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * `bytes` read as little-endian words, four bytes at a time: one view per chunk, as the lines of a
 * chunk are read one after another (it keeps the last chunk's bytes alive until the next).
 */
function wordsOf(bytes: Uint8Array): DataView<ArrayBufferLike> {
  if (bytes !== viewedBytes) {
    viewedBytes = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return view;
}

/** Word `i` of a text from `start` (its last word padded with zero bytes), as the hash and the arena hold it. */
function wordAt(words: DataView<ArrayBufferLike>, bytes: Uint8Array, i: number, end: number): number {
  if (i + 4 <= end) return words.getInt32(i, true);
  let word = 0;
  for (let shift = 0; i < end; i++, shift += 8) word |= bytes[i]! << shift;
  return word;
}

/** The hash of an endpoint text, bytes [start, end), a word at a time. */
function textHash(words: DataView<ArrayBufferLike>, bytes: Uint8Array, start: number, end: number): number {
  let hash = TEXT_HASH_SEED;
  for (let i = start; i < end; i += 4) hash = mixWord(hash, wordAt(words, bytes, i, end));
  return hash;
}

/** A text's hash continued by its next word. */
function mixWord(hash: number, word: number): number {
  hash = Math.imul(hash ^ word, 0x01000193);
  return (hash << 13) | (hash >>> 19);
}

/** The hash scanTextHash gave for the text it scanned last. */
let scannedHash = 0;

/** textHash of the text scanTextHash scanned last. */
export const lastTextHash = (): number => scannedHash;

/**
 * Scans a text from `start` to its first byte `separator` (or `end`), four bytes at a time:
 * where it ends, with its textHash kept for lastTextHash, so that a reader finding its field
 * hashes it in the same pass (joinTextHashes then makes the conversation's hash).
 */
export function scanTextHash(bytes: Uint8Array, start: number, end: number, separator: number): number {
  const view = wordsOf(bytes);
  const spread = Math.imul(separator, 0x01010101);
  let hash = TEXT_HASH_SEED;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = view.getInt32(i, true);
    const x = word ^ spread;
    // The lowest byte of x that is zero sets its high bit here (bits above it may be set falsely).
    const zero = (x - 0x01010101) & ~x & 0x80808080;
    if (zero !== 0) {
      const bytesBefore = (31 - Math.clz32(zero & -zero)) >> 3;
      if (bytesBefore > 0) hash = mixWord(hash, word & ((1 << (bytesBefore * 8)) - 1));
      scannedHash = hash;
      return i + bytesBefore;
    }
    hash = mixWord(hash, word);
  }
  let word = 0;
  let shift = 0;
  for (; i < end; i++, shift += 8) {
    const byte = bytes[i]!;
    if (byte === separator) break;
    word |= byte << shift;
  }
  if (shift > 0) hash = mixWord(hash, word);
  scannedHash = hash;
  return i;
}

/**
 * A conversation's hash from its texts' hashes: the source's length keeps "ab"+"c" apart from
 * "a"+"bc", and the two sides mix differently.
 */
export function joinTextHashes(srcHash: number, srcLength: number, dstHash: number): number {
  let hash = Math.imul(srcHash ^ srcLength, 0x01000193) ^ Math.imul(dstHash ^ 0x2c, 0x5bd1e995);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return hash ^ (hash >>> 12);
}

/** A conversation's hash: both texts hashed a word at a time (textHash), joined by joinTextHashes. */
export function conversationHash(bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number): number {
  const words = wordsOf(bytes);
  return joinTextHashes(textHash(words, bytes, srcStart, srcEnd), srcEnd - srcStart, textHash(words, bytes, dstStart, dstEnd));
}

/** Whether bytes [start, end) are the text held in words from `k` of `arena`. */
function sameText(words: DataView<ArrayBufferLike>, bytes: Uint8Array, start: number, end: number, arena: Int32Array, k: number): boolean {
  for (let i = start; i < end; i += 4, k++) if (wordAt(words, bytes, i, end) !== arena[k]) return false;
  return true;
}

/** Writes bytes [start, end) as words from `k` of `arena`; the words after. */
function putText(words: DataView<ArrayBufferLike>, bytes: Uint8Array, start: number, end: number, arena: Int32Array, k: number): number {
  for (let i = start; i < end; i += 4, k++) arena[k] = wordAt(words, bytes, i, end);
  return k;
}

/** A conversation's fields, in words from its start in the arena; its key bytes (source then destination) follow. */
const SRC = 0;
const DST = 1;
const SRC_LENGTH = 2;
const DST_LENGTH = 3;
/** The last decided service (flow-services.ts) of the conversation: its protocol * 65536 + port, and its number. */
const SERVICE_KEY = 4;
const SERVICE = 5;
const HASH = 6;
const HEADER_WORDS = 7;

/** The words of a conversation in the arena. */
const recordWords = (srcLength: number, dstLength: number): number => HEADER_WORDS + ((srcLength + 3) >> 2) + ((dstLength + 3) >> 2);

export class Conversations {
  /** The conversations one after the other: HEADER_WORDS fields, then the source's and the destination's words (wordAt). */
  private arena = new Int32Array(FIRST_CAPACITY * 24);
  /** Words of the arena in use. */
  private used = 0;
  /** Open addressing, linear probing, at most half full: pairs of the conversation's start + 1 and its hash. */
  private slots = new Int32Array(FIRST_CAPACITY * 4);
  private size = 0;

  /**
   * The conversation whose source is bytes [srcStart, srcEnd) and destination bytes
   * [dstStart, dstEnd) (`hash` is conversationHash's); -1 when there is none yet. A conversation
   * is named by its start in the arena (a number >= 0).
   */
  find(hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const srcLength = srcEnd - srcStart;
    const dstLength = dstEnd - dstStart;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot * 2]!;
      if (held === EMPTY) return -1;
      if (slots[slot * 2 + 1] !== hash) continue;
      const at = held - 1;
      const arena = this.arena;
      if (arena[at + SRC_LENGTH] !== srcLength || arena[at + DST_LENGTH] !== dstLength) continue;
      const words = wordsOf(bytes);
      const dstAt = at + HEADER_WORDS + ((srcLength + 3) >> 2);
      if (sameText(words, bytes, srcStart, srcEnd, arena, at + HEADER_WORDS) && sameText(words, bytes, dstStart, dstEnd, arena, dstAt)) return at;
    }
  }

  /** Adds the conversation find did not find (same arguments), between entries `src` and `dst`; its name. */
  add(hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number, src: number, dst: number): number {
    if (this.size >= MAX_CONVERSATIONS) this.clear();
    const srcLength = srcEnd - srcStart;
    const dstLength = dstEnd - dstStart;
    const length = recordWords(srcLength, dstLength);
    if (this.used + length > this.arena.length) this.growArena(length);
    if (this.size * 4 >= this.slots.length) this.growSlots();
    const at = this.used;
    this.used += length;
    const arena = this.arena;
    arena[at + SRC] = src;
    arena[at + DST] = dst;
    arena[at + SRC_LENGTH] = srcLength;
    arena[at + DST_LENGTH] = dstLength;
    arena[at + SERVICE_KEY] = -1;
    arena[at + HASH] = hash;
    const words = wordsOf(bytes);
    putText(words, bytes, dstStart, dstEnd, arena, putText(words, bytes, srcStart, srcEnd, arena, at + HEADER_WORDS));
    this.size++;
    this.place(hash, at);
    return at;
  }

  /** Conversation c's source and destination entries. */
  srcOf(c: number): number {
    return this.arena[c + SRC]!;
  }

  dstOf(c: number): number {
    return this.arena[c + DST]!;
  }

  /** The service of conversation c to `service` (protocol * 65536 + port) noted by setService; -1 when another or none. */
  serviceOf(c: number, service: number): number {
    return this.arena[c + SERVICE_KEY] === service ? this.arena[c + SERVICE]! : -1;
  }

  /** Notes conversation c's decided service (valid until the services start over: the caller clears both then). */
  setService(c: number, service: number, id: number): void {
    this.arena[c + SERVICE_KEY] = service;
    this.arena[c + SERVICE] = id;
  }

  clear(): void {
    this.size = 0;
    this.used = 0;
    this.slots.fill(EMPTY);
  }

  private place(hash: number, at: number): void {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hash & mask;
    while (slots[slot * 2] !== EMPTY) slot = (slot + 1) & mask;
    slots[slot * 2] = at + 1;
    slots[slot * 2 + 1] = hash;
  }

  private growArena(needed: number): void {
    const arena = new Int32Array(Math.max(this.arena.length * 2, this.used + needed));
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }

  /** Twice the slots, every conversation placed again (they are walked in the arena). */
  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const arena = this.arena;
    for (let at = 0; at < this.used; at += recordWords(arena[at + SRC_LENGTH]!, arena[at + DST_LENGTH]!)) this.place(arena[at + HASH]!, at);
  }
}
