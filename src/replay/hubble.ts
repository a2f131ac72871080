/**
 * @module Hubble flow logs: the output of `hubble observe -o json`, one JSON object per line, in
 * the JSON mapping of Cilium's api/v1/flow/flow.proto (proto field names, enum names, zero values
 * left out). Each line wraps a flow as `{"flow": {...}, "node_name": ..., "time": ...}`; older
 * Hubble CLIs print the flow object itself, which is read too. A record's time is the flow's `time`
 * (RFC 3339, nanoseconds), else the wrapper's (record-time.ts; reports show milliseconds).
 *
 * Which records are judged: L3_L4 flows over TCP, UDP or SCTP that are not replies. Replies are
 * told by `is_reply` whenever it is present (Hubble sets it from connection tracking, so it wins
 * over anything else). Without it (policy-verdict events, older agents) the deprecated
 * `reply: true` counts, then the TCP flags: SYN with ACK is the server's answer, a reply; anything
 * else, SYN alone included, is taken as the forward direction, since policy-verdict and drop events
 * are about connection attempts.
 */
import { decodeEndpoint } from '../flow/decode.js';
import { DEFAULT_MAX_ENDPOINTS, EndpointTable } from '../flow/endpoint-table.js';
import type { Protocol } from '../model/bundle.js';
import type { AdHocPod, EndpointSpec } from '../model/flow.js';
import { parseTimeValue } from './record-time.js';
import { LineError, parseJSONObject, type LogRecord, type Observed } from './records.js';

type JSONObject = Record<string, unknown>;

/** Response types of the observer API that are not flows: nothing to judge. */
const OTHER_EVENTS = ['node_status', 'lost_events', 'agent_event', 'debug_event'];

/** Keys only a flow object has; how a flow printed without its wrapper is recognised. */
const FLOW_KEYS = ['IP', 'l4', 'Type', 'verdict', 'event_type'];

const L4_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

const OBSERVED: ReadonlyMap<unknown, Observed> = new Map([
  ['FORWARDED', 'allowed'],
  ['DROPPED', 'denied'],
]);

const DIRECTIONS: ReadonlyMap<unknown, 'ingress' | 'egress'> = new Map([
  ['INGRESS', 'ingress'],
  ['EGRESS', 'egress'],
]);

/** True when a parsed line is Hubble output: a wrapped flow, another observer event, or a bare flow. */
export function isHubbleObject(object: JSONObject): boolean {
  return [...OTHER_EVENTS, 'flow', ...FLOW_KEYS].some((key) => Object.hasOwn(object, key));
}

/** Hubble lines are independent of each other: one reader serves any number of inputs. */
export function readHubbleLine(text: string, line: number): LogRecord {
  const object = parseJSONObject(text);
  const wrapped = objectOf(object.flow);
  if (wrapped !== undefined) return readFlow(wrapped, line, wrapped.time ?? object.time);
  const event = OTHER_EVENTS.find((key) => Object.hasOwn(object, key));
  if (event !== undefined) return { line, kind: 'skipped', reason: `${event} event` };
  if (FLOW_KEYS.some((key) => Object.hasOwn(object, key))) return readFlow(object, line, object.time);
  throw new LineError('not a Hubble flow: expected {"flow": {...}} or a flow object with "IP", "l4" and "Type"');
}

