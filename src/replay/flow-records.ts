/**
 * @module The records-first replay path's batch: well-formed flow lines written by the readers'
 * fast paths as the core's 40-byte flow records (one buffer per deciding engine, as each numbers
 * its own pods), with what the report needs of each line (line, observed verdict, times, the
 * endpoint texts' entries) in typed arrays: no object per line. Endpoint texts are resolved once
 * per engine and remembered (EndpointRecords).
 *
 * A reader plugs in with a FastLineReader (on a line's text) or a FastBytesReader (on its bytes):
 * it reads a line in full, as its LineReader would, and hands the flow to the FlowSink only when
 * the line is well-formed and both endpoints resolve;
 * anything else (a malformed line, an ad-hoc pod, an endpoint a bundle refuses, another protocol)
 * it leaves to the LineReader, which answers it as it always has.
 */
import { ENDPOINT_BYTES, FLOW_RECORD, FLOW_RECORD_BYTES, STATUS, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import type { EndpointResolver } from '../engine/endpoints.js';
import { AdhocTable, encodeEndpoint } from '../engine/flow-encoder.js';
import { DEFAULT_MAX_ENDPOINTS, detached } from '../flow/endpoint-table.js';
import { FlowError } from '../model/errors.js';
import type { Protocol } from '../model/bundle.js';
import type { EndpointSpec } from '../model/flow.js';
import { Conversations, conversationHash } from './conversations.js';
import { FlowServices, MAX_SERVICES } from './flow-services.js';
import type { Observed } from './records.js';
import type { EndpointDirectory } from './endpoint-directory.js';
import { groupKey } from './summary.js';

/** Which key of a conversation (EndpointRecords.groupKey): ReplaySummary's, or ChangeGroups' (changeKey) per observed verdict. */
export const KEY = { GROUP: 0, CHANGE: 1, ALLOWED: 2, DENIED: 3 } as const;
const KEY_SUFFIXES = ['', '', 'allowed', 'denied'];

/** How the batch stores a line's observed verdict. */
export const OBSERVED_CODE = { NONE: 0, ALLOWED: 1, DENIED: 2 } as const;
export const OBSERVED_OF_CODE: readonly (Observed | undefined)[] = [undefined, 'allowed', 'denied'];

/** An endpoint text as a format reads it (parseEndpointArgument for CSV, decodeEndpoint for VPC). */
export type EndpointDecoder = (text: string, field: string) => EndpointSpec;

const ENDPOINT_WORDS = ENDPOINT_BYTES / 4;
const VERDICT_WORDS = VERDICT_RECORD_BYTES / 4;
/** Protocol names by PROTOCOL_CODE. */
export const PROTOCOL_NAMES: readonly Protocol[] = ['TCP', 'TCP', 'UDP', 'SCTP'];
const REFUSED = -1;

/**
 * Endpoint texts of one decoder -> entries: the text (a summary's label), its spec, and its
 * encoding for each engine. A text that does not decode, is an ad-hoc pod, or that some engine
 * refuses is remembered as refused: its lines take the full path, which reports them.
 */
export class EndpointRecords {
  private readonly entries = new Map<string, number>();
  readonly texts: string[] = [];
  readonly specs: EndpointSpec[] = [];
  private kinds: Uint8Array[];
  private words: Uint32Array[];
  private readonly scratch = new DataView(new ArrayBuffer(ENDPOINT_BYTES));
  private readonly noAdhocs = new AdhocTable();
  private readonly conversations = new Conversations();
  /** The distinct flows between entries, with their verdicts once decided (flow-services.ts). */
  readonly services: FlowServices;

  constructor(
    private readonly decode: EndpointDecoder,
    private readonly resolvers: readonly EndpointResolver[],
  ) {
    this.kinds = resolvers.map(() => new Uint8Array(256));
    this.words = resolvers.map(() => new Uint32Array(256 * ENDPOINT_WORDS));
    this.services = new FlowServices(resolvers.length);
  }

  /** True when this table's entries were resolved by exactly these resolvers, in this order. */
  resolvesWith(resolvers: readonly EndpointResolver[]): boolean {
    return resolvers.length === this.resolvers.length && resolvers.every((r, e) => r === this.resolvers[e]);
  }

  /** The entry of `text`, or -1 when its lines must take the full path. */
  entry(text: string, field: string): number {
    const known = this.entries.get(text);
    return known !== undefined ? known : this.add(text, field);
  }

  /**
   * The conversation between the endpoint texts at bytes [srcStart, srcEnd) (field `srcField`)
   * and [dstStart, dstEnd) of printable ASCII: found in place when it was met before, else made
   * from the entries of both texts (entry). -1 when either must take the full path. Its flows'
   * services are conversationService's. `hash` is conversationHash's, when the caller has it.
   */
  conversation(
    bytes: Uint8Array, srcStart: number, srcEnd: number, srcField: string, dstStart: number, dstEnd: number, dstField: string,
    hash = conversationHash(bytes, srcStart, srcEnd, dstStart, dstEnd),
  ): number {
    const found = this.conversations.find(hash, bytes, srcStart, srcEnd, dstStart, dstEnd);
    if (found >= 0) return found;
    const src = this.entry(asciiText(bytes, srcStart, srcEnd), srcField);
    if (src < 0) return REFUSED;
    const dst = this.entry(asciiText(bytes, dstStart, dstEnd), dstField);
    if (dst < 0) return REFUSED;
    return this.conversations.add(hash, bytes, srcStart, srcEnd, dstStart, dstEnd, src, dst);
  }

  /**
   * The service (FlowServices) of a flow of `conversation` by `protocol` to `port`: noted on the
   * conversation once its verdicts are known, so that its repeated flows look nothing else up.
   */
  conversationService(conversation: number, protocol: number, port: number): number {
    const key = protocol * 65_536 + port;
    const noted = this.conversations.serviceOf(conversation, key);
    if (noted >= 0) return noted;
    const conversations = this.conversations;
    const service = this.services.find(conversations.srcOf(conversation), conversations.dstOf(conversation), protocol, port);
    if (this.services.known(service)) conversations.setService(conversation, key, service);
    return service;
  }

  private add(text: string, field: string): number {
    const own = detached(text);
    let spec: EndpointSpec;
    try {
      spec = this.decode(own, field);
    } catch (error) {
      if (error instanceof FlowError) return this.refuse(own);
      throw error;
    }
    return this.addDecoded(own, own, spec, field);
  }

  /**
   * A new entry for an endpoint its format decoded itself (Hubble: from a pod name, an address and
   * labels), remembered by `key`, named `label` in summaries (both detached); -1 when refused.
   */
  addDecoded(key: string, label: string, spec: EndpointSpec, field: string): number {
    const entry = this.texts.length;
    if (entry >= this.kinds[0]!.length) this.grow();
    try {
      if (spec.kind === 'adhoc') return this.refuse(key);
      for (let e = 0; e < this.resolvers.length; e++) {
        this.kinds[e]![entry] = encodeEndpoint(this.resolvers[e]!.resolveEndpoint(spec, field), this.scratch, 0, this.noAdhocs);
        for (let w = 0; w < ENDPOINT_WORDS; w++) this.words[e]![entry * ENDPOINT_WORDS + w] = this.scratch.getUint32(4 * w, true);
      }
    } catch (error) {
      if (error instanceof FlowError) return this.refuse(key);
      throw error;
    }
    this.texts.push(label);
    this.specs.push(spec);
    this.entries.set(key, entry);
    return entry;
  }

  private refuse(text: string): number {
    this.entries.set(text, REFUSED);
    return REFUSED;
  }

  /** Writes entry's endpoint for engine `e` at `at` (ENDPOINT_BYTES) of `words`, its kind at `kindAt` of `bytes`. */
  write(e: number, entry: number, bytes: Uint8Array, kindAt: number, words: Uint32Array, at: number): void {
    bytes[kindAt] = this.kinds[e]![entry]!;
    const from = entry * ENDPOINT_WORDS;
    const own = this.words[e]!;
    for (let w = 0; w < ENDPOINT_WORDS; w++) words[at + w] = own[from + w]!;
  }

  /**
   * The key of `service`'s flows in a summary's lists (KEY: groupKey, or changeKey without or with
   * the log's verdict), made once per service: its flows then look up the same string, whose hash
   * is known. Its texts are this table's (detached), so a summary may keep it as it is.
   */
  groupKey(service: number, variant: number): string {
    const services = this.services;
    let keys = services.keys[service];
    if (keys === undefined) {
      const protocol = services.protocolOf(service);
      const texts = this.texts;
      keys = services.keys[service] = [groupKey(texts[services.srcOf(service)]!, texts[services.dstOf(service)]!, `${PROTOCOL_NAMES[protocol]}/${services.portOf(service)}`)];
    }
    return (keys[variant] ??= variant === KEY.GROUP ? keys[0]! : `${keys[0]}\u0000${KEY_SUFFIXES[variant]}`);
  }

  /** Called between batches (entries stay valid within one): past the bound the table starts over. */
  trim(): void {
    if (this.services.size >= MAX_SERVICES) {
      // Conversations note services: they go too.
      this.services.clear();
      this.conversations.clear();
    }
    if (this.entries.size < DEFAULT_MAX_ENDPOINTS) return;
    this.entries.clear();
    this.texts.length = 0;
    this.specs.length = 0;
    this.conversations.clear();
    this.services.clear();
  }

  private grow(): void {
    this.kinds = this.kinds.map((old) => {
      const kinds = new Uint8Array(old.length * 2);
      kinds.set(old);
      return kinds;
    });
    this.words = this.words.map((old) => {
      const words = new Uint32Array(old.length * 2);
      words.set(old);
      return words;
    });
  }
}

const ascii = new TextDecoder();

/** Bytes [start, end) of printable ASCII as a string. */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  return ascii.decode(bytes.subarray(start, end));
}

