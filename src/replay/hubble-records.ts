/**
 * @module Hubble's records-first fast path (flow-records.ts): a judged flow line that the one-pass
 * scanner takes (hubble-line-scan.ts), and whose ends resolve, becomes a flow record without a
 * string, a record object, a Flow or a resolved spec per line. Each end is resolved once, in
 * replay's resolution order (pod name, address, labels), and remembered by its address and the
 * names it is given, compared in place (labels are read only when they are new for that end);
 * a line whose ends need labels to resolve (an unknown pod), that the scanner does not take, that
 * is no judged flow or reply, or that would be an error is left to readHubbleLine, in its place.
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import { DEFAULT_MAX_ENDPOINTS, detached } from '../flow/endpoint-table.js';
import { FlowError } from '../model/errors.js';
import type { EndpointSpec } from '../model/flow.js';
import type { EndFields } from './hubble-fields.js';
import { adhocOf, labelOf, specOf } from './hubble.js';
import { END, F, fields, flowAt, scanLine } from './hubble-line-scan.js';
import { OBSERVED_CODE, type EndpointDecoder, type EndpointRecords, type FastLineReader } from './flow-records.js';
import { LineError } from './records.js';
import { parseTimeText } from './record-time.js';
import { resolveEndpoint, type EndpointDirectory } from './endpoint-directory.js';

/**
 * The identity of Hubble's endpoint table among a replay's tables. Hubble's ends are not texts:
 * they are added decoded (EndpointRecords.addDecoded), never through a decoder.
 */
const HUBBLE_ENDS: EndpointDecoder = () => {
  throw new Error('replay bug: Hubble endpoints are added decoded, not by text');
};

/** One end as a log names it, and its entry (-1: its lines take the object path). */
interface KnownEnd {
  readonly ip: string;
  readonly namespace: string | undefined;
  readonly podName: string | undefined;
  readonly workload: string | undefined;
  /** A labels text known to be readable (it only decides the end when the entry is -1). */
  labels: string;
  readonly entry: number;
  /** The entry's label and spec when added: an entry the table has since dropped no longer has both. */
  readonly label: string | undefined;
  readonly spec: EndpointSpec | undefined;
}

/** Whether text[fields[slot]], fields[slot + 1]) is `value` (undefined: no such field). */
function isAt(text: string, slot: number, value: string | undefined): boolean {
  const start = fields[slot]!;
  if (value === undefined) return start < 0;
  if (start < 0 || fields[slot + 1]! - start !== value.length) return false;
  for (let i = 0; i < value.length; i++) if (text.charCodeAt(start + i) !== value.charCodeAt(i)) return false;
  return true;
}

function sliceAt(text: string, slot: number): string | undefined {
  const start = fields[slot]!;
  return start < 0 ? undefined : text.slice(start, fields[slot + 1]);
}

/** A hash (FNV-1a) of the text at the positions in `fields` at `slot`, computed in place. */
function hashAt(text: string, slot: number): number {
  let hash = 0x811c9dc5;
  for (let at = fields[slot]!, end = fields[slot + 1]!; at < end; at++) hash = Math.imul(hash ^ text.charCodeAt(at), 0x01000193);
  // 30 bits: a small integer, which a Map keys without allocating.
  return hash & 0x3fffffff;
}

/** The ends of one endpoint table, resolved with one directory, by a hash of their address (the names are compared in place). Bounded. */
class HubbleEnds {
  private readonly byHash = new Map<number, KnownEnd[]>();
  private size = 0;

  constructor(
    readonly table: EndpointRecords,
    readonly directory: EndpointDirectory,
  ) {}

  /** The entry of the scanned end at `end` (its base in `fields`), address at `ipSlot`; -1 when its line must take the object path. */
  entry(text: string, end: number, ipSlot: number, field: 'source' | 'destination'): number {
    const hash = hashAt(text, ipSlot);
    const known = this.byHash.get(hash);
    if (known !== undefined) {
      for (const k of known) {
        if (!isAt(text, ipSlot, k.ip) || !isAt(text, end + END.NAMESPACE, k.namespace) || !isAt(text, end + END.POD, k.podName) || !isAt(text, end + END.WORKLOAD, k.workload)) continue;
        if (k.entry >= 0 && (this.table.texts[k.entry] !== k.label || this.table.specs[k.entry] !== k.spec)) break;
        // A namespaced end's labels must read as an ad-hoc pod, as readHubbleLine reads them, even when they decide nothing.
        if (k.namespace !== undefined && !isLabels(text, end, k.labels)) {
          const labels = labelsAt(text, end);
          if (!readable({ namespace: k.namespace, podName: k.podName, workload: k.workload, labels }, field)) return -1;
          k.labels = detached(labels);
        }
        return k.entry;
      }
    }
    return this.add(text, end, ipSlot, field, hash);
  }

