/**
 * @module Flows and endpoints from callers' JSON (NDJSON lines, HTTP bodies) and from CLI
 * arguments, validated strictly: a flow is answered exactly as given or refused with a reason.
 */
import { PROTOCOLS, type ContainerPort, type Labels, type Protocol } from '../model/bundle.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { formatIP, isIPv4Mapped, parseIP, parseIPv4Number } from '../net/ip.js';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNumber,
} from '../model/k8s-names.js';

/** Ports of one ad-hoc pod: what the WASM core's ad-hoc record holds (layout.ts ADHOC_MAX_PORTS). */
export const MAX_ADHOC_PORTS = 64;

const PROTOCOL_NUMBERS: Readonly<Record<number, Protocol>> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

/** Protocol names are case-insensitive here; IANA numbers 6, 17 and 132 are accepted too. */
export function decodeProtocol(value: unknown, field = 'protocol'): Protocol {
  if (value === undefined || value === null) return 'TCP';
  if (value === 'TCP' || value === 'UDP' || value === 'SCTP') return value;
  if (typeof value === 'number' && Object.hasOwn(PROTOCOL_NUMBERS, value)) return PROTOCOL_NUMBERS[value]!;
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    if ((PROTOCOLS as readonly string[]).includes(upper)) return upper as Protocol;
  }
  throw new FlowError(`${field}: ${show(value)} is not a protocol; use TCP, UDP or SCTP`);
}

export function decodePort(value: unknown, field = 'port'): number {
  if (value === undefined || value === null) throw new FlowError(`${field}: required (1-65535)`);
  const number = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || isValidPortNumber(number).length > 0) {
    throw new FlowError(`${field}: ${show(value)} is not a port; use a whole number from 1 to 65535`);
  }
  return number;
}

/** `{"src": EP, "dst": EP, "protocol"?: "TCP", "port": N}`; other fields are ignored. */
export function decodeFlow(value: unknown): Flow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FlowError(`a flow is a JSON object {"src", "dst", "protocol", "port"}, not ${show(value)}`);
  }
  const object = value as Record<string, unknown>;
  const get = (key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);
  return {
    src: decodeEndpoint(get('src'), 'src'),
    dst: decodeEndpoint(get('dst'), 'dst'),
    protocol: decodeProtocol(get('protocol')),
    port: decodePort(get('port')),
  };
}

/** An endpoint: `"namespace/name"`, `"namespace/kind/name"`, an IP, or `{namespace, labels, ports?}`. */
export function decodeEndpoint(value: unknown, field: string): EndpointSpec {
  if (value === undefined || value === null) throw new FlowError(`${field}: required`);
  if (typeof value === 'string') return decodeEndpointString(value, field);
  if (typeof value === 'object' && !Array.isArray(value)) return decodeAdHoc(value as Record<string, unknown>, field);
  throw new FlowError(`${field}: expected "namespace/name", an IP address or {namespace, labels}, not ${show(value)}`);
}

/** The common `ns/name` shape, checked in one pass; anything else gets the full checks below. */
const SIMPLE_REF = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** A namespace (63) and a slash before a name of at most 253 characters. */
const SIMPLE_REF_MAX = 63 + 1 + 253;

function decodeEndpointString(text: string, field: string): EndpointSpec {
  // Fast paths for what flow logs are made of: a strictly parsed IPv4 address is already canonical.
  if (parseIPv4Number(text) !== undefined) return { kind: 'ip', ip: text };
  if (text.length <= SIMPLE_REF_MAX && SIMPLE_REF.test(text) && text.length - text.indexOf('/') <= 254) {
    return { kind: 'ref', ref: text };
  }
  const ip = parseIP(text);
  if (ip && isIPv4Mapped(ip)) throw new FlowError(`${field}: ${show(text)} is an IPv4-mapped IPv6 address; use the IPv4 form`);
  if (ip) return { kind: 'ip', ip: formatIP(ip) };
  const parts = text.split('/');
  const valid =
    (parts.length === 2 || parts.length === 3) &&
    isDNS1123Label(parts[0]!).length === 0 &&
    parts.slice(1).every((p) => isDNS1123Subdomain(p.toLowerCase()).length === 0);
  if (!valid) {
    throw new FlowError(
      `${field}: ${show(text)} is neither an IP address nor a pod reference ("namespace/name" or "namespace/kind/name")`,
    );
  }
  if (parts.length === 3) return { kind: 'ref', ref: `${parts[0]}/${parts[1]!.toLowerCase()}/${parts[2]}` };
  return { kind: 'ref', ref: text };
}