/**
 * Endpoint tables by decoder, kept across replays that run one after another with the same
 * engines: replay --jobs' workers keep one for their whole life, so that each part does not start
 * with cold tables. Never shared by replays running at the same time (a table starts over between
 * batches once past its bound).
 */
export type EndpointTables = Map<EndpointDecoder, EndpointRecords>;

/** Where a reader's fast path puts what it read. */
export interface FlowSink {
  /** The endpoint table of `decode`'s texts (one per decoder and run, shared by its inputs). */
  endpoints(decode: EndpointDecoder): EndpointRecords;
  /**
   * A well-formed flow line whose endpoints are entries of `table` (not -1): `protocol` a
   * PROTOCOL_CODE, `observed` an OBSERVED_CODE, times in epoch ms or NaN when the line has none.
   */
  flow(table: EndpointRecords, src: number, dst: number, protocol: number, port: number, line: number, observed: number, time: number, timeEnd: number): void;
  /** `flow` for a flow whose service the reader found (EndpointRecords.conversationService). */
  serviceFlow(table: EndpointRecords, service: number, line: number, observed: number, time: number, timeEnd: number): void;
  /** A well-formed reply line (counted, not judged). */
  reply(): void;
  /** Who the bundle knows, for formats whose ends are resolved in order (Hubble; see resolveEndpoint). */
  readonly directory?: EndpointDirectory;
}

