/**
 * @module Generic CSV flow logs. A header line names the columns, in any order and case: src, dst
 * and port; optionally protocol (TCP when absent or empty, a name or an IANA number) and one of
 * verdict, action or observed (allowed/denied, ACCEPT/REJECT, FORWARDED/DROPPED), and one of time,
 * timestamp or start (RFC 3339, or epoch seconds or milliseconds; record-time.ts). Other columns are
 * ignored. Endpoints are written as on the command line: "ns/name", "ns/kind/name", an IP address,
 * "ns:key=value,..." or a JSON ad-hoc pod (both quoted, as they hold commas).
 *
 * Fields follow RFC 4180 within one line: a field in double quotes may hold commas, and a doubled
 * quote stands for one. Lines are read one by one (that is what keeps memory bounded), so a quoted
 * field cannot span lines: such a line is reported as an error, like any malformed row. Spaces
 * around unquoted fields are trimmed. A line repeating the header (files concatenated) is passed over.
 */
import { parseEndpointArgument } from '../flow/decode.js';
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
  type LineReader,
  type LogRecord,
} from './records.js';
import { parseTimeText } from './record-time.js';
import { readCsvRowBytes } from './csv-bytes.js';

const REQUIRED_COLUMNS = ['src', 'dst', 'port'];
const VERDICT_COLUMNS = ['verdict', 'action', 'observed'];
/** When a row happened: the first of these columns the header names. */
const TIME_COLUMNS = ['time', 'timestamp', 'start'];

/** A CSV input's header, read once. */
export interface CsvHeader {
  readonly text: string;
  readonly width: number;
  readonly columns: ReadonlyMap<string, number>;
  /** Where the fields a row needs are, looked up once. */
  readonly src: number;
  readonly dst: number;
  readonly port: number;
  readonly protocol: number | undefined;
  readonly verdict: { readonly name: string; readonly at: number } | undefined;
  readonly time: { readonly name: string; readonly at: number } | undefined;
}

/** The fields of one CSV line, unquoted. */
export function splitCsvLine(text: string): string[] {
  // Most lines quote nothing: one split, and spaces trimmed only where there are any.
  if (!text.includes('"')) {
    const fields = text.split(',');
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.length > 0 && (isBlankChar(field.charCodeAt(0)) || isBlankChar(field.charCodeAt(field.length - 1)))) fields[i] = field.trim();
    }
    return fields;
  }
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    const where = `field ${fields.length + 1}`;
    let start = at;
    while (text[start] === ' ' || text[start] === '\t') start++;
    if (text[start] !== '"') {
      const comma = text.indexOf(',', at);
      const raw = comma === -1 ? text.slice(at) : text.slice(at, comma);
      if (raw.includes('"')) throw new LineError(`${where}: a quote inside an unquoted field`);
      fields.push(raw.trim());
      if (comma === -1) return fields;
      at = comma + 1;
      continue;
    }
    let value = '';
    let i = start + 1;
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote === -1) throw new LineError(`${where}: the quoted field does not end on this line (fields cannot span lines)`);
      value += text.slice(i, quote);
      if (text[quote + 1] !== '"') {
        i = quote + 1;
        break;
      }
      value += '"';
      i = quote + 2;
    }
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i < text.length && text[i] !== ',') throw new LineError(`${where}: text after the closing quote`);
    fields.push(value);
    if (i >= text.length) return fields;
    at = i + 1;
  }
}

/** A space or a tab. */
const isBlankChar = (code: number): boolean => code === 0x20 || code === 0x09;