function decodeAdHoc(object: Record<string, unknown>, field: string): EndpointSpec {
  const get = (key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);
  const namespace = get('namespace');
  if (typeof namespace !== 'string' || isDNS1123Label(namespace).length > 0) {
    throw new FlowError(`${field}.namespace: ${show(namespace)} is not a namespace name`);
  }
  const labels: Record<string, string> = Object.create(null);
  const rawLabels = get('labels');
  if (rawLabels !== undefined && rawLabels !== null) {
    if (typeof rawLabels !== 'object' || Array.isArray(rawLabels)) {
      throw new FlowError(`${field}.labels: expected a mapping of label keys to values`);
    }
    for (const [key, value] of Object.entries(rawLabels)) {
      if (isQualifiedName(key).length > 0) throw new FlowError(`${field}.labels: ${show(key)} is not a label key`);
      if (typeof value !== 'string' || isValidLabelValue(value).length > 0) {
        throw new FlowError(`${field}.labels.${key}: ${show(value)} is not a label value`);
      }
      labels[key] = value;
    }
  }
  return { kind: 'adhoc', pod: { namespace, labels: labels as Labels, ports: decodeAdHocPorts(get('ports'), field) } };
}

function decodeAdHocPorts(value: unknown, field: string): ContainerPort[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FlowError(`${field}.ports: expected a list of {name, port, protocol}`);
  if (value.length > MAX_ADHOC_PORTS) throw new FlowError(`${field}.ports: at most ${MAX_ADHOC_PORTS} ports`);
  return value.map((entry, i): ContainerPort => {
    const where = `${field}.ports[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new FlowError(`${where}: expected {name, port, protocol}`);
    const port = entry as Record<string, unknown>;
    const number = decodePort(port.port ?? port.containerPort, `${where}.port`);
    const protocol = decodeProtocol(port.protocol, `${where}.protocol`);
    if (port.name === undefined) return { protocol, port: number };
    if (typeof port.name !== 'string' || isValidPortName(port.name).length > 0) {
      throw new FlowError(`${where}.name: ${show(port.name)} is not a port name`);
    }
    return { name: port.name, protocol, port: number };
  });
}

/**
 * A CLI endpoint argument: a pod reference, an IP, a JSON object, or the short form of an ad-hoc
 * pod `namespace:key=value,key=value` (`namespace:` for a pod with no labels).
 */
export function parseEndpointArgument(text: string, field: string): EndpointSpec {
  // Neither JSON nor the short ad-hoc form (both need '{' or ':'): a reference or an IPv4 address.
  if (!text.includes(':') && !text.startsWith('{') && !text.startsWith(' ') && !text.endsWith(' ')) {
    return decodeEndpointString(text, field);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw new FlowError(`${field}: ${show(text)} is not valid JSON`);
    }
    return decodeEndpoint(value, field);
  }
  const colon = trimmed.indexOf(':');
  if (colon > 0 && parseIP(trimmed) === undefined && !trimmed.slice(0, colon).includes('/')) {
    const labels: Record<string, string> = Object.create(null);
    const list = trimmed.slice(colon + 1);
    // At least one label, so that a mistyped IPv6 address (`fd00:`) is not read as a namespace.
    if (list === '') {
      throw new FlowError(`${field}: ${show(text)} is neither an IP address nor ns:key=value (for a pod with no labels use '{"namespace":"ns"}')`);
    }
    for (const pair of list.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new FlowError(`${field}: ${show(pair)} is not key=value`);
      labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return decodeEndpoint({ namespace: trimmed.slice(0, colon), labels }, field);
  }
  return decodeEndpoint(trimmed, field);
}

function show(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
