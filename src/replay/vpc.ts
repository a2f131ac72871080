/**
 * @module AWS VPC Flow Logs as text: space-separated fields named by a header line (the default
 * version-2 format, or any custom format: any order, any subset that has srcaddr, dstaddr,
 * dstport and protocol). S3 delivery starts every file with that header; a header met later
 * (files concatenated) replaces the one before. CloudWatch Logs carries no header: a first line
 * that is a 14-field version-2 record is read in the default format.
 *
 * Addresses: pkt-srcaddr/pkt-dstaddr, the packet's own addresses, are preferred over
 * srcaddr/dstaddr (which name an intermediate interface, a NAT gateway or an EKS node) when
 * present and not "-".
 *
 * Times: `start` and `end` (epoch seconds) are the record's time window; they say when a group or
 * a rule was first and last seen.
 *
 * Replies: the logs record both directions of a connection, one line each. A line is a reply
 * (counted, not judged) when, in this order:
 * 1. tcp-flags has SYN: a reply when ACK is set too (18, SYN-ACK; 19 with FIN), a connection
 *    attempt otherwise (2; 3 with FIN);
 * 2. otherwise (no tcp-flags, UDP, or a window past the handshake): srcport is a service port
 *    (below 32768) and dstport an ephemeral one (32768 and above, Linux's default
 *    ip_local_port_range, which also covers IANA's 49152-65535).
 */
import { decodeEndpoint } from '../flow/decode.js';
import { EndpointTable } from '../flow/endpoint-table.js';
import type { FastBytesReader } from './flow-records.js';
import { rowColumns, rowLinesReader, type RowColumns } from './row-lines.js';
import {
  classifyProtocol,
  type FormatReader,
  FlowLogFormatError,
  LineError,
  parseObserved,
  parsePortField,
  show,
  type LineReader,
  type LogRecord,
} from './records.js';
import { parseTimeText } from './record-time.js';
import { readVpcRecordBytes } from './vpc-bytes.js';

/** The default format: the version-2 fields, in this order. */
const DEFAULT_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

const REQUIRED_FIELDS = ['srcaddr', 'dstaddr', 'dstport', 'protocol'];

/** The first ephemeral port: Linux's default ip_local_port_range starts here. */
const EPHEMERAL_PORT_MIN = 32768;

const TCP_SYN = 2;
const TCP_ACK = 16;

const FIELD_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/** The fields a record is read from. */
const USED_FIELDS = [
  'log-status',
  'protocol',
  'srcaddr',
  'dstaddr',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'flow-direction',
  'action',
  'dstport',
  'srcport',
  'tcp-flags',
  'start',
  'end',
] as const;
type UsedField = (typeof USED_FIELDS)[number];

/** Column positions of the used fields, from a header line, looked up once per input. */
export interface VpcLayout {
  readonly width: number;
  readonly at: Readonly<Record<UsedField, number | undefined>>;
}

function layoutOf(names: readonly string[]): VpcLayout {
  // Athena and Parquet exports spell the fields with underscores (log_status).
  const columns = new Map(names.map((name, i) => [name.replaceAll('_', '-'), i]));
  const at = Object.fromEntries(USED_FIELDS.map((name) => [name, columns.get(name)])) as Record<UsedField, number | undefined>;
  return { width: names.length, at };
}

/** A header names fields only, never values, and names at least the fields a flow needs. */
function isHeader(tokens: readonly string[]): boolean {
  if (!tokens.every((token) => FIELD_NAME.test(token))) return false;
  const names = new Set(tokens.map((token) => token.replaceAll('_', '-')));
  return REQUIRED_FIELDS.every((name) => names.has(name));
}

/** A default-format record without its header: how CloudWatch Logs shows them. */
function isDefaultRecord(tokens: readonly string[]): boolean {
  return tokens.length === DEFAULT_FIELDS.length && tokens[0] === '2';
}

/** Fields are separated by single spaces as AWS writes them; anything else takes the slow split. */
const tokensOf = (text: string): string[] =>
  /^\S+(?: \S+)*$/.test(text) ? text.split(' ') : text.trim().split(/\s+/);

/** Every header names this field: a cheap first test before isVpcHeader (replay --jobs looks for headers this way). */
export const VPC_HEADER_MARK = 'dstport';

/** The header the default format would have: what a headerless log (CloudWatch) is read with. */
export const VPC_DEFAULT_HEADER = DEFAULT_FIELDS.join(' ');

/** True when a line is a header, which sets the fields of the lines after it. */
export function isVpcHeader(text: string): boolean {
  return isHeader(tokensOf(text));
}

/** True when a first line opens a VPC flow log: a header, or a default-format record. */
export function isVpcFirstLine(text: string): boolean {
  const tokens = tokensOf(text);
  return isHeader(tokens) || isDefaultRecord(tokens);
}

/** Addresses by their text, shared by every reader of the thread, as in csv.ts (the same objects in every part of a log). */
const endpoints = new EndpointTable(decodeEndpoint);

/** A reader for one input: it remembers the header. */
export function createVpcReader(): LineReader {
  return createVpcFormatReader().read;
}

