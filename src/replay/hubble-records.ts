/**
 * @module Hubble's records-first fast path (flow-records.ts): a judged flow line whose fields the
 * scanner reads (hubble-scan.ts), and whose ends resolve, becomes a flow record without a record
 * object, a Flow or a resolved spec per line. Each end is resolved once, in replay's resolution
 * order (pod name, address, labels), and remembered by its address and the fields that name it;
 * a line whose ends need labels to resolve (an unknown pod), that the scanner does not take, that
 * is no judged flow or reply, or that would be an error is left to readHubbleLine, in its place.
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import { DEFAULT_MAX_ENDPOINTS, detached } from '../flow/endpoint-table.js';
import { FlowError } from '../model/errors.js';
import type { EndpointSpec } from '../model/flow.js';
import type { EndFields } from './hubble-fields.js';
import { adhocOf, labelOf, specOf } from './hubble.js';
import { scanHubbleFlow } from './hubble-scan.js';
import { OBSERVED_CODE, type EndpointDecoder, type EndpointRecords, type FastLineReader } from './flow-records.js';
import { LineError } from './records.js';
import { parseTimeValue } from './record-time.js';
import { resolveEndpoint, type EndpointDirectory } from './replay.js';

/**
 * The identity of Hubble's endpoint table among a replay's tables. Hubble's ends are not texts:
 * they are added decoded (EndpointRecords.addDecoded), never through a decoder.
 */
const HUBBLE_ENDS: EndpointDecoder = () => {
  throw new Error('replay bug: Hubble endpoints are added decoded, not by text');
};

const PROTOCOL_CODES = { TCP: PROTOCOL_CODE.TCP, UDP: PROTOCOL_CODE.UDP, SCTP: PROTOCOL_CODE.SCTP } as const;

/** One end as a log names it, and its entry (-1: its lines take the object path). */
interface KnownEnd {
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

/** The ends of one endpoint table, resolved with one directory, by address. Bounded. */
class HubbleEnds {
  private readonly byIP = new Map<string, KnownEnd[]>();
  private size = 0;

  constructor(
    readonly table: EndpointRecords,
    readonly directory: EndpointDirectory,
  ) {}

  /** The entry of `end` at `ip`, or -1 when its line must take the object path. */
  entry(end: EndFields, ip: string, field: 'source' | 'destination'): number {
    const known = this.byIP.get(ip);
    if (known !== undefined) {
      for (const k of known) {
        if (k.namespace !== end.namespace || k.podName !== end.podName || k.workload !== end.workload) continue;
        if (k.entry >= 0 && (this.table.texts[k.entry] !== k.label || this.table.specs[k.entry] !== k.spec)) break;
        // A namespaced end's labels must read as an ad-hoc pod, as readHubbleLine reads them, even when they decide nothing.
        if (k.labels !== end.labels && end.namespace !== undefined) {
          if (!readable(end, field)) return -1;
          k.labels = detached(end.labels);
        }
        return k.entry;
      }
    }
    return this.add(end, ip, field);
  }

  private add(end: EndFields, ip: string, field: 'source' | 'destination'): number {
    let spec: EndpointSpec;
    try {
      spec = resolveEndpoint(specOf(end, ip, field, `IP.${field}`), ip, adhocOf(end, field), this.directory);
    } catch (error) {
      // Errors are never remembered: each such line is reported by the object path.
      if (error instanceof FlowError || error instanceof LineError) return -1;
      throw error;
    }
    if (this.size >= DEFAULT_MAX_ENDPOINTS) {
      this.byIP.clear();
      this.size = 0;
    }
    const own = detached(ip);
    const namespace = end.namespace === undefined ? undefined : detached(end.namespace);
    const podName = end.podName === undefined ? undefined : detached(end.podName);
    const workload = end.workload === undefined ? undefined : detached(end.workload);
    const label = detached(labelOf(end, ip));
    const key = `${field}\u0000${namespace ?? ''}\u0000${podName ?? ''}\u0000${workload ?? ''}\u0000${own}`;
    const entry = spec.kind === 'adhoc' ? -1 : this.table.addDecoded(key, label, spec, field);
    const known: KnownEnd = { namespace, podName, workload, labels: detached(end.labels), entry, label, spec: entry >= 0 ? spec : undefined };
    const list = this.byIP.get(own);
    if (list === undefined) this.byIP.set(own, [known]);
    // A stale end of the same name is replaced.
    else list.splice(0, list.length, ...list.filter((k) => k.namespace !== namespace || k.podName !== podName || k.workload !== workload), known);
    this.size++;
    return entry;
  }
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

/** A Hubble line as readHubbleLine reads it, given to the sink when it is a judged flow whose ends resolve, or a reply. */
export const readHubbleFast: FastLineReader = (text, line, sink) => {
  const directory = sink.directory;
  if (directory === undefined) return false;
  const flow = scanHubbleFlow(text);
  if (flow === undefined || flow.type !== 'L3_L4' || flow.protocol === undefined) return false;
  const { srcIP, dstIP } = flow;
  if (srcIP === undefined || dstIP === undefined) return false;
  let time: number | undefined;
  try {
    time = parseTimeValue(flow.time, 'time');
  } catch (error) {
    if (error instanceof LineError) return false;
    throw error;
  }
  if (flow.isReply ?? (flow.reply || flow.synAck)) {
    sink.reply();
    return true;
  }
  const port = flow.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return false;

  const table = sink.endpoints(HUBBLE_ENDS);
  let ends = last;
  if (ends === undefined || ends.table !== table || ends.directory !== directory) {
    ends = endsOf.get(table);
    if (ends === undefined || ends.directory !== directory) endsOf.set(table, (ends = new HubbleEnds(table, directory)));
    last = ends;
  }
  const src = ends.entry(flow.source, srcIP, 'source');
  if (src < 0) return false;
  const dst = ends.entry(flow.destination, dstIP, 'destination');
  if (dst < 0) return false;
  const observed = flow.observed === 'allowed' ? OBSERVED_CODE.ALLOWED : flow.observed === 'denied' ? OBSERVED_CODE.DENIED : OBSERVED_CODE.NONE;
  sink.flow(table, src, dst, PROTOCOL_CODES[flow.protocol], port, line, observed, time ?? NaN, NaN);
  return true;
};
