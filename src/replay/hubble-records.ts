/**
 * @module Hubble's records-first fast path on bytes (flow-records.ts, byte-lines.ts): a judged
 * flow line that the one-pass scanner takes (hubble-line-scan.ts), and whose ends resolve, becomes
 * a flow record without a string, a record object, a Flow or a resolved spec per line. Each end
 * is resolved once, in replay's resolution order (pod name, address, labels), and remembered by
 * the bytes of its address and end object, which the scanner finds in place (a line's names and
 * labels are read only when those bytes are new for that end). A line whose ends need labels to resolve (an
 * unknown pod), that the scanner does not take, that is no judged flow or reply, or that would be
 * an error is left to readHubbleLine, in its place. Lines are read many at a time
 * (readHubbleLines), the scanner finding their ends, and one at a time (readHubbleBytes) where it
 * stops.
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import { DEFAULT_MAX_ENDPOINTS } from '../flow/endpoint-table.js';
import { FlowError } from '../model/errors.js';
import type { EndpointSpec } from '../model/flow.js';
import type { EndFields } from './hubble-fields.js';
import { adhocOf, labelOf, specOf } from './hubble.js';
import { END, F, LINE, lineScanner, RESULT } from './hubble-line-scan.js';
import type { HubbleScanner } from './hubble-wasm.js';
import { NOT_A_TIME, timeOfBytes } from './byte-fields.js';
import { asciiText, OBSERVED_CODE, type EndpointDecoder, type EndpointRecords, type FastBytesReader, type FastLinesReader, type FlowSink } from './flow-records.js';
import { LineError } from './records.js';
import { resolveEndpoint, type EndpointDirectory } from './endpoint-directory.js';

/**
 * The identity of Hubble's endpoint table among a replay's tables. Hubble's ends are not texts:
 * they are added decoded (EndpointRecords.addDecoded), never through a decoder.
 */
const HUBBLE_ENDS: EndpointDecoder = () => {
  throw new Error('replay bug: Hubble endpoints are added decoded, not by text');
};

/** What the scanner remembers of an end whose names are an error, or of an ad-hoc pod: its lines take the object path (-1 is an end not met). */
const OBJECT_PATH = -2;

function textAt(bytes: Uint8Array, fields: Int32Array, slot: number): string | undefined {
  const start = fields[slot]!;
  return start < 0 ? undefined : asciiText(bytes, start, fields[slot + 1]!);
}

/** Whether bytes[fields[slot], fields[slot + 1]) are `value`. */
function isAt(bytes: Uint8Array, fields: Int32Array, slot: number, value: Uint8Array): boolean {
  const start = fields[slot]!;
  if (start < 0 || fields[slot + 1]! - start !== value.length) return false;
  for (let i = 0; i < value.length; i++) if (bytes[start + i] !== value[i]) return false;
  return true;
}

/**
 * The ends of one endpoint table, resolved with one directory. An end is remembered by its bytes
 * in the scanner (hubble-line-scan.ts), which finds them in place: its address and its whole end
 * object (names, labels and all), so that the same bytes are the same end; other bytes of the
 * same names find its entry by their names (byKey), so that an end has one entry. Bounded.
 */
class HubbleEnds {
  /** The scanner of this table's lines, remembering each end's entry (or OBJECT_PATH). */
  readonly scanner: HubbleScanner = lineScanner();
  private readonly byKey = new Map<string, number>();
  /** The table's generation the entries in `known` and `byKey` are of. */
  private generation: number;

  constructor(
    readonly table: EndpointRecords,
    readonly directory: EndpointDirectory,
  ) {
    this.generation = table.generation;
  }

  /** Forgets every end when the table dropped its entries since they were resolved (call after a scan, before `entry`). */
  keepCurrent(): void {
    if (this.generation === this.table.generation) return;
    this.generation = this.table.generation;
    this.scanner.clear();
    this.byKey.clear();
  }