function headerOf(text: string): CsvHeader | undefined {
  let names: string[];
  try {
    names = splitCsvLine(text).map((name) => name.toLowerCase());
  } catch (error) {
    if (error instanceof LineError) return undefined;
    throw error;
  }
  const columns = new Map<string, number>();
  // Of columns named alike, the first counts.
  names.forEach((name, i) => columns.has(name) || columns.set(name, i));
  if (!REQUIRED_COLUMNS.every((name) => columns.has(name))) return undefined;
  const verdictName = VERDICT_COLUMNS.find((name) => columns.has(name));
  const timeName = TIME_COLUMNS.find((name) => columns.has(name));
  return {
    text,
    width: names.length,
    columns,
    src: columns.get('src')!,
    dst: columns.get('dst')!,
    port: columns.get('port')!,
    protocol: columns.get('protocol'),
    verdict: verdictName === undefined ? undefined : { name: verdictName, at: columns.get(verdictName)! },
    time: timeName === undefined ? undefined : { name: timeName, at: columns.get(timeName)! },
  };
}

/** True when a first line is a CSV header this module can read. */
export function isCsvHeader(text: string): boolean {
  return headerOf(text) !== undefined;
}

/**
 * Endpoints by their text, shared by every reader of the thread (decoding depends on the text
 * alone): a log read in parts (replay --jobs) gets the same endpoint objects in every part, which
 * verdict reuse keys on.
 */
const endpoints = new EndpointTable(parseEndpointArgument);

/** A reader for one input: its first line is the header. */
export function createCsvReader(): LineReader {
  return createCsvFormatReader().read;
}

/** The reader of one input, and its fast path on bytes (which shares the header the reader has read). */
export function createCsvFormatReader(): FormatReader {
  let header: CsvHeader | undefined;
  let columns: RowColumns | undefined;

  const read: LineReader = (text, line) => {
    if (header === undefined) {
      header = headerOf(text);
      if (header === undefined) {
        const columns = REQUIRED_COLUMNS.join(', ');
        throw new FlowLogFormatError(`CSV flow log: line ${line} is not a header naming the columns ${columns}`);
      }
      columns = rowColumnsOf(header);
      return undefined;
    }
    if (text === header.text) return undefined;
    return readRow(splitCsvLine(text), header, line);
  };
  const bounds = new Int32Array(64);
  const fastBytes: FastBytesReader = (bytes, start, end, line, sink) => header !== undefined && readCsvRowBytes(bytes, start, end, line, header, bounds, sink);
  return { read, fastBytes, fastLines: rowLinesReader(() => columns) };
}

/** The header's columns as the WASM row reader reads them (row-lines.ts). */
function rowColumnsOf(header: CsvHeader): RowColumns | undefined {
  const { width, src, dst, port, protocol } = header;
  const names = { decode: parseEndpointArgument, srcField: 'src', dstField: 'dst', timeName: header.time?.name ?? 'time', timeEndName: 'time' };
  return rowColumns('csv', width, { SRC: src, DST: dst, PORT: port, PROTOCOL: protocol, VERDICT: header.verdict?.at, TIME: header.time?.at }, names);
}

function readRow(fields: readonly string[], header: CsvHeader, line: number): LogRecord {
  if (fields.length !== header.width) throw new LineError(`${fields.length} fields where the header names ${header.width}`);
  const srcText = fields[header.src]!;
  const dstText = fields[header.dst]!;
  const observed = header.verdict === undefined ? undefined : parseObserved(fields[header.verdict.at], header.verdict.name);
  const time = header.time === undefined ? undefined : parseTimeText(fields[header.time.at], header.time.name);
  const protocol = classifyProtocol(header.protocol === undefined ? undefined : fields[header.protocol], 'protocol');
  if ('notApplicable' in protocol) {
    return { line, time, observed, srcLabel: srcText, dstLabel: dstText, kind: 'not-applicable', reason: protocol.notApplicable };
  }
  return {
    line,
    time,
    observed,
    srcLabel: srcText,
    dstLabel: dstText,
    kind: 'flow',
    flow: {
      src: endpoints.get(srcText, 'src'),
      dst: endpoints.get(dstText, 'dst'),
      protocol: protocol.protocol,
      port: parsePortField(fields[header.port], 'port'),
    },
  };
}
