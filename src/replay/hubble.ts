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
import { EndpointTable } from '../flow/endpoint-table.js';
import type { AdHocPod, EndpointSpec } from '../model/flow.js';
import { fieldsOfObject, objectOf, type EndFields, type FlowFields } from './hubble-fields.js';
import { scanHubbleFlow } from './hubble-scan.js';
import { parseTimeValue } from './record-time.js';
import { MISSING, TwoKeyCache } from './two-key-cache.js';
import { LineError, parseJSONObject, type LogRecord } from './records.js';

type JSONObject = Record<string, unknown>;

/** Response types of the observer API that are not flows: nothing to judge. */
const OTHER_EVENTS = ['node_status', 'lost_events', 'agent_event', 'debug_event'];

/** Keys only a flow object has; how a flow printed without its wrapper is recognised. */
const FLOW_KEYS = ['IP', 'l4', 'Type', 'verdict', 'event_type'];

/** True when a parsed line is Hubble output: a wrapped flow, another observer event, or a bare flow. */
export function isHubbleObject(object: JSONObject): boolean {
  return [...OTHER_EVENTS, 'flow', ...FLOW_KEYS].some((key) => Object.hasOwn(object, key));
}

/**
 * Hubble lines are independent of each other: one reader serves any number of inputs. Flow lines
 * are read by the field scanner; the lines it does not take, by JSON.parse (the same record).
 */
export function readHubbleLine(text: string, line: number): LogRecord {
  const fields = scanHubbleFlow(text);
  return fields === undefined ? readParsedHubbleLine(text, line) : recordOf(fields, line);
}

/** A Hubble line read through JSON.parse: what the field scanner must agree with. */
export function readParsedHubbleLine(text: string, line: number): LogRecord {
  const object = parseJSONObject(text);
  const wrapped = objectOf(object.flow);
  if (wrapped !== undefined) return recordOf(fieldsOfObject(wrapped, wrapped.time ?? object.time), line);
  const event = OTHER_EVENTS.find((key) => Object.hasOwn(object, key));
  if (event !== undefined) return { line, kind: 'skipped', reason: `${event} event` };
  if (FLOW_KEYS.some((key) => Object.hasOwn(object, key))) return recordOf(fieldsOfObject(object, object.time), line);
  throw new LineError('not a Hubble flow: expected {"flow": {...}} or a flow object with "IP", "l4" and "Type"');
}

function recordOf(flow: FlowFields, line: number): LogRecord {
  if (flow.type !== 'L3_L4') return { line, kind: 'skipped', reason: `flow type ${flow.type ?? 'UNKNOWN_TYPE'}` };
  const time = parseTimeValue(flow.time, 'time');
  const { srcIP, dstIP, source, destination, observed, direction, protocol } = flow;
  if (srcIP === undefined || dstIP === undefined) throw new LineError('IP: no source and destination addresses');
  const dropReason = observed === 'denied' ? flow.dropReason : undefined;
  const srcLabel = labelOf(source, srcIP);
  const dstLabel = labelOf(destination, dstIP);

  // Records are written out field by field: spreading a shared part costs more than the rest of the line.
  if (protocol === undefined) {
    const reason = flow.firstL4 ?? 'no TCP, UDP or SCTP header';
    return { line, time, observed, dropReason, direction, srcLabel, dstLabel, kind: 'not-applicable', reason };
  }
  if (flow.isReply ?? (flow.reply || flow.synAck)) return { line, time, observed, dropReason, direction, srcLabel, dstLabel, kind: 'reply' };

  const port = flow.port;
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
    flow: { src: specOf(source, srcIP, 'source', 'IP.source'), dst: specOf(destination, dstIP, 'destination', 'IP.destination'), protocol, port },
    srcAdhoc: adhocOf(source, 'source'),
    dstAdhoc: adhocOf(destination, 'destination'),
    srcIP,
    dstIP,
  };
}

/** A pod by name when Hubble knows it (the bundle may know it too), otherwise the address. */
export function specOf(end: EndFields, ip: string, field: string, ipField: string): EndpointSpec {
  const { namespace, podName } = end;
  if (namespace === undefined || podName === undefined) return endpoints.get(ip, ipField);
  const known = pods.get(namespace, podName);
  if (known !== MISSING) return known;
  const spec = endpoints.get(`${namespace}/${podName}`, field);
  pods.set(namespace, podName, spec);
  return spec;
}

/** Pod names and addresses seen before, and ad-hoc pods by their namespace and raw identity labels. */
const endpoints = new EndpointTable(decodeEndpoint);
const pods = new TwoKeyCache<EndpointSpec>();
const adhocs = new TwoKeyCache<AdHocPod | undefined>();

/** "namespace/workload" reads better in a summary than a pod name with its hash suffixes. */
export function labelOf(end: EndFields, ip: string): string {
  const name = end.workload ?? end.podName;
  return end.namespace !== undefined && name !== undefined ? `${end.namespace}/${name}` : ip;
}

/** The end as an ad-hoc pod: only for pods (a namespace), never for world, host and other reserved identities. */
export function adhocOf(end: EndFields, field: string): AdHocPod | undefined {
  const namespace = end.namespace;
  if (namespace === undefined) return undefined;
  // The labels' JSON text (any spelling) and the namespace are all the pod depends on; errors are never remembered.
  const known = adhocs.get(end.labels, namespace);
  if (known !== MISSING) return known;
  const spec = decodeEndpoint({ namespace, labels: podLabels(JSON.parse(end.labels)) }, `${field}.labels`);
  const pod = spec.kind === 'adhoc' ? spec.pod : undefined;
  adhocs.set(end.labels, namespace, pod);
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
