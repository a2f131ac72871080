/**
 * @module NDJSON flow lines straight to the core's flow records (layout.ts FLOW_RECORD), with no
 * Flow object per line: the scanner (src/flow/scan.ts) finds the fields, each endpoint text is
 * resolved once through the engine's EndpointResolver and remembered (text -> pod index or
 * address), protocol and port are read in place. A line it does not take (another shape, a value
 * the decoders refuse, an endpoint the resolver refuses) is left to the full decoder, which answers
 * it as it always has.
 */
import { ENDPOINT_BYTES, FLOW_RECORD, FLOW_RECORD_BYTES, PROTOCOL_CODE } from '../compile/layout.js';
import { decodeEndpoint, decodePort, decodeProtocol } from '../flow/decode.js';
import { detached } from '../flow/endpoint-table.js';
import { COMPACT, COMPACT_PROTOCOL, COMPACT_SLOTS, isPlainEndpointText, matchCompactFlowBytes } from '../flow/flow-line-bytes.js';
import { FIELD, FIELD_SLOTS, flowLineSpans, isPlainJSONString, matchCompactFlowLine, scanFlowLine, SLOT, spanValue, VALUE } from '../flow/scan.js';
import { FlowError } from '../model/errors.js';
import { EndpointBytesTable, REFUSED_KIND } from './endpoint-bytes.js';
import type { EndpointResolver } from './endpoints.js';
import { AdhocTable, encodeEndpoint } from './flow-encoder.js';

/** Distinct endpoint texts remembered per resolver; past that the table starts over (memory stays bounded). */
const MAX_ENDPOINTS = 1 << 16;
const ENDPOINT_WORDS = ENDPOINT_BYTES / 4;
const MAX_PORT = 65_535;
/** COMPACT_PROTOCOL -> PROTOCOL_CODE (an absent protocol is TCP, as the decoders default it). */
const COMPACT_PROTOCOL_CODES = new Uint8Array(4);
COMPACT_PROTOCOL_CODES[COMPACT_PROTOCOL.ABSENT] = PROTOCOL_CODE.TCP;
COMPACT_PROTOCOL_CODES[COMPACT_PROTOCOL.TCP] = PROTOCOL_CODE.TCP;
COMPACT_PROTOCOL_CODES[COMPACT_PROTOCOL.UDP] = PROTOCOL_CODE.UDP;
COMPACT_PROTOCOL_CODES[COMPACT_PROTOCOL.SCTP] = PROTOCOL_CODE.SCTP;
const asciiDecoder = new TextDecoder();

/** Writes flow lines as flow records for one resolver (one engine's pods). */
export class LineRecordWriter {
  /** Endpoint text -> entry: its ENDPOINT_KIND in `kinds`, its address words in `words`. */
  private readonly entries = new Map<string, number>();
  private kinds = new Uint8Array(256);
  private words = new Uint32Array(256 * ENDPOINT_WORDS);
  private readonly spans = flowLineSpans();
  private readonly scratch = new DataView(new ArrayBuffer(ENDPOINT_BYTES));
  private readonly scratchBytes = new Uint8Array(this.scratch.buffer);
  /** The byte path's endpoints, by the bytes that named them. */
  private readonly byBytes = new EndpointBytesTable();
  /** Where the last compact line writeCompact took has its fields (COMPACT). */
  readonly compact = new Int32Array(COMPACT_SLOTS);
  private lastBytes: Uint8Array | undefined;
  private lastView: DataView = new DataView(new ArrayBuffer(0));
  /** Endpoints from text are never ad-hoc pods; encodeEndpoint wants a table all the same. */
  private readonly noAdhocs = new AdhocTable();

  constructor(private readonly resolver: EndpointResolver) {}