/**
 * A format's fast path for one line: true when it took the line (gave it to `sink`, or it was a
 * line that gives no record); false leaves the line to the format's LineReader.
 */
export type FastLineReader = (text: string, line: number, sink: FlowSink) => boolean;

/**
 * A format's fast path on the line's bytes [start, end) (no line feed, no carriage return before
 * it), for lines of printable ASCII only: no string is made for a line it takes. It must take a
 * line only when it gives the sink the flow, reply or nothing that the format's LineReader reads
 * in the line's text; false leaves the line to the LineReader.
 */
export type FastBytesReader = (bytes: Uint8Array, start: number, end: number, line: number, sink: FlowSink) => boolean;

/** What decides a batch's flow records (WasmEngine.decideRecordsInto). */
export interface RecordDecider {
  decideRecordsInto(records: Uint8Array, verdicts: Uint8Array): void;
}

/**
 * The fast flows of one batch, in reading order. A flow whose service (flow-services.ts) was
 * decided before gets its verdict records copied as it is added; only the others are written as
 * flow records, one after another, for the cores (decide).
 */
export class FlowRecordBatch {
  size = 0;
  /** Flows whose verdicts are not known yet: their flow records, and the flows they belong to. */
  private misses = 0;
  private capacity = 1024;
  /** Per engine: flow records of the misses, and their verdict records. */
  private records: Uint8Array[];
  private recordWords: Uint32Array[];
  private missVerdicts: Uint32Array[];
  private missAt = new Int32Array(this.capacity);
  /** Per engine: every flow's verdict record (after decide), by byte and by word. */
  verdicts: Uint8Array[];
  private verdictWords: Uint32Array[];
  lines = new Int32Array(this.capacity);
  observed = new Uint8Array(this.capacity);
  times = new Float64Array(this.capacity);
  timeEnds = new Float64Array(this.capacity);
  /** Each flow's service in its table (FlowServices). */
  services = new Int32Array(this.capacity);
  /** The table each flow's endpoints are entries of, and its file. */
  tables: EndpointRecords[] = [];
  files: string[] = [];

