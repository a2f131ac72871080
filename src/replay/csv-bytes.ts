/**
 * @module CSV's fast path on bytes (byte-lines.ts): a row of printable ASCII, unquoted and
 * untrimmed, of a judged protocol and its fields in their common spellings, read as csv.ts's
 * readRow reads its text, its endpoints found as a conversation of bytes (conversations.ts).
 * Every other row is left to readRow.
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import { parseEndpointArgument } from '../flow/decode.js';
import { NOT_A_TIME, observedCodeOf, portOfBytes, protocolCodeOf, timeOfBytes } from './byte-fields.js';
import { joinTextHashes, lastTextHash, scanTextHash } from './conversations.js';
import { OBSERVED_CODE, type FlowSink } from './flow-records.js';
import type { CsvHeader } from './csv.js';

const COMMA = 0x2c;
const QUOTE = 0x22;
const SPACE = 0x20;

/**
 * The row at bytes [start, end), handed to `sink` as readRow reads it when it has the header's
 * width of fields, none quoted or with spaces around it, a verdict, protocol, port and time in the
 * spellings byte-fields.ts reads, and both endpoints resolving; false otherwise (and for any byte
 * outside printable ASCII: the endpoint fields are checked by EndpointRecords.newConversation).
 * `bounds` holds field starts (and one past the last field's end).
 */
export function readCsvRowBytes(bytes: Uint8Array, start: number, end: number, line: number, header: CsvHeader, bounds: Int32Array, sink: FlowSink): boolean {
  const width = header.width;
  if (width >= bounds.length) return false;
  const src = header.src;
  const dst = header.dst;
  let srcHash = 0;
  let dstHash = 0;
  let field = 0;
  let i = start;
  for (;;) {
    bounds[field] = i;
    if (field === src || field === dst) {
      // Only the comma, hashing on the way: the conversation checks an endpoint's bytes when it first meets them, and later ones equal them.
      i = scanTextHash(bytes, i, end, COMMA);
      if (field === src) srcHash = lastTextHash();
      else dstHash = lastTextHash();
    } else {
      for (; i < end; i++) {
        const byte = bytes[i]!;
        if (byte === COMMA) break;
        if (byte === QUOTE || byte < SPACE || byte > 0x7e) return false;
      }
    }
    if (++field >= width) break;
    if (i === end) return false;
    i++;
  }
  if (i !== end) return false;
  bounds[width] = end + 1;
  const table = sink.endpoints(parseEndpointArgument);
  const srcStart = bounds[src]!;
  const srcEnd = bounds[src + 1]! - 1;
  const dstStart = bounds[dst]!;
  const dstEnd = bounds[dst + 1]! - 1;
  const hash = joinTextHashes(srcHash, srcEnd - srcStart, dstHash);
  const found = table.foundConversation(hash, bytes, srcStart, srcEnd, dstStart, dstEnd);
  // Fields with spaces around them are trimmed by the full path.
  for (let f = 0; f < width; f++) {
    const from = bounds[f]!;
    const to = bounds[f + 1]! - 1;
    if (to > from && (bytes[from] === SPACE || bytes[to - 1] === SPACE) && f !== src && f !== dst) return false;
  }
  const verdict = header.verdict?.at;
  const observed = verdict === undefined ? OBSERVED_CODE.NONE : observedCodeOf(bytes, bounds[verdict]!, bounds[verdict + 1]! - 1);
  if (observed < 0) return false;
  const protocolAt = header.protocol;
  const protocol = protocolAt === undefined ? PROTOCOL_CODE.TCP : protocolCodeOf(bytes, bounds[protocolAt]!, bounds[protocolAt + 1]! - 1);
  const port = portOfBytes(bytes, bounds[header.port]!, bounds[header.port + 1]! - 1);
  if (protocol === 0 || port === 0) return false;
  const time = header.time === undefined ? NaN : timeOfBytes(bytes, bounds[header.time.at]!, bounds[header.time.at + 1]! - 1, header.time.name);
  if (time === NOT_A_TIME) return false;
  const conversation = found >= 0 ? found : table.newConversation(hash, bytes, srcStart, srcEnd, 'src', dstStart, dstEnd, 'dst');
  if (conversation < 0) return false;
  sink.serviceFlow(table, table.conversationService(conversation, protocol, port), line, observed, time, NaN);
  return true;
}
