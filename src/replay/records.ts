/**
 * @module What every flow-log format yields: one record per meaningful input line (a flow to judge,
 * a reply, something out of scope, or an error), plus the helpers the formats share.
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import type { Line } from '../flow/lines.js';
import { FlowError } from '../model/errors.js';
import { PROTOCOLS, type Protocol } from '../model/bundle.js';
import type { AdHocPod, EndpointSpec, Flow } from '../model/flow.js';
import { OBSERVED_CODE, type FastBytesReader, type FastLinesReader, type FlowSink } from './flow-records.js';

export type RecordKind = 'flow' | 'reply' | 'not-applicable' | 'skipped' | 'error';

/** What really happened to the traffic, when the log says. */
export type Observed = 'allowed' | 'denied';

export interface LogRecord {
  /** 1-based physical line number in its input (header lines count). */
  readonly line: number;
  readonly kind: RecordKind;
  /** Set for kind 'flow' only: a TCP/UDP/SCTP connection attempt to judge. */
  readonly flow?: Flow;
  /** Hubble FORWARDED/DROPPED, VPC ACCEPT/REJECT, the verdict column or field. */
  readonly observed?: Observed;
  /** For an observed denial, why the log says it was dropped (Hubble drop_reason_desc, e.g. POLICY_DENIED). */
  readonly dropReason?: string;
  /**
   * The log's own direction field (Hubble traffic_direction, VPC flow-direction): relative to the
   * endpoint or network interface that observed the traffic, not necessarily the policy side.
   */
  readonly direction?: 'ingress' | 'egress';
  /** How to name the ends in a summary: "ns/workload" when the log knows it, else the address or text given. */
  readonly srcLabel?: string;
  readonly dstLabel?: string;
  /**
   * Hubble only: the end as an ad-hoc pod (namespace and Kubernetes pod labels from its Cilium
   * identity, no ports), for resolving a pod reference the bundle does not know.
   */
  readonly srcAdhoc?: AdHocPod;
  readonly dstAdhoc?: AdHocPod;
  /** Hubble only: the addresses, kept when the ends are named as pods (the next resolution step). */
  readonly srcIP?: string;
  readonly dstIP?: string;
  /**
   * When it happened, in epoch milliseconds, when the log says (Hubble time, VPC start, a CSV or
   * NDJSON time/timestamp/start field); see record-time.ts.
   */
  readonly time?: number;
  /** VPC only: the end of the record's aggregation window (the `end` field), epoch milliseconds. */
  readonly timeEnd?: number;
  /** For kind 'error': what is wrong with the line. The replay goes on. */
  readonly error?: string;
  /** For kinds 'skipped' and 'not-applicable': why, e.g. "NODATA", "protocol ICMP (1)". */
  readonly reason?: string;
}

/**
 * One format's reading of one non-blank line; undefined for lines that carry no record (headers).
 * It throws LineError or FlowError for a malformed line (reported as an error record), and
 * FlowLogFormatError when the input as a whole cannot be read in this format.
 */
export type LineReader = (text: string, line: number) => LogRecord | undefined;

/** A format's reader of one input, and its fast path to flow records when it has one (flow-records.ts). */
export interface FormatReader {
  readonly read: LineReader;
  /** Its fast path on the bytes of printable ASCII lines (byte-lines.ts; CSV's and VPC's), when it has one. */
  readonly fastBytes?: FastBytesReader;
  /** Its fast path on many lines at once (byte-lines.ts; Hubble's), beside fastBytes, when it has one. */
  readonly fastLines?: FastLinesReader;
}

/** A malformed line; the message says which field and why. */
export class LineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineError';
  }
}

/** The input as a whole is not in the expected (or any recognised) format: nothing more can be read. */
export class FlowLogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowLogFormatError';
  }
}

/** The records of one run of lines; blank lines give none, unreadable lines give error records. */
export function readLines(run: readonly Line[], reader: LineReader): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of run) {
    if ('error' in line) {
      records.push({ line: line.number, kind: 'error', error: line.error });
      continue;
    }
    if (isBlank(line.text)) continue;
    try {
      const record = reader(line.text, line.number);
      if (record !== undefined) records.push(record);
    } catch (error) {
      if (!(error instanceof LineError || error instanceof FlowError)) throw error;
      records.push({ line: line.number, kind: 'error', error: error.message });
    }
  }
  return records;
}

/** What a records-first reading does with the records of lines the fast path did not take. */
export interface RecordSink extends FlowSink {
  record(record: LogRecord): void;
}

/** readLines into `sink` in order: the lines the byte fast path did not take. */
export function readLinesInto(run: readonly Line[], reader: FormatReader, sink: RecordSink): void {
  for (const line of run) {
    if ('error' in line) {
      sink.record({ line: line.number, kind: 'error', error: line.error });
      continue;
    }
    if (isBlank(line.text)) continue;
    try {
      const record = reader.read(line.text, line.number);
      if (record !== undefined) sink.record(record);
    } catch (error) {
      if (!(error instanceof LineError || error instanceof FlowError)) throw error;
      sink.record({ line: line.number, kind: 'error', error: error.message });
    }
  }
}

export const isBlank = (text: string): boolean => text.trim() === '';

const OBSERVED: ReadonlyMap<string, Observed> = new Map([
  ['allowed', 'allowed'],
  ['accept', 'allowed'],
  ['forwarded', 'allowed'],
  ['denied', 'denied'],
  ['reject', 'denied'],
  ['dropped', 'denied'],
  ['ACCEPT', 'allowed'],
  ['FORWARDED', 'allowed'],
  ['REJECT', 'denied'],
  ['DROPPED', 'denied'],
]);