  /** The entry of the scanned end at `end` (its base in the scanner's fields), address at `ipSlot`; negative when its line must take the object path. */
  entry(bytes: Uint8Array, end: number, ipSlot: number, side: 0 | 1): number {
    const known = this.scanner.result[side === 0 ? RESULT.SOURCE_ID : RESULT.DESTINATION_ID]!;
    if (known !== -1) return known;
    const entry = this.resolve(bytes, end, ipSlot, side === 0 ? 'source' : 'destination');
    this.scanner.remember(side, entry);
    return entry;
  }

  /**
   * The entry of the end read from its names, as readHubbleLine reads it; OBJECT_PATH for an ad-hoc
   * pod, and when that is an error (it is one for these bytes every time: its lines go on taking
   * the object path, which reports them).
   */
  private resolve(bytes: Uint8Array, end: number, ipSlot: number, field: 'source' | 'destination'): number {
    const fields = this.scanner.fields;
    const ip = textAt(bytes, fields, ipSlot)!;
    const name = (slot: number): string | undefined => textAt(bytes, fields, end + slot);
    const fieldsOfEnd: EndFields = { namespace: name(END.NAMESPACE), podName: name(END.POD), workload: name(END.WORKLOAD), labels: name(END.LABELS) ?? 'null' };
    let spec: EndpointSpec;
    try {
      // adhocOf reads the labels (and throws on unreadable ones) even when they decide nothing, as readHubbleLine does.
      spec = resolveEndpoint(specOf(fieldsOfEnd, ip, field, `IP.${field}`), ip, adhocOf(fieldsOfEnd, field), this.directory);
    } catch (error) {
      if (error instanceof FlowError || error instanceof LineError) return OBJECT_PATH;
      throw error;
    }
    const { namespace, podName, workload } = fieldsOfEnd;
    const key = `${field}\u0000${namespace ?? ''}\u0000${podName ?? ''}\u0000${workload ?? ''}\u0000${ip}`;
    const named = this.byKey.get(key);
    if (named !== undefined) return named;
    if (this.byKey.size >= DEFAULT_MAX_ENDPOINTS) this.byKey.clear();
    const entry = spec.kind === 'adhoc' ? OBJECT_PATH : this.table.addDecoded(key, labelOf(fieldsOfEnd, ip), spec, field);
    this.byKey.set(key, entry);
    return entry;
  }
}

const endsByTable = new WeakMap<EndpointRecords, HubbleEnds>();
let last: HubbleEnds | undefined;
const L4_CODES = [PROTOCOL_CODE.TCP, PROTOCOL_CODE.UDP, PROTOCOL_CODE.SCTP];
const ascii = new TextEncoder();
const L3_L4 = ascii.encode('L3_L4');
const FORWARDED = ascii.encode('FORWARDED');
const DROPPED = ascii.encode('DROPPED');

/** The ends of the sink's Hubble table resolved with `directory`. */
function endsOf(sink: FlowSink, directory: EndpointDirectory): HubbleEnds {
  const table = sink.endpoints(HUBBLE_ENDS);
  let ends = last;
  if (ends === undefined || ends.table !== table || ends.directory !== directory) {
    ends = endsByTable.get(table);
    if (ends === undefined || ends.directory !== directory) endsByTable.set(table, (ends = new HubbleEnds(table, directory)));
    last = ends;
  }
  return ends;
}