function readFlow(flow: JSONObject, line: number, timeValue: unknown): LogRecord {
  const type = flow.Type;
  if (type !== 'L3_L4') return { line, kind: 'skipped', reason: `flow type ${stringOf(type) ?? 'UNKNOWN_TYPE'}` };
  const time = parseTimeValue(timeValue, 'time');

  const ip = objectOf(flow.IP);
  const srcIP = stringOf(ip?.source);
  const dstIP = stringOf(ip?.destination);
  if (srcIP === undefined || dstIP === undefined) throw new LineError('IP: no source and destination addresses');
  const source = objectOf(flow.source);
  const destination = objectOf(flow.destination);
  const observed = OBSERVED.get(flow.verdict);
  const dropReason = observed === 'denied' ? stringOf(flow.drop_reason_desc) : undefined;
  const direction = DIRECTIONS.get(flow.traffic_direction);
  const srcLabel = labelOf(source, srcIP);
  const dstLabel = labelOf(destination, dstIP);

  const l4 = objectOf(flow.l4);
  let protocol: (typeof L4_PROTOCOLS)[number] | undefined;
  for (const name of L4_PROTOCOLS) {
    if (objectOf(l4?.[name]) !== undefined) {
      protocol = name;
      break;
    }
  }
  // Records are written out field by field: spreading a shared part costs more than the rest of the line.
  if (protocol === undefined) {
    const other = l4 === undefined ? undefined : Object.keys(l4)[0];
    const reason = other ?? 'no TCP, UDP or SCTP header';
    return { line, time, observed, dropReason, direction, srcLabel, dstLabel, kind: 'not-applicable', reason };
  }
  const ports = objectOf(l4![protocol])!;
  if (isReply(flow, ports)) return { line, time, observed, dropReason, direction, srcLabel, dstLabel, kind: 'reply' };

  const port = ports.destination_port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    const given = port === undefined ? 'missing' : JSON.stringify(port);
    throw new LineError(`l4.${protocol}.destination_port: ${given}, not a port (1-65535)`);
  }
  return {
    line,
    time,
    observed,
    dropReason,
    direction,
    srcLabel,
    dstLabel,
    kind: 'flow',
    flow: { src: specOf(source, srcIP, 'source'), dst: specOf(destination, dstIP, 'destination'), protocol, port },
    srcAdhoc: adhocOf(source, 'source'),
    dstAdhoc: adhocOf(destination, 'destination'),
    srcIP,
    dstIP,
  };
}

function isReply(flow: JSONObject, ports: JSONObject): boolean {
  if (typeof flow.is_reply === 'boolean') return flow.is_reply;
  if (flow.reply === true) return true;
  const flags = objectOf(ports.flags);
  return flags?.SYN === true && flags.ACK === true;
}

/** A pod by name when Hubble knows it (the bundle may know it too), otherwise the address. */
function specOf(end: JSONObject | undefined, ip: string, field: string): EndpointSpec {
  const namespace = stringOf(end?.namespace);
  const pod = stringOf(end?.pod_name);
  if (namespace !== undefined && pod !== undefined) return endpoints.get(`${namespace}/${pod}`, field);
  return endpoints.get(ip, `IP.${field}`);
}

/** Pod names and addresses seen before, and ad-hoc pods by their namespace and raw identity labels. */
const endpoints = new EndpointTable(decodeEndpoint);
const adhocs = new Map<string, AdHocPod | undefined>();

/** "namespace/workload" reads better in a summary than a pod name with its hash suffixes. */
function labelOf(end: JSONObject | undefined, ip: string): string {
  const namespace = stringOf(end?.namespace);
  const workloads = Array.isArray(end?.workloads) ? end.workloads : [];
  const name = stringOf(objectOf(workloads[0])?.name) ?? stringOf(end?.pod_name);
  return namespace !== undefined && name !== undefined ? `${namespace}/${name}` : ip;
}

/** The end as an ad-hoc pod: only for pods (a namespace), never for world, host and other reserved identities. */
function adhocOf(end: JSONObject | undefined, field: string): AdHocPod | undefined {
  const namespace = stringOf(end?.namespace);
  if (namespace === undefined) return undefined;
  // The key is all the pod depends on, unambiguously; errors are never remembered.
  const key = JSON.stringify([namespace, Array.isArray(end?.labels) ? end.labels : null]);
  if (adhocs.has(key)) return adhocs.get(key);
  const spec = decodeEndpoint({ namespace, labels: podLabels(end?.labels) }, `${field}.labels`);
  const pod = spec.kind === 'adhoc' ? spec.pod : undefined;
  if (adhocs.size >= DEFAULT_MAX_ENDPOINTS) adhocs.clear();
  adhocs.set(key, pod);
  return pod;
}

/**
 * Kubernetes pod labels from Cilium identity labels ("k8s:app=web"): the "k8s:" source is
 * stripped; labels of other sources (reserved:, cidr:, ...) and the ones Cilium derives itself
 * (io.kubernetes.pod.namespace, io.cilium.k8s.*: namespace labels, service account, cluster) are
 * dropped, since no pod carries them. Cilium keeps only identity-relevant labels, so this may be a
 * subset of the pod's labels.
 */
export function podLabels(labels: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!Array.isArray(labels)) return out;
  for (const label of labels) {
    if (typeof label !== 'string' || !label.startsWith('k8s:')) continue;
    const pair = label.slice('k8s:'.length);
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key === 'io.kubernetes.pod.namespace' || key.startsWith('io.cilium.k8s.')) continue;
    out[key] = eq === -1 ? '' : pair.slice(eq + 1);
  }
  return out;
}

function objectOf(value: unknown): JSONObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JSONObject) : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