  /**
   * Writes the flow of line `text` as the record at byte `offset` of `view`; false (nothing
   * written that counts) when the full decoder must answer the line.
   */
  write(text: string, view: DataView, offset: number): boolean {
    const spans = this.spans;
    if (!matchCompactFlowLine(text, spans) && !scanFlowLine(text, spans)) return false;
    const protocol = this.protocolCode(text);
    if (protocol === 0) return false;
    const port = this.port(text);
    if (port === 0) return false;
    view.setUint8(offset + FLOW_RECORD.PROTOCOL, protocol);
    view.setUint8(offset + FLOW_RECORD.RESERVED_1, 0);
    view.setUint16(offset + FLOW_RECORD.PORT, port, true);
    view.setUint16(offset + FLOW_RECORD.RESERVED_2, 0, true);
    // Each endpoint is copied before the next is looked up (a lookup may start the table over).
    return (
      this.writeEndpoint(text, FIELD.SRC, 'src', view, offset + FLOW_RECORD.SRC_KIND, offset + FLOW_RECORD.SRC) &&
      this.writeEndpoint(text, FIELD.DST, 'dst', view, offset + FLOW_RECORD.DST_KIND, offset + FLOW_RECORD.DST)
    );
  }

  /**
   * The byte path: writes the flow of the compact flow line (flow-line-bytes.ts) at `bytes[start]`
   * that ends before `limit`, when the resolver takes its endpoints, as flow record `index` of
   * `records` (`words`: the same memory in 32-bit words). Returns the index just after the line's
   * closing brace (its line end must follow, which the caller checks), or -1 (nothing written that
   * counts) when the text path must answer the line.
   */
  writeCompact(bytes: Uint8Array, start: number, limit: number, records: Uint8Array, words: Uint32Array, index: number): number {
    const compact = this.compact;
    const view = this.viewOf(bytes);
    const end = matchCompactFlowBytes(bytes, view, start, limit, compact);
    if (end < 0) return -1;
    const at = index * FLOW_RECORD_BYTES;
    // Each endpoint is copied before the next is looked up (a new one may start the table over).
    if (!this.bytesEndpoint(bytes, view, compact[COMPACT.SRC_START]!, compact[COMPACT.SRC_END]!, 'src', records, words, at + FLOW_RECORD.SRC_KIND, at + FLOW_RECORD.SRC)) return -1;
    if (!this.bytesEndpoint(bytes, view, compact[COMPACT.DST_START]!, compact[COMPACT.DST_END]!, 'dst', records, words, at + FLOW_RECORD.DST_KIND, at + FLOW_RECORD.DST)) return -1;
    const port = compact[COMPACT.PORT]!;
    records[at + FLOW_RECORD.PROTOCOL] = COMPACT_PROTOCOL_CODES[compact[COMPACT.PROTOCOL]!]!;
    records[at + FLOW_RECORD.RESERVED_1] = 0;
    records[at + FLOW_RECORD.PORT] = port & 0xff;
    records[at + FLOW_RECORD.PORT + 1] = port >>> 8;
    records[at + FLOW_RECORD.RESERVED_2] = 0;
    records[at + FLOW_RECORD.RESERVED_2 + 1] = 0;
    return end;
  }

  /** A DataView of `bytes`, kept while the same buffer is read (a chunk's lines, one after another). */
  private viewOf(bytes: Uint8Array): DataView {
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.lastView;
  }

  /**
   * Copies the endpoint of text `bytes[start, end)` (field `name`) into the record (its kind to
   * `records[kindAt]`, its bytes from `at`), resolving it on first sight; false when the text is not
   * plain (the text path unescapes or refuses it) or the resolver refuses it (remembered as refused:
   * the text path reports each mention, with its field, but it is resolved only once here).
   */
  private bytesEndpoint(bytes: Uint8Array, view: DataView, start: number, end: number, name: string, records: Uint8Array, words: Uint32Array, kindAt: number, at: number): boolean {
    const table = this.byBytes;
    const known = table.copyEndpoint(bytes, view, start, end, records, words, kindAt, at >> 2);
    if (known !== -1) return known >= 0;
    if (!isPlainEndpointText(bytes, start, end)) return false;
    // Printable ASCII: the text is the bytes.
    const kind = this.encodeText(asciiDecoder.decode(bytes.subarray(start, end)), name);
    table.add(bytes, start, end, kind < 0 ? REFUSED_KIND : kind, this.scratchBytes);
    return kind >= 0 && table.copyEndpoint(bytes, view, start, end, records, words, kindAt, at >> 2) >= 0;
  }

  private writeEndpoint(text: string, field: number, name: string, view: DataView, kindAt: number, at: number): boolean {
    const entry = this.endpoint(text, field, name);
    if (entry < 0) return false;
    view.setUint8(kindAt, this.kinds[entry]!);
    for (let w = 0; w < ENDPOINT_WORDS; w++) view.setUint32(at + 4 * w, this.words[entry * ENDPOINT_WORDS + w]!, true);
    return true;
  }

