/**
 * @module The fields of a Hubble flow a replay reads, as one flat shape: read from a parsed JSON
 * object here, or straight from the line's text by the field scanner (hubble-scan.ts). A record is
 * built from these fields only (hubble.ts), so both readings give the same record.
 */
import type { Protocol } from '../model/bundle.js';
import type { Observed } from './records.js';

type JSONObject = Record<string, unknown>;

/** One end of a flow (`source` or `destination`); every field undefined when the end is missing. */
export interface EndFields {
  /** `namespace`, `pod_name` and the first workload's `name`, when non-empty strings. */
  namespace: string | undefined;
  podName: string | undefined;
  workload: string | undefined;
  /**
   * The `labels` array as JSON text (any spelling of it), or "null" when there is no array: what
   * the end's ad-hoc pod depends on, parsed only the first time it is seen.
   */
  labels: string;
}

export interface FlowFields {
  /** `Type`, when a non-empty string. */
  type: string | undefined;
  /** The time value as given: the flow's, else the wrapper's (undefined when neither has one). */
  time: unknown;
  /** `IP.source` and `IP.destination`, when non-empty strings. */
  srcIP: string | undefined;
  dstIP: string | undefined;
  observed: Observed | undefined;
  /** `drop_reason_desc`, when a non-empty string. */
  dropReason: string | undefined;
  direction: 'ingress' | 'egress' | undefined;
  source: EndFields;
  destination: EndFields;
  /** The first of TCP, UDP, SCTP that `l4` has as an object. */
  protocol: Protocol | undefined;
  /** The first key of `l4` (what it carries instead, e.g. ICMPv4), when it is an object. */
  firstL4: string | undefined;
  /** `destination_port` of the protocol's header, as given. */
  port: unknown;
  /** The protocol header's flags have both SYN and ACK true. */
  synAck: boolean;
  /** `is_reply` when a boolean; `reply` is the deprecated field, true or not. */
  isReply: boolean | undefined;
  reply: boolean;
}

export const L4_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export const OBSERVED: ReadonlyMap<unknown, Observed> = new Map([
  ['FORWARDED', 'allowed'],
  ['DROPPED', 'denied'],
]);

export const DIRECTIONS: ReadonlyMap<unknown, 'ingress' | 'egress'> = new Map([
  ['INGRESS', 'ingress'],
  ['EGRESS', 'egress'],
]);

/** The fields of a parsed flow object; `time` is the time value to use. */
export function fieldsOfObject(flow: JSONObject, time: unknown): FlowFields {
  const ip = objectOf(flow.IP);
  const l4 = objectOf(flow.l4);
  const protocol = l4 === undefined ? undefined : L4_PROTOCOLS.find((name) => objectOf(l4[name]) !== undefined);
  const ports = protocol === undefined ? undefined : objectOf(l4![protocol]);
  const flags = objectOf(ports?.flags);
  return {
    type: stringOf(flow.Type),
    time,
    srcIP: stringOf(ip?.source),
    dstIP: stringOf(ip?.destination),
    observed: OBSERVED.get(flow.verdict),
    dropReason: stringOf(flow.drop_reason_desc),
    direction: DIRECTIONS.get(flow.traffic_direction),
    source: endOf(objectOf(flow.source)),
    destination: endOf(objectOf(flow.destination)),
    protocol,
    firstL4: l4 === undefined ? undefined : Object.keys(l4)[0],
    port: ports?.destination_port,
    synAck: flags?.SYN === true && flags.ACK === true,
    isReply: typeof flow.is_reply === 'boolean' ? flow.is_reply : undefined,
    reply: flow.reply === true,
  };
}

function endOf(end: JSONObject | undefined): EndFields {
  const workloads = Array.isArray(end?.workloads) ? end.workloads : [];
  return {
    namespace: stringOf(end?.namespace),
    podName: stringOf(end?.pod_name),
    workload: stringOf(objectOf(workloads[0])?.name),
    labels: Array.isArray(end?.labels) ? JSON.stringify(end.labels) : 'null',
  };
}

export function objectOf(value: unknown): JSONObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JSONObject) : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