/** A Hubble line's bytes as readHubbleLine reads their text, given to the sink when it is a judged flow whose ends resolve, or a reply. */
export const readHubbleBytes: FastBytesReader = (bytes, start, end, line, sink, chunk) => {
  const directory = sink.directory;
  if (directory === undefined) return false;
  const ends = endsOf(sink, directory);
  const table = ends.table;
  const scanner = ends.scanner;
  if (!scanner.scan(bytes, start, end, chunk)) return false;
  const fields = scanner.fields;
  const base = scanner.result[RESULT.BASE]!;
  if (!isAt(bytes, fields, base + F.TYPE, L3_L4) || fields[base + F.SRC_IP]! < 0 || fields[base + F.DST_IP]! < 0) return false;
  // The first of TCP, UDP, SCTP given as an object.
  let protocol = 0;
  while (protocol < 3 && fields[base + F.L4 + 4 * protocol] !== 1) protocol++;
  if (protocol === 3) return false;
  const l4 = base + F.L4 + 4 * protocol;
  // The flow's time, else the wrapper's.
  const timeBase = fields[base + F.TIME_KIND]! === 2 || base === 0 ? base : 0;
  let time = NaN;
  if (fields[timeBase + F.TIME_KIND] === 2 && fields[timeBase + F.TIME]! >= 0) {
    time = timeOfBytes(bytes, fields[timeBase + F.TIME]!, fields[timeBase + F.TIME + 1]!, 'time');
    if (time === NOT_A_TIME) return false;
  }
  const isReply = fields[base + F.IS_REPLY]!;
  if (isReply === 1 || (isReply < 0 && (fields[base + F.REPLY] === 1 || (fields[l4 + 2] === 1 && fields[l4 + 3] === 1)))) {
    sink.reply();
    return true;
  }
  const port = fields[l4 + 1]!;
  if (port < 1 || port > 65535) return false;

  const observed = isAt(bytes, fields, base + F.VERDICT, FORWARDED) ? OBSERVED_CODE.ALLOWED : isAt(bytes, fields, base + F.VERDICT, DROPPED) ? OBSERVED_CODE.DENIED : OBSERVED_CODE.NONE;
  // Remembering an end may grow the scanner's memory: `fields` is not read past here.
  ends.keepCurrent();
  const src = ends.entry(bytes, base + F.ENDS, base + F.SRC_IP, 0);
  if (src < 0) return false;
  const dst = ends.entry(bytes, base + F.ENDS + END.STRIDE, base + F.DST_IP, 1);
  if (dst < 0) return false;
  sink.flow(table, src, dst, L4_CODES[protocol]!, port, line, observed, time, NaN);
  return true;
};

/**
 * readHubbleBytes on the whole lines of `bytes` from `start`, many at once: the scanner finds
 * their ends and reads them (core-as/hubble/lines.ts) up to a line it leaves to readHubbleBytes
 * (one it does not take, no judged flow or reply, an end not met before or for the object path, a
 * port out of range), or one whose time is none (which readHubbleBytes leaves too).
 */
export const readHubbleLines: FastLinesReader = (bytes, start, line, sink, chunk, maxLineBytes, taken) => {
  taken.lines = 0;
  taken.end = start;
  const directory = sink.directory;
  if (directory === undefined) return;
  const ends = endsOf(sink, directory);
  ends.keepCurrent();
  const { table, scanner } = ends;
  let number = line;
  for (;;) {
    const count = scanner.scanLines(bytes, taken.end, chunk, maxLineBytes);
    const lines = scanner.lines;
    for (let at = LINE.FIRST; at < LINE.FIRST + count * LINE.STRIDE; at += LINE.STRIDE) {
      let time = NaN;
      const timeStart = lines[at + LINE.TIME]!;
      if (timeStart >= 0) {
        time = timeOfBytes(bytes, timeStart, lines[at + LINE.TIME + 1]!, 'time');
        if (time === NOT_A_TIME) {
          taken.lines = number - line;
          taken.end = lines[at + LINE.START]!;
          return;
        }
      }
      const observed = lines[at + LINE.OBSERVED]!;
      if (observed === LINE.REPLY) sink.reply();
      else sink.flow(table, lines[at + LINE.SOURCE]!, lines[at + LINE.DESTINATION]!, L4_CODES[lines[at + LINE.PROTOCOL]!]!, lines[at + LINE.PORT]!, number, observed, time, NaN);
      number++;
    }
    taken.lines = number - line;
    taken.end = lines[LINE.END]!;
    if (count < scanner.maxLines) return;
  }
};