/** The reader of one input, and its fast path on bytes (which shares the header the reader has read). */
export function createVpcFormatReader(): FormatReader {
  let layout: VpcLayout | undefined;
  const read: LineReader = (text, line) => {
    const tokens = tokensOf(text);
    if (isHeader(tokens)) {
      layout = layoutOf(tokens);
      return undefined;
    }
    if (layout === undefined) {
      if (!isDefaultRecord(tokens)) {
        throw new FlowLogFormatError(
          `VPC flow log: line ${line} is neither a header naming ${REQUIRED_FIELDS.join(', ')} nor a default-format (version 2) record`,
        );
      }
      layout = layoutOf(DEFAULT_FIELDS);
    }
    return readRecord(tokens, layout, line);
  };
  const bounds = new Int32Array(128);
  const fastBytes: FastBytesReader = (bytes, start, end, line, sink) => layout !== undefined && readVpcRecordBytes(bytes, start, end, line, layout, bounds, sink);
  let columns: RowColumns | undefined;
  let columnsLayout: VpcLayout | undefined;
  const fastLines = rowLinesReader(() => {
    if (layout !== columnsLayout) {
      columnsLayout = layout;
      columns = layout === undefined ? undefined : rowColumnsOf(layout);
    }
    return columns;
  });
  return { read, fastBytes, fastLines };
}

/** The layout's columns as the WASM row reader reads them (row-lines.ts). */
function rowColumnsOf(layout: VpcLayout): RowColumns | undefined {
  const { at } = layout;
  const names = { decode: decodeEndpoint, srcField: 'srcaddr', dstField: 'dstaddr', timeName: 'start', timeEndName: 'end' };
  return rowColumns('vpc', layout.width, {
    SRC: at.srcaddr,
    DST: at.dstaddr,
    PACKET_SRC: at['pkt-srcaddr'],
    PACKET_DST: at['pkt-dstaddr'],
    PORT: at.dstport,
    PROTOCOL: at.protocol,
    VERDICT: at.action,
    TIME: at.start,
    TIME_END: at.end,
    SRC_PORT: at.srcport,
    TCP_FLAGS: at['tcp-flags'],
    STATUS: at['log-status'],
  }, names);
}

function readRecord(tokens: readonly string[], layout: VpcLayout, line: number): LogRecord {
  if (tokens.length !== layout.width) {
    throw new LineError(`${tokens.length} fields where the header names ${layout.width}`);
  }
  const at = layout.at;
  const status = valueAt(tokens, at['log-status']);
  if (status === 'NODATA' || status === 'SKIPDATA') return { line, kind: 'skipped', reason: status };
  const protocolText = valueAt(tokens, at.protocol)!;
  // A record without a protocol records no traffic (a NODATA line in a format without log-status).
  if (protocolText === '-') return { line, kind: 'skipped', reason: 'no traffic recorded (protocol "-")' };

  // The packet-level address when the log has it, else the interface-level one.
  const src = address(tokens, at['pkt-srcaddr'], 'pkt-srcaddr', at.srcaddr, 'srcaddr');
  const dst = address(tokens, at['pkt-dstaddr'], 'pkt-dstaddr', at.dstaddr, 'dstaddr');
  const flowDirection = valueAt(tokens, at['flow-direction']);
  const observed = parseObserved(valueAt(tokens, at.action), 'action');
  const direction = flowDirection === 'ingress' || flowDirection === 'egress' ? flowDirection : undefined;
  if (!/^[0-9]{1,3}$/.test(protocolText)) {
    throw new LineError(`protocol: ${show(protocolText)} is not an IANA protocol number`);
  }
  const time = parseTimeText(valueAt(tokens, at.start), 'start');
  const timeEnd = parseTimeText(valueAt(tokens, at.end), 'end');
  const protocol = classifyProtocol(protocolText, 'protocol');
  if ('notApplicable' in protocol) {
    return { line, time, timeEnd, observed, direction, srcLabel: src.text, dstLabel: dst.text, kind: 'not-applicable', reason: protocol.notApplicable };
  }
  const port = parsePortField(valueAt(tokens, at.dstport), 'dstport');
  const srcPortText = valueAt(tokens, at.srcport);
  const srcPort = srcPortText === undefined || srcPortText === '-' ? undefined : parsePortField(srcPortText, 'srcport');
  const flagsText = valueAt(tokens, at['tcp-flags']);
  const tcpFlags = flagsText === undefined || flagsText === '-' ? undefined : parseFlags(flagsText);
  if (isVpcReply(tcpFlags, srcPort, port)) {
    return { line, time, timeEnd, observed, direction, srcLabel: src.text, dstLabel: dst.text, kind: 'reply' };
  }
  return {
    line,
    time,
    timeEnd,
    observed,
    direction,
    srcLabel: src.text,
    dstLabel: dst.text,
    kind: 'flow',
    flow: {
      src: endpoints.get(src.text, src.field),
      dst: endpoints.get(dst.text, dst.field),
      protocol: protocol.protocol,
      port,
    },
  };
}

function valueAt(tokens: readonly string[], at: number | undefined): string | undefined {
  return at === undefined ? undefined : tokens[at];
}

function address(
  tokens: readonly string[],
  packetAt: number | undefined,
  packetName: string,
  at: number | undefined,
  name: string,
): { text: string; field: string } {
  const packet = valueAt(tokens, packetAt);
  if (packet !== undefined && packet !== '-') return { text: packet, field: packetName };
  const text = valueAt(tokens, at)!;
  if (text === '-') throw new LineError(`${name}: missing ("-")`);
  return { text, field: name };
}

function parseFlags(text: string): number {
  const flags = /^[0-9]{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(flags <= 255)) throw new LineError(`tcp-flags: ${show(text)} is not a TCP flags bitmask`);
  return flags;
}

/** The reply heuristic of this module's header, on one record's tcp-flags and ports. */
export function isVpcReply(tcpFlags: number | undefined, srcPort: number | undefined, dstPort: number): boolean {
  if (tcpFlags !== undefined && (tcpFlags & TCP_SYN) !== 0) return (tcpFlags & TCP_ACK) !== 0;
  return srcPort !== undefined && srcPort < EPHEMERAL_PORT_MIN && dstPort >= EPHEMERAL_PORT_MIN;
}
