/**
 * @module The records-first replay path's endpoints and fast paths: endpoint texts resolved once
 * per engine and remembered (EndpointRecords), with the conversations (conversations.ts) and the
 * distinct flows (flow-services.ts) between them; the batch the fast flows go in is
 * flow-record-batch.ts.
 *
 * A reader plugs in with a FastBytesReader (on a line's bytes): it reads a line in full, as its LineReader would, and hands the flow to the FlowSink only when
 * the line is well-formed and both endpoints resolve;
 * anything else (a malformed line, an ad-hoc pod, an endpoint a bundle refuses, another protocol)
 * it leaves to the LineReader, which answers it as it always has.
 */
import { ENDPOINT_BYTES } from '../compile/layout.js';
import type { EndpointResolver } from '../engine/endpoints.js';
import { AdhocTable, encodeEndpoint } from '../engine/flow-encoder.js';
import { DEFAULT_MAX_ENDPOINTS } from '../flow/endpoint-table.js';
import { FlowError } from '../model/errors.js';
import type { Protocol } from '../model/bundle.js';
import type { EndpointSpec } from '../model/flow.js';
import { Conversations } from './conversations.js';
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
  /** Bumped whenever entries are dropped (trim): an entry number kept elsewhere holds only while this is unchanged. */
  generation = 0;

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

  /**
   * The entry of `text`, or -1 when its lines must take the full path. The table keeps `text` as
   * it is: it must be a string of its own (asciiText's), not a slice of a larger one, which would
   * keep that alive (flow/endpoint-table.ts's detached).
   */
  entry(text: string, field: string): number {
    const known = this.entries.get(text);
    return known !== undefined ? known : this.add(text, field);
  }

  /**
   * The conversation between the endpoint texts at bytes [srcStart, srcEnd) and [dstStart, dstEnd),
   * whose conversationHash is `hash`, when it was met before; else -1 (newConversation makes it).
   * It changes nothing: a reader looks it up as soon as it has found the endpoints, so that the
   * lookup's cache misses overlap the reading of the line's other fields.
   */
  foundConversation(hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, dstStart: number, dstEnd: number): number {
    return this.conversations.find(hash, bytes, srcStart, srcEnd, dstStart, dstEnd);
  }

  /**
   * The conversation foundConversation did not find (same texts, fields `srcField` and `dstField`),
   * made from the entries of both texts (entry) once each is found plain (isPlainText); -1 when
   * either must take the full path. Its flows' services are conversationService's.
   */
  newConversation(hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, srcField: string, dstStart: number, dstEnd: number, dstField: string): number {
    // Readers check endpoint bytes only here: a conversation found has the bytes of one made after this check.
    if (!isPlainText(bytes, srcStart, srcEnd) || !isPlainText(bytes, dstStart, dstEnd)) return REFUSED;
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
    let spec: EndpointSpec;
    try {
      spec = this.decode(text, field);
    } catch (error) {
      if (error instanceof FlowError) return this.refuse(text);
      throw error;
    }
    return this.addDecoded(text, text, spec, field);
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

  /** True when the next trim numbers the services again (past a bound): counts held per service must be settled first. */
  get startsOver(): boolean {
    return this.services.size >= MAX_SERVICES || this.entries.size >= DEFAULT_MAX_ENDPOINTS;
  }

  /** Called between batches (entries stay valid within one): past a bound the table starts over. */
  trim(): void {
    if (!this.startsOver) return;
    // Conversations note services: they go too.
    this.services.clear();
    this.conversations.clear();
    if (this.entries.size < DEFAULT_MAX_ENDPOINTS) return;
    this.entries.clear();
    this.generation++;
    this.texts.length = 0;
    this.specs.length = 0;
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

/** Whether bytes [start, end) are printable ASCII without a double quote and without a space at either end. */
export function isPlainText(bytes: Uint8Array, start: number, end: number): boolean {
  if (end > start && (bytes[start] === 0x20 || bytes[end - 1] === 0x20)) return false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === 0x22 || byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

/** Bytes [start, end) of printable ASCII as a string of its own (decoded, not sliced: a table may keep it). */
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
  /**
   * `flow` for a flow whose service the reader found (EndpointRecords.conversationService): true
   * when it was counted per service (service-tally.ts), so that later flows of that service and
   * observed verdict may be handed over with `tallied` while the sink counts into the same tally
   * (`tally`, else the sink itself) and the table's services keep their numbers (FlowServices.epoch).
   */
  serviceFlow(table: EndpointRecords, service: number, line: number, observed: number, time: number, timeEnd: number): boolean;
  /** Flows of `table` by their tally index each (service * TALLY_STRIDE + observed, service-tally.ts), every one of a kind serviceFlow counted per service. */
  tallied(table: EndpointRecords, indexes: Int32Array): void;
  /** A well-formed reply line (counted, not judged). */
  reply(): void;
  /** Who the bundle knows, for formats whose ends are resolved in order (Hubble; see resolveEndpoint). */
  readonly directory?: EndpointDirectory;
  /**
   * What `serviceFlow` counts into, when it outlives the sink: replay --jobs' threads count a log's
   * parts, one sink each, into one tally, so what a reader learned was counted per service in one
   * part holds for the next.
   */
  readonly tally?: object;
}

/**
 * A format's fast path on the line's bytes [start, end) (no line feed, no carriage return before
 * it), for lines of printable ASCII only: no string is made for a line it takes. It must take a
 * line only when it gives the sink the flow, reply or nothing that the format's LineReader reads
 * in the line's text; false leaves the line to the LineReader. `chunk` is the serial of `bytes`
 * (byte-lines.ts): lines offered with the same serial are of the same bytes, unchanged since the
 * first of them was offered, so a reader may copy them once; a serial is never given again.
 */
export type FastBytesReader = (bytes: Uint8Array, start: number, end: number, line: number, sink: FlowSink, chunk: number) => boolean;

/** What a FastLinesReader took: how many lines, and the offset past the last one's line feed. */
export interface LinesTaken {
  lines: number;
  end: number;
}

/**
 * A format's fast path on many lines at once: the whole lines of `bytes` (serial `chunk`) from
 * `start`, the first numbered `line`, each taken exactly as its FastBytesReader would take it, in
 * order, up to the first that it would not take or that is longer than `maxLineBytes` (left, with
 * the rest, to the line by line path); what it took, in `taken`.
 */
export type FastLinesReader = (bytes: Uint8Array, start: number, line: number, sink: FlowSink, chunk: number, maxLineBytes: number, taken: LinesTaken) => void;