  constructor(readonly engines: number) {
    this.records = Array.from({ length: engines }, () => new Uint8Array(this.capacity * FLOW_RECORD_BYTES));
    this.recordWords = this.records.map((r) => new Uint32Array(r.buffer));
    this.missVerdicts = Array.from({ length: engines }, () => new Uint32Array(this.capacity * VERDICT_WORDS));
    this.verdicts = Array.from({ length: engines }, () => new Uint8Array(this.capacity * VERDICT_RECORD_BYTES));
    this.verdictWords = this.verdicts.map((v) => new Uint32Array(v.buffer));
  }

  /** Adds a flow of `service` (table.services), read at `line` of `file`. */
  add(file: string, table: EndpointRecords, service: number, line: number, observed: number, time: number, timeEnd: number): void {
    if (this.size === this.capacity) this.grow();
    const i = this.size++;
    const services = table.services;
    if (services.known(service)) {
      for (let e = 0; e < this.engines; e++) services.writeVerdict(service, e, this.verdictWords[e]!, i);
    } else {
      this.writeRecords(table, services.srcOf(service), services.dstOf(service), services.protocolOf(service), services.portOf(service));
      this.missAt[this.misses++] = i;
    }
    this.lines[i] = line;
    this.observed[i] = observed;
    this.times[i] = time;
    this.timeEnds[i] = timeEnd;
    this.services[i] = service;
    this.tables[i] = table;
    this.files[i] = file;
  }

  /** The next miss's flow record for each engine. */
  private writeRecords(table: EndpointRecords, src: number, dst: number, protocol: number, port: number): void {
    const at = this.misses * FLOW_RECORD_BYTES;
    for (let e = 0; e < this.engines; e++) {
      const bytes = this.records[e]!;
      const words = this.recordWords[e]!;
      // Bytes 2-7: protocol, reserved, port (little-endian), reserved.
      bytes[at + FLOW_RECORD.PROTOCOL] = protocol;
      bytes[at + FLOW_RECORD.RESERVED_1] = 0;
      words[(at + FLOW_RECORD.PORT) >> 2] = port;
      table.write(e, src, bytes, at + FLOW_RECORD.SRC_KIND, words, (at + FLOW_RECORD.SRC) >> 2);
      table.write(e, dst, bytes, at + FLOW_RECORD.DST_KIND, words, (at + FLOW_RECORD.DST) >> 2);
    }
  }