  private add(text: string, end: number, ipSlot: number, field: 'source' | 'destination', hash: number): number {
    const ip = detached(sliceAt(text, ipSlot)!);
    const named = (slot: number): string | undefined => {
      const value = sliceAt(text, end + slot);
      return value === undefined ? undefined : detached(value);
    };
    const fieldsOfEnd: EndFields = { namespace: named(END.NAMESPACE), podName: named(END.POD), workload: named(END.WORKLOAD), labels: detached(labelsAt(text, end)) };
    let spec: EndpointSpec;
    try {
      spec = resolveEndpoint(specOf(fieldsOfEnd, ip, field, `IP.${field}`), ip, adhocOf(fieldsOfEnd, field), this.directory);
    } catch (error) {
      // Errors are never remembered: each such line is reported by the object path.
      if (error instanceof FlowError || error instanceof LineError) return -1;
      throw error;
    }
    if (this.size >= DEFAULT_MAX_ENDPOINTS) {
      this.byHash.clear();
      this.size = 0;
    }
    const { namespace, podName, workload, labels } = fieldsOfEnd;
    const label = detached(labelOf(fieldsOfEnd, ip));
    const key = `${field}\u0000${namespace ?? ''}\u0000${podName ?? ''}\u0000${workload ?? ''}\u0000${ip}`;
    const entry = spec.kind === 'adhoc' ? -1 : this.table.addDecoded(key, label, spec, field);
    const known: KnownEnd = { ip, namespace, podName, workload, labels, entry, label, spec: entry >= 0 ? spec : undefined };
    const same = (k: KnownEnd): boolean => k.ip === ip && k.namespace === namespace && k.podName === podName && k.workload === workload;
    // A stale end of the same names is replaced.
    this.byHash.set(hash, [...(this.byHash.get(hash) ?? []).filter((k) => !same(k)), known]);
    this.size++;
    return entry;
  }
}

/** The end's labels text as the field scanner keeps it ("null" without an array). */
function labelsAt(text: string, end: number): string {
  return sliceAt(text, end + END.LABELS) ?? 'null';
}

function isLabels(text: string, end: number, labels: string): boolean {
  return fields[end + END.LABELS]! < 0 ? labels === 'null' : isAt(text, end + END.LABELS, labels);
}

/** Whether the end's labels read as an ad-hoc pod without error. */
function readable(end: EndFields, field: string): boolean {
  try {
    adhocOf(end, field);
    return true;
  } catch (error) {
    if (error instanceof FlowError || error instanceof LineError) return false;
    throw error;
  }
}

const endsOf = new WeakMap<EndpointRecords, HubbleEnds>();
let last: HubbleEnds | undefined;
const L4_CODES = [PROTOCOL_CODE.TCP, PROTOCOL_CODE.UDP, PROTOCOL_CODE.SCTP];

/** A Hubble line as readHubbleLine reads it, given to the sink when it is a judged flow whose ends resolve, or a reply. */
export const readHubbleFast: FastLineReader = (text, line, sink) => {
  const directory = sink.directory;
  if (directory === undefined || !scanLine(text)) return false;
  const base = flowAt();
  if (!isAt(text, base + F.TYPE, 'L3_L4') || fields[base + F.SRC_IP]! < 0 || fields[base + F.DST_IP]! < 0) return false;
  // The first of TCP, UDP, SCTP given as an object.
  let protocol = 0;
  while (protocol < 3 && fields[base + F.L4 + 4 * protocol] !== 1) protocol++;
  if (protocol === 3) return false;
  const l4 = base + F.L4 + 4 * protocol;
  // The flow's time, else the wrapper's.
  const timeBase = fields[base + F.TIME_KIND]! === 2 || base === 0 ? base : 0;
  let time = NaN;
  if (fields[timeBase + F.TIME_KIND] === 2 && fields[timeBase + F.TIME]! >= 0) {
    try {
      time = parseTimeText(sliceAt(text, timeBase + F.TIME), 'time')!;
    } catch (error) {
      if (error instanceof LineError) return false;
      throw error;
    }
  }
  const isReply = fields[base + F.IS_REPLY]!;
  if (isReply === 1 || (isReply < 0 && (fields[base + F.REPLY] === 1 || (fields[l4 + 2] === 1 && fields[l4 + 3] === 1)))) {
    sink.reply();
    return true;
  }
  const port = fields[l4 + 1]!;
  if (port < 1 || port > 65535) return false;

  const table = sink.endpoints(HUBBLE_ENDS);
  let ends = last;
  if (ends === undefined || ends.table !== table || ends.directory !== directory) {
    ends = endsOf.get(table);
    if (ends === undefined || ends.directory !== directory) endsOf.set(table, (ends = new HubbleEnds(table, directory)));
    last = ends;
  }
  const src = ends.entry(text, base + F.ENDS, base + F.SRC_IP, 'source');
  if (src < 0) return false;
  const dst = ends.entry(text, base + F.ENDS + END.STRIDE, base + F.DST_IP, 'destination');
  if (dst < 0) return false;
  const observed = isAt(text, base + F.VERDICT, 'FORWARDED') ? OBSERVED_CODE.ALLOWED : isAt(text, base + F.VERDICT, 'DROPPED') ? OBSERVED_CODE.DENIED : OBSERVED_CODE.NONE;
  sink.flow(table, src, dst, L4_CODES[protocol]!, port, line, observed, time, NaN);
  return true;
};
