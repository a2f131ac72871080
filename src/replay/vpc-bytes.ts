/**
 * @module VPC Flow Logs' fast path on bytes (byte-lines.ts): a record of single-space-separated
 * printable ASCII tokens read as vpc.ts's readRecord reads its text, its endpoints found as a
 * conversation of bytes (conversations.ts). Every other line (headers, NODATA and SKIPDATA
 * records, malformed fields) is left to readRecord.
 */
import { decodeEndpoint } from '../flow/decode.js';
import { conversationHash } from './conversations.js';
import { isWord, NOT_A_TIME, observedCodeOf, portOfBytes, protocolCodeOf, timeOfBytes } from './byte-fields.js';
import { OBSERVED_CODE, type FlowSink } from './flow-records.js';
import { VPC_SKIPPED_STATUSES } from './row-lines.js';
import { isVpcReply, type VpcLayout } from './vpc.js';

const SPACE = 0x20;
const DASH = 0x2d;
const [NODATA, SKIPDATA] = VPC_SKIPPED_STATUSES.map((status) => new TextEncoder().encode(status)) as [Uint8Array, Uint8Array];

/**
 * The record at bytes [start, end), handed to `sink` as readRecord reads it (a flow, or a reply)
 * when it has the layout's width of tokens (no header), a judged protocol by number, every field
 * it reads well-formed and both endpoints resolving; false otherwise. `bounds` holds token starts
 * (and one past the last token's end).
 */
export function readVpcRecordBytes(bytes: Uint8Array, start: number, end: number, line: number, layout: VpcLayout, bounds: Int32Array, sink: FlowSink): boolean {
  const width = layout.width;
  // A header's first token starts with a letter; records start with a version or a value.
  if (width >= bounds.length || start === end || isLetter(bytes[start]!)) return false;
  let count = 0;
  bounds[0] = start;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === SPACE) {
      if (++count >= width || i === bounds[count - 1]) return false;
      bounds[count] = i + 1;
    } else if (byte < 0x21 || byte > 0x7e) {
      return false;
    }
  }
  if (count + 1 !== width || bounds[count] === end) return false;
  bounds[width] = end + 1;
  const at = layout.at;
  const status = at['log-status'];
  if (status !== undefined && (isToken(bytes, bounds, status, NODATA) || isToken(bytes, bounds, status, SKIPDATA))) return false;
  // By IANA number only, as readRecord reads it.
  const protocolAt = at.protocol!;
  const protocol = isDigit(bytes[bounds[protocolAt]!]!) ? protocolCodeOf(bytes, bounds[protocolAt]!, bounds[protocolAt + 1]! - 1) : 0;
  if (protocol === 0) return false;
  const src = addressAt(bytes, bounds, at['pkt-srcaddr'], at.srcaddr);
  const dst = addressAt(bytes, bounds, at['pkt-dstaddr'], at.dstaddr);
  if (src < 0 || dst < 0) return false;
  const table = sink.endpoints(decodeEndpoint);
  const srcStart = bounds[src]!;
  const srcEnd = bounds[src + 1]! - 1;
  const dstStart = bounds[dst]!;
  const dstEnd = bounds[dst + 1]! - 1;
  const hash = conversationHash(bytes, srcStart, srcEnd, dstStart, dstEnd);
  const found = table.foundConversation(hash, bytes, srcStart, srcEnd, dstStart, dstEnd);
  const observed = at.action === undefined ? OBSERVED_CODE.NONE : observedCodeOf(bytes, bounds[at.action]!, bounds[at.action + 1]! - 1);
  if (observed < 0) return false;
  const port = at.dstport === undefined ? 0 : portOfBytes(bytes, bounds[at.dstport]!, bounds[at.dstport + 1]! - 1);
  if (port === 0) return false;
  const srcPortAt = at.srcport;
  const srcPort = srcPortAt === undefined || isDash(bytes, bounds, srcPortAt) ? undefined : portOfBytes(bytes, bounds[srcPortAt]!, bounds[srcPortAt + 1]! - 1);
  if (srcPort === 0) return false;
  const flagsAt = at['tcp-flags'];
  const tcpFlags = flagsAt === undefined || isDash(bytes, bounds, flagsAt) ? undefined : flagsOf(bytes, bounds[flagsAt]!, bounds[flagsAt + 1]! - 1);
  if (tcpFlags !== undefined && !(tcpFlags <= 255)) return false;
  const time = at.start === undefined ? NaN : timeOfBytes(bytes, bounds[at.start]!, bounds[at.start + 1]! - 1, 'start');
  const timeEnd = at.end === undefined ? NaN : timeOfBytes(bytes, bounds[at.end]!, bounds[at.end + 1]! - 1, 'end');
  if (time === NOT_A_TIME || timeEnd === NOT_A_TIME) return false;
  if (isVpcReply(tcpFlags, srcPort, port)) {
    sink.reply();
    return true;
  }
  const conversation = found >= 0 ? found : table.newConversation(hash, bytes, srcStart, srcEnd, 'srcaddr', dstStart, dstEnd, 'dstaddr');
  if (conversation < 0) return false;
  sink.serviceFlow(table, table.conversationService(conversation, protocol, port), line, observed, time, timeEnd);
  return true;
}

const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;
const isLetter = (byte: number): boolean => (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a;

const isToken = (bytes: Uint8Array, bounds: Int32Array, at: number, word: Uint8Array): boolean => isWord(bytes, bounds[at]!, bounds[at + 1]! - 1, word);

/** Whether token `at` is "-". */
const isDash = (bytes: Uint8Array, bounds: Int32Array, at: number): boolean => bounds[at + 1]! - bounds[at]! === 2 && bytes[bounds[at]!] === DASH;

/** tcp-flags as readRecord reads them: 1 to 3 digits; NaN otherwise. */
function flagsOf(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > 3) return NaN;
  let flags = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    flags = flags * 10 + digit;
  }
  return flags;
}

/** The token of the packet-level address when present and not "-", else of the interface-level one; -1 for "-". */
function addressAt(bytes: Uint8Array, bounds: Int32Array, packetAt: number | undefined, at: number | undefined): number {
  if (packetAt !== undefined && !isDash(bytes, bounds, packetAt)) return packetAt;
  return at === undefined || isDash(bytes, bounds, at) ? -1 : at;
}