  /** The PROTOCOL_CODE of the scanned protocol field; 0 when decodeProtocol refuses it. */
  private protocolCode(text: string): number {
    const at = FIELD.PROTOCOL * FIELD_SLOTS;
    const type = this.spans[at + SLOT.TYPE];
    if (type === VALUE.ABSENT || type === VALUE.NULL) return PROTOCOL_CODE.TCP;
    if (type === VALUE.STRING) {
      // The names as written most of the time, without a substring.
      const start = this.spans[at + SLOT.START]!;
      const length = this.spans[at + SLOT.END]! - start;
      if (length === 3 && text.startsWith('TCP', start)) return PROTOCOL_CODE.TCP;
      if (length === 3 && text.startsWith('UDP', start)) return PROTOCOL_CODE.UDP;
      if (length === 4 && text.startsWith('SCTP', start)) return PROTOCOL_CODE.SCTP;
    }
    try {
      return PROTOCOL_CODE[decodeProtocol(spanValue(text, this.spans, FIELD.PROTOCOL))];
    } catch (error) {
      if (error instanceof FlowError) return 0;
      throw error;
    }
  }

  /** The scanned port; 0 when decodePort refuses it. */
  private port(text: string): number {
    const at = FIELD.PORT * FIELD_SLOTS;
    const value = this.spans[at + SLOT.START]!;
    if (this.spans[at + SLOT.TYPE] === VALUE.NUMBER && value >= 1 && value <= MAX_PORT) return value;
    try {
      return decodePort(spanValue(text, this.spans, FIELD.PORT));
    } catch (error) {
      if (error instanceof FlowError) return 0;
      throw error;
    }
  }

  /** The entry of the scanned endpoint `field`; -1 when it is not a string the resolver takes. */
  private endpoint(text: string, field: number, name: string): number {
    const at = field * FIELD_SLOTS;
    if (this.spans[at + SLOT.TYPE] !== VALUE.STRING) return -1;
    const value = text.slice(this.spans[at + SLOT.START], this.spans[at + SLOT.END]);
    const known = this.entries.get(value);
    if (known !== undefined) return known;
    // Remembered texts are plain; a new one must be too (the compact scan does not check).
    if (!isPlainJSONString(value)) return -1;
    const kind = this.encodeText(value, name);
    return kind < 0 ? -1 : this.remember(detached(value), kind);
  }

  /**
   * Endpoint text `value` (field `name`) resolved and encoded into `scratch`: its ENDPOINT_KIND, or
   * -1 when the decoder or the resolver refuses it. Refusals are not remembered: the full decoder
   * reports each one, naming its field.
   */
  private encodeText(value: string, name: string): number {
    try {
      return encodeEndpoint(this.resolver.resolveEndpoint(decodeEndpoint(value, name), name), this.scratch, 0, this.noAdhocs);
    } catch (error) {
      if (error instanceof FlowError) return -1;
      throw error;
    }
  }

  private remember(text: string, kind: number): number {
    if (this.entries.size >= MAX_ENDPOINTS) this.entries.clear();
    const entry = this.entries.size;
    if (entry >= this.kinds.length) this.grow();
    this.kinds[entry] = kind;
    for (let w = 0; w < ENDPOINT_WORDS; w++) this.words[entry * ENDPOINT_WORDS + w] = this.scratch.getUint32(4 * w, true);
    this.entries.set(text, entry);
    return entry;
  }

  private grow(): void {
    const kinds = new Uint8Array(this.kinds.length * 2);
    kinds.set(this.kinds);
    const words = new Uint32Array(this.words.length * 2);
    words.set(this.words);
    this.kinds = kinds;
    this.words = words;
  }
}

const writers = new WeakMap<EndpointResolver, LineRecordWriter>();

/** The writer of `resolver`'s engine: its endpoint table lives as long as the engine. */
export function lineRecordWriter(resolver: EndpointResolver): LineRecordWriter {
  let writer = writers.get(resolver);
  if (writer === undefined) {
    writer = new LineRecordWriter(resolver);
    writers.set(resolver, writer);
  }
  return writer;
}