  /**
   * Decides the misses with `engines` (one per engine of the batch, in order) and puts their
   * verdict records in place; a service every engine answered (status OK) keeps its verdicts, so
   * that its next flows skip the cores. A refused flow is never remembered: its next flows are
   * decided (and refused) again. The flows some engine refused: in order (none was a hit).
   */
  decide(engines: readonly RecordDecider[]): number[] {
    const misses = this.misses;
    const refused: number[] = [];
    if (misses === 0) return refused;
    engines.forEach((engine, e) => {
      const verdicts = this.missVerdicts[e]!;
      engine.decideRecordsInto(this.records[e]!.subarray(0, misses * FLOW_RECORD_BYTES), new Uint8Array(verdicts.buffer, 0, misses * VERDICT_RECORD_BYTES));
    });
    for (let m = 0; m < misses; m++) {
      const i = this.missAt[m]!;
      let ok = true;
      for (let e = 0; e < this.engines; e++) {
        const from = m * VERDICT_WORDS;
        const to = i * VERDICT_WORDS;
        const source = this.missVerdicts[e]!;
        const target = this.verdictWords[e]!;
        for (let w = 0; w < VERDICT_WORDS; w++) target[to + w] = source[from + w]!;
        ok &&= (source[from]! & 0xff) === STATUS.OK;
      }
      if (!ok) {
        refused.push(i);
        continue;
      }
      const services = this.tables[i]!.services;
      const service = this.services[i]!;
      for (let e = 0; e < this.engines; e++) services.remember(service, e, this.missVerdicts[e]!, m, e === this.engines - 1);
    }
    this.misses = 0;
    return refused;
  }

  /** Flow i's entries, protocol code and port (its service's). */
  srcOf(i: number): number {
    return this.tables[i]!.services.srcOf(this.services[i]!);
  }

  dstOf(i: number): number {
    return this.tables[i]!.services.dstOf(this.services[i]!);
  }

  protocolOf(i: number): number {
    return this.tables[i]!.services.protocolOf(this.services[i]!);
  }

  portOf(i: number): number {
    return this.tables[i]!.services.portOf(this.services[i]!);
  }

  /** Flow i's endpoint texts, as a summary names them. */
  labelsOf(i: number): { src: string; dst: string } {
    const texts = this.tables[i]!.texts;
    return { src: texts[this.srcOf(i)]!, dst: texts[this.dstOf(i)]! };
  }

  /** Flow i's key in a summary's lists (KEY). */
  groupKeyOf(i: number, variant: number = KEY.GROUP): string {
    return this.tables[i]!.groupKey(this.services[i]!, variant);
  }

  /** Flow i's time and the end of its window, undefined when the line has none. */
  timeOf(i: number): number | undefined {
    const time = this.times[i]!;
    return Number.isNaN(time) ? undefined : time;
  }

  timeEndOf(i: number): number | undefined {
    const time = this.timeEnds[i]!;
    return Number.isNaN(time) ? undefined : time;
  }

  clear(): void {
    this.size = 0;
    this.misses = 0;
    this.tables.length = 0;
    this.files.length = 0;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const widen = <T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.records = this.records.map((old) => widen(old, (n) => new Uint8Array(n * FLOW_RECORD_BYTES)));
    this.recordWords = this.records.map((r) => new Uint32Array(r.buffer));
    this.missVerdicts = this.missVerdicts.map(() => new Uint32Array(capacity * VERDICT_WORDS));
    this.missAt = widen(this.missAt, (n) => new Int32Array(n));
    this.verdicts = this.verdicts.map((old) => widen(old, (n) => new Uint8Array(n * VERDICT_RECORD_BYTES)));
    this.verdictWords = this.verdicts.map((v) => new Uint32Array(v.buffer));
    this.lines = widen(this.lines, (n) => new Int32Array(n));
    this.observed = widen(this.observed, (n) => new Uint8Array(n));
    this.times = widen(this.times, (n) => new Float64Array(n));
    this.timeEnds = widen(this.timeEnds, (n) => new Float64Array(n));
    this.services = widen(this.services, (n) => new Int32Array(n));
    this.capacity = capacity;
  }
}
