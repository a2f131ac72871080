/**
 * @module The distinct flows of one endpoint table (flow-records.ts): a source entry, a destination
 * entry, a protocol and a port, numbered in an open-addressing table of integers. Everything a core
 * decides about a flow record is a function of exactly these four (the record holds the two
 * entries' encodings, the protocol and the port, and nothing else), so a service remembers the
 * verdict record of each deciding engine once every engine answered it (status OK), and its flows
 * after that skip the batch and the core. A line's time, number and observed verdict are not part
 * of the key: they are kept per line and reported per line. A service also keeps its keys in a
 * summary's lists, made once (see EndpointRecords.groupKey).
 *
 * Services name entries, so the table clears them whenever its entries start over; the numbers of
 * one batch stay valid until that batch is settled (clear is called between batches only).
 */
import { VERDICT_RECORD_BYTES } from '../compile/layout.js';

/** Services kept; past that the table starts over between batches (memory stays bounded). */
export const MAX_SERVICES = 1 << 17;
const FIRST_CAPACITY = 1 << 10;
const VERDICT_WORDS = VERDICT_RECORD_BYTES / 4;
/** A service's fields in `records`: its entries, protocol * 65536 + port, whether its verdicts are known. */
const SRC = 0;
const DST = 1;
const SERVICE = 2;
const KNOWN = 3;
const STRIDE = 4;

function serviceHash(src: number, dst: number, service: number): number {
  const hash = Math.imul(src, 0x9e3779b1) ^ Math.imul(dst + 0x7f4a7c15, 0x85ebca6b) ^ Math.imul(service, 0xc2b2ae35);
  return hash ^ (hash >>> 15);
}

export class FlowServices {
  private records = new Int32Array(FIRST_CAPACITY * STRIDE);
  /** Per service, per engine: its verdict record (valid when KNOWN). */
  private verdicts: Uint32Array;
  /** Open addressing, linear probing, at most half full: service + 1 (0: empty). */
  private slots = new Int32Array(FIRST_CAPACITY * 2);
  /** A service's keys in the summaries' lists, by KEY variant (flow-records.ts). */
  readonly keys: (string[] | undefined)[] = [];
  size = 0;
  /** Counts the clears: services numbered under another epoch are other flows (see ListedFlows). */
  epoch = 0;

  constructor(private readonly engines: number) {
    this.verdicts = new Uint32Array(FIRST_CAPACITY * engines * VERDICT_WORDS);
  }

  /** The service of a flow between entries `src` and `dst` by `protocol` (a PROTOCOL_CODE) to `port`. */
  find(src: number, dst: number, protocol: number, port: number): number {
    const service = protocol * 65_536 + port;
    const slots = this.slots;
    const mask = slots.length - 1;
    const records = this.records;
    let slot = serviceHash(src, dst, service) & mask;
    for (let held = slots[slot]!; held !== 0; slot = (slot + 1) & mask, held = slots[slot]!) {
      const at = (held - 1) * STRIDE;
      if (records[at + SRC] === src && records[at + DST] === dst && records[at + SERVICE] === service) return held - 1;
    }
    return this.add(slot, src, dst, service);
  }

  /** Whether every engine's verdict record of `service` is known (writeVerdict then copies it). */
  known(service: number): boolean {
    return this.records[service * STRIDE + KNOWN] === 1;
  }

  /**
   * The verdict records of the known services as bytes: engine e's of service s is record
   * `s * engines + e` (VERDICT_RECORD_BYTES each). Valid until the next service is added.
   */
  verdictBytes(): Uint8Array {
    return new Uint8Array(this.verdicts.buffer, 0, this.size * this.engines * VERDICT_RECORD_BYTES);
  }

  /** Remembers engine e's verdict record of `service`, record `m` of `words`; `complete` once every engine's is in. */
  remember(service: number, e: number, words: Uint32Array, m: number, complete: boolean): void {
    const to = (service * this.engines + e) * VERDICT_WORDS;
    const from = m * VERDICT_WORDS;
    for (let w = 0; w < VERDICT_WORDS; w++) this.verdicts[to + w] = words[from + w]!;
    if (complete) this.records[service * STRIDE + KNOWN] = 1;
  }

  /** Service s's entries, protocol code and port. */
  srcOf(s: number): number {
    return this.records[s * STRIDE + SRC]!;
  }

  dstOf(s: number): number {
    return this.records[s * STRIDE + DST]!;
  }

  protocolOf(s: number): number {
    return this.records[s * STRIDE + SERVICE]! >>> 16;
  }

  portOf(s: number): number {
    return this.records[s * STRIDE + SERVICE]! & 0xffff;
  }

  clear(): void {
    this.epoch++;
    this.size = 0;
    this.keys.length = 0;
    this.slots.fill(0);
  }

  private add(slot: number, src: number, dst: number, service: number): number {
    const s = this.size++;
    if (s * STRIDE === this.records.length) this.grow();
    const at = s * STRIDE;
    this.records[at + SRC] = src;
    this.records[at + DST] = dst;
    this.records[at + SERVICE] = service;
    this.records[at + KNOWN] = 0;
    if (this.size * 2 > this.slots.length) this.rehash();
    else this.slots[slot] = s + 1;
    return s;
  }

  private grow(): void {
    const records = new Int32Array(this.records.length * 2);
    records.set(this.records);
    this.records = records;
    const verdicts = new Uint32Array(this.verdicts.length * 2);
    verdicts.set(this.verdicts);
    this.verdicts = verdicts;
  }

  /** Doubles the slots and places every service again (the newest included). */
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let s = 0; s < this.size; s++) {
      const at = s * STRIDE;
      let slot = serviceHash(this.records[at + SRC]!, this.records[at + DST]!, this.records[at + SERVICE]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = s + 1;
    }
  }
}
