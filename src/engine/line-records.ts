/**
 * @module NDJSON flow lines straight to the core's flow records (layout.ts FLOW_RECORD), with no
 * Flow object per line: the scanner (src/flow/scan.ts) finds the fields, each endpoint text is
 * resolved once through the engine's EndpointResolver and remembered (text -> pod index or
 * address), protocol and port are read in place. A line it does not take (another shape, a value
 * the decoders refuse, an endpoint the resolver refuses) is left to the full decoder, which answers
 * it as it always has.
 */
import { ENDPOINT_BYTES, FLOW_RECORD, PROTOCOL_CODE } from '../compile/layout.js';
import { decodeEndpoint, decodePort, decodeProtocol } from '../flow/decode.js';
import { detached } from '../flow/endpoint-table.js';
import { FIELD, FIELD_SLOTS, flowLineSpans, isPlainJSONString, matchCompactFlowLine, scanFlowLine, SLOT, spanValue, VALUE } from '../flow/scan.js';
import { FlowError } from '../model/errors.js';
import type { EndpointResolver } from './endpoints.js';
import { AdhocTable, encodeEndpoint } from './flow-encoder.js';

/** Distinct endpoint texts remembered per resolver; past that the table starts over (memory stays bounded). */
const MAX_ENDPOINTS = 1 << 16;
const ENDPOINT_WORDS = ENDPOINT_BYTES / 4;
const MAX_PORT = 65_535;

/** Writes flow lines as flow records for one resolver (one engine's pods). */
export class LineRecordWriter {
  /** Endpoint text -> entry: its ENDPOINT_KIND in `kinds`, its address words in `words`. */
  private readonly entries = new Map<string, number>();
  private kinds = new Uint8Array(256);
  private words = new Uint32Array(256 * ENDPOINT_WORDS);
  private readonly spans = flowLineSpans();
  private readonly scratch = new DataView(new ArrayBuffer(ENDPOINT_BYTES));
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
    let kind: number;
    try {
      kind = encodeEndpoint(this.resolver.resolveEndpoint(decodeEndpoint(value, name), name), this.scratch, 0, this.noAdhocs);
    } catch (error) {
      // Refusals are not remembered: the full decoder reports each one, naming its field.
      if (error instanceof FlowError) return -1;
      throw error;
    }
    return this.remember(detached(value), kind);
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