/**
 * A verdict as logs spell it: allowed/denied, ACCEPT/REJECT (VPC), FORWARDED/DROPPED (Hubble), in
 * any case. Empty and "-" mean the log does not say.
 */
export function parseObserved(value: unknown, field: string): Observed | undefined {
  if (value === undefined || value === null || value === '' || value === '-') return undefined;
  // As logs write them (ACCEPT, allowed, ...): no trimming or case folding needed.
  const exact = OBSERVED.get(value as string);
  if (exact !== undefined) return exact;
  const observed = typeof value === 'string' ? OBSERVED.get(value.trim().toLowerCase()) : undefined;
  if (observed === undefined) {
    throw new LineError(`${field}: ${show(value)} is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED`);
  }
  return observed;
}

/** Verdicts as logs write them (see OBSERVED), with their OBSERVED_CODE. */
export const OBSERVED_WORDS: readonly (readonly [string, number])[] = [...OBSERVED].map(([text, observed]) => [
  text,
  observed === 'allowed' ? OBSERVED_CODE.ALLOWED : OBSERVED_CODE.DENIED,
]);

/** Protocols by name and IANA number as classifyProtocol reads them (an empty field is TCP). */
export const PROTOCOL_WORDS: readonly (readonly [string, number])[] = [
  ['TCP', PROTOCOL_CODE.TCP],
  ['UDP', PROTOCOL_CODE.UDP],
  ['6', PROTOCOL_CODE.TCP],
  ['17', PROTOCOL_CODE.UDP],
  ['SCTP', PROTOCOL_CODE.SCTP],
  ['132', PROTOCOL_CODE.SCTP],
];

const L4_BY_NUMBER: Readonly<Record<number, Protocol>> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

/** IANA names of the IP protocols flow logs commonly carry besides TCP, UDP and SCTP. */
const OTHER_PROTOCOLS: Readonly<Record<number, string>> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
};
const OTHER_BY_NAME = new Map(Object.entries(OTHER_PROTOCOLS).map(([number, name]) => [name.toUpperCase(), Number(number)]));

/** A protocol network policies can judge, or why the flow is out of their scope. */
export type ProtocolClass = { readonly protocol: Protocol } | { readonly notApplicable: string };

const JUDGED: Readonly<Record<Protocol, ProtocolClass>> = { TCP: { protocol: 'TCP' }, UDP: { protocol: 'UDP' }, SCTP: { protocol: 'SCTP' } };
const COMMON_PROTOCOLS: ReadonlyMap<unknown, ProtocolClass> = new Map<unknown, ProtocolClass>([
  ...PROTOCOLS.map((name) => [name, JUDGED[name]] as const),
  ...Object.entries(L4_BY_NUMBER).flatMap(([number, name]) => [[number, JUDGED[name]] as const, [Number(number), JUDGED[name]] as const]),
]);

/**
 * A protocol given by IANA number (a number or a string of digits) or by name, in any case;
 * absent means TCP, as in the CLI. Other IP protocols are not applicable, not errors: network
 * policies only speak of TCP, UDP and SCTP.
 */
export function classifyProtocol(value: unknown, field: string): ProtocolClass {
  if (value === undefined || value === null || value === '') return JUDGED.TCP;
  // The common spellings, answered with shared (immutable) objects.
  const common = COMMON_PROTOCOLS.get(value as string);
  if (common !== undefined) return common;
  const number = typeof value === 'string' && /^[0-9]{1,3}$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 255) {
    const protocol = L4_BY_NUMBER[number];
    if (protocol !== undefined) return { protocol };
    const name = OTHER_PROTOCOLS[number];
    return { notApplicable: name === undefined ? `protocol ${number}` : `protocol ${name} (${number})` };
  }
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    if ((PROTOCOLS as readonly string[]).includes(upper)) return { protocol: upper as Protocol };
    const other = OTHER_BY_NAME.get(upper);
    if (other !== undefined) return { notApplicable: `protocol ${OTHER_PROTOCOLS[other]} (${other})` };
  }
  throw new LineError(`${field}: ${show(value)} is not an IP protocol name or number`);
}

/** A port field of a text log: a whole number from 1 to 65535 ("-" and empty are missing). */
export function parsePortField(text: string | undefined, field: string): number {
  if (text === undefined || text === '' || text === '-') throw new LineError(`${field}: missing`);
  const port = text.length <= 5 ? digitsOf(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new LineError(`${field}: ${show(text)} is not a port (1-65535)`);
  return port;
}

/** The number a string of ASCII digits spells; NaN for anything else. */
function digitsOf(text: string): number {
  let number = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    number = number * 10 + digit;
  }
  return text.length === 0 ? NaN : number;
}

/** How a summary names an endpoint given as a spec: its reference, its address, or the CLI's short ad-hoc form. */
export function endpointLabel(spec: EndpointSpec): string {
  switch (spec.kind) {
    case 'ref':
      return spec.ref;
    case 'ip':
      return spec.ip;
    case 'adhoc':
      return `${spec.pod.namespace}:${Object.entries(spec.pod.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',')}`;
  }
}

/** One line of JSON that must be an object; the line's error otherwise. */
export function parseJSONObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LineError(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LineError(`expected a JSON object, not ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A value quoted for a message, cut short. */
export function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
