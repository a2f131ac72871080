/**
 * @module CSV's and VPC's fast path on many lines (FastLinesReader, byte-lines.ts): rows read in
 * WASM (rows-wasm.ts, core-as/rows), many a call, each as the format's fast path on one line
 * (csv-bytes.ts, vpc-bytes.ts) reads it, up to one it would not take, which is left to the line
 * by line path. A row's conversation is looked up in WASM by its endpoints' bytes, and made there
 * between endpoint texts it knows; a text it never met is looked up (or made) in the endpoint
 * table here, as the fast path on one line does, and taught to it with the table's entry. The host
 * does per line only what the table and the sink must: the conversation's service, the flow given
 * to the sink, and a time the module does not read (RFC 3339).
 */
import { PROTOCOL_CODE } from '../compile/layout.js';
import { NOT_A_TIME, timeOfBytes } from './byte-fields.js';
import { asciiText, isPlainText, type EndpointDecoder, type EndpointRecords, type FastLinesReader, type FlowSink, type LinesTaken } from './flow-records.js';
import { OBSERVED_WORDS, PROTOCOL_WORDS } from './records.js';
import { COLUMN_COUNT, READ, RowScanner, rowScannerModule } from './rows-wasm.js';
import { TALLY_STRIDE } from './service-tally.js';

/**
 * After readLines: RowScanner.lines holds the offset past the last line read (END), the lines read
 * (READ, tallied ones included) and the tallies written (TALLIED), then from FIRST each written
 * line's fields, STRIDE apart (as core-as/rows/layout.ts's LINE_*): its start, its number among
 * the lines read (INDEX) or for a new line which endpoint texts the module must be taught
 * (UNKNOWN: 1 the source, 2 the destination), protocol * 65536 + port, observed verdict (OBSERVED_CODE, or REPLY), each time's bounds
 * when the host reads it (else -1, and its value is the f64 at TIME_VALUE, TIME_END_VALUE); then
 * for a line taken, the service noted on its conversation for this protocol and port (-1: none),
 * its record and its endpoints' entries, or for a new one its endpoints' bounds.
 */
export const LINE = { END: 0, READ: 1, TALLIED: 2, FIRST: 4, START: 0, INDEX: 1, UNKNOWN: 1, SERVICE: 2, OBSERVED: 3, TIME: 4, TIME_END: 6, TIME_VALUE: 8, TIME_END_VALUE: 10, NOTED: 12, RECORD: 13, SRC_ENTRY: 14, DST_ENTRY: 15, SRC: 12, DST: 14, STRIDE: 16, REPLY: 3 } as const;
/** The columns written for the module (core-as/rows/layout.ts's COLUMN_*). */
const COLUMN = { WIDTH: 0, SRC: 1, DST: 2, PACKET_SRC: 3, PACKET_DST: 4, PORT: 5, PROTOCOL: 6, VERDICT: 7, TIME: 8, TIME_END: 9, SRC_PORT: 10, TCP_FLAGS: 11, STATUS: 12, TCP_CODE: 13 } as const;
/** Rows wider than this are read line by line (as the module's MAX_WIDTH). */
const MAX_WIDTH = 63;
/** As core-as/rows/layout.ts's LAYOUT_CHECK (its 2: MAX_LINES / 256). */
const LAYOUT_CHECK = 4_000_000 + TALLY_STRIDE * 100_000 + LINE.STRIDE * 1000 + LINE.SRC * 10 + 2;

/** The record statuses VPC's fast path leaves to its LineReader (vpc-bytes.ts). */
export const VPC_SKIPPED_STATUSES: readonly string[] = ['NODATA', 'SKIPDATA'];

const encoder = new TextEncoder();
const encode = (words: readonly (readonly [string, number])[]): (readonly [Uint8Array, number])[] => words.map(([word, code]) => [encoder.encode(word), code]);
/** The module's word lists, in the order of core-as/rows/layout.ts's WORDS_*. */
const WORD_LISTS = [encode(OBSERVED_WORDS), encode(PROTOCOL_WORDS), encode(VPC_SKIPPED_STATUSES.map((status) => [status, 1]))];

/** A format's rows as the module reads them: which reader, the columns, and what the fast path on one line names its fields. */
export interface RowColumns {
  readonly format: 0 | 1;
  readonly values: Int32Array;
  readonly decode: EndpointDecoder;
  readonly srcField: string;
  readonly dstField: string;
  readonly timeName: string;
  readonly timeEndName: string;
}

type ColumnName = Exclude<keyof typeof COLUMN, 'WIDTH' | 'TCP_CODE'>;

/** The RowColumns of a header's columns (absent ones undefined); undefined when its rows are too wide for the module. */
export function rowColumns(format: 'csv' | 'vpc', width: number, at: Partial<Record<ColumnName, number | undefined>>, names: Omit<RowColumns, 'format' | 'values'>): RowColumns | undefined {
  if (width > MAX_WIDTH) return undefined;
  const values = new Int32Array(COLUMN_COUNT).fill(-1);
  values[COLUMN.WIDTH] = width;
  values[COLUMN.TCP_CODE] = PROTOCOL_CODE.TCP;
  for (const [name, column] of Object.entries(at) as [ColumnName, number | undefined][]) if (column !== undefined) values[COLUMN[name]] = column;
  return { format: format === 'csv' ? 0 : 1, values, ...names };
}

/** The bits kept of the conversations' hashes by tables met from now on (cutRowHashes). */
let hashMask = -1;

/** For tests: tables met from now on keep only the bits of `mask` of their conversations' hashes in WASM (-1: all), so that conversations collide and their bytes must decide. */
export function cutRowHashes(mask: number): void {
  hashMask = mask;
}

/** The module's instance for one endpoint table, forgetting what it was taught whenever the table numbers it again. */
class TableRows {
  readonly scanner = new RowScanner(rowScannerModule(), LINE.STRIDE, LAYOUT_CHECK, WORD_LISTS);
  private generation: number;
  private epoch: number;
  /** The tally (or sink) the module's marks count into (a table may outlive a replay: replay --jobs' workers keep theirs). */
  private marksOf: object | undefined;

  constructor(readonly table: EndpointRecords) {
    this.generation = table.generation;
    this.epoch = table.services.epoch;
    if (hashMask !== -1) this.scanner.cutHash(hashMask);
  }

  /**
   * Forgets the texts once the table has dropped its entries, the conversations once it has
   * numbered its services again (they note them), and the tally marks then too, or when `sink`
   * counts into another tally (FlowSink.tally; a sink without one: another sink).
   */
  keepCurrent(sink: FlowSink): void {
    const { generation, services } = this.table;
    const renumbered = services.epoch !== this.epoch;
    const marksOf = sink.tally ?? sink;
    if (generation !== this.generation) this.scanner.forgetEndpoints();
    else if (renumbered) this.scanner.clearConversations();
    if (renumbered || generation !== this.generation || marksOf !== this.marksOf) this.scanner.clearMarks();
    this.generation = generation;
    this.epoch = services.epoch;
    this.marksOf = marksOf;
  }
}

const rowsByTable = new WeakMap<EndpointRecords, TableRows>();
let last: TableRows | undefined;

function rowsOf(table: EndpointRecords): TableRows {
  if (last?.table === table) return last;
  let rows = rowsByTable.get(table);
  if (rows === undefined) rowsByTable.set(table, (rows = new TableRows(table)));
  return (last = rows);
}

/** The time at `slot` of the line at `r`: its value, or read from its bounds in `bytes`. */
function timeAt(bytes: Uint8Array, scanner: RowScanner, r: number, slot: number, valueSlot: number, name: string): number {
  const start = scanner.lines[r + slot]!;
  return start < 0 ? scanner.times[(r + valueSlot) >> 1]! : timeOfBytes(bytes, start, scanner.lines[r + slot + 1]!, name);
}

/**
 * The fast path on many lines of rows with `columns` (FastLinesReader): lines taken while the
 * module takes them, each endpoint text it did not know looked up in (or added to) the table and
 * taught to it, then its line read again. A flow the sink counts per service marks its kind in the
 * module, which from then on only tallies such lines (handed over in bulk, `FlowSink.tallied`).
 */
export function readRowLines(columns: RowColumns, bytes: Uint8Array, start: number, line: number, sink: FlowSink, chunk: number, maxLineBytes: number, taken: LinesTaken): void {
  const table = sink.endpoints(columns.decode);
  const rows = rowsOf(table);
  const scanner = rows.scanner;
  const { timeName, timeEndName } = columns;
  /** The number of the first line of the current call. */
  let first = line;
  let at = start;
  /** The start of the line whose texts were taught last. */
  let taught = -1;
  for (;;) {
    rows.keepCurrent(sink);
    const read = scanner.readLines(columns.format, columns.values, bytes, at, chunk, maxLineBytes);
    const lines = scanner.lines;
    const end = LINE.FIRST + (read >> READ.SHIFT) * LINE.STRIDE;
    // Tallied lines come before any line whose time is read here (none is left to the line by line path).
    const tallied = lines[LINE.TALLIED]!;
    if (tallied > 0) sink.tallied(table, scanner.tallies(tallied));
    let r = LINE.FIRST;
    for (; r < end; r += LINE.STRIDE) {
      const time = timeAt(bytes, scanner, r, LINE.TIME, LINE.TIME_VALUE, timeName);
      const timeEnd = timeAt(bytes, scanner, r, LINE.TIME_END, LINE.TIME_END_VALUE, timeEndName);
      if (time === NOT_A_TIME || timeEnd === NOT_A_TIME) break;
      const observed = lines[r + LINE.OBSERVED]!;
      if (observed === LINE.REPLY) sink.reply();
      else {
        let service = lines[r + LINE.NOTED]!;
        if (service < 0) service = serviceOf(scanner, table, r);
        if (sink.serviceFlow(table, service, first + lines[r + LINE.INDEX]!, observed, time, timeEnd)) scanner.mark(service * TALLY_STRIDE + observed);
      }
    }
    if (r < end) {
      taken.lines = first + lines[r + LINE.INDEX]! - line;
      taken.end = lines[r + LINE.START]!;
      return;
    }
    first += lines[LINE.READ]!;
    taken.lines = first - line;
    const stop = lines[LINE.END]!;
    taken.end = stop;
    if ((read & READ.NEW) !== 0) {
      // Taught its texts, the line is read again; taught twice, it is the line by line path's.
      if (stop === taught) return;
      teach(columns, rows, bytes, r);
      taught = at = stop;
      continue;
    }
    at = stop;
    if ((read & (READ.CUT | READ.MORE)) === 0 && read >> READ.SHIFT < scanner.maxLines) return;
  }
}

/** The service of the line at `r` between its endpoints' entries, noted on its conversation in the module once its verdicts are known (as EndpointRecords.conversationService notes it). */
function serviceOf(scanner: RowScanner, table: EndpointRecords, r: number): number {
  const lines = scanner.lines;
  const key = lines[r + LINE.SERVICE]!;
  const services = table.services;
  const service = services.find(lines[r + LINE.SRC_ENTRY]!, lines[r + LINE.DST_ENTRY]!, key >>> 16, key & 0xffff);
  if (services.known(service)) scanner.note(lines[r + LINE.RECORD]!, key, service);
  return service;
}

/**
 * Teaches the module the endpoint texts of the line at `r` it did not know: each looked up in (or
 * added to) the table as EndpointRecords.newConversation does (refused unless plain text).
 */
function teach(columns: RowColumns, rows: TableRows, bytes: Uint8Array, r: number): void {
  const { scanner, table } = rows;
  const lines = scanner.lines;
  const unknown = lines[r + LINE.UNKNOWN]!;
  if ((unknown & 1) !== 0) teachText(scanner, table, bytes, lines[r + LINE.SRC]!, lines[r + LINE.SRC + 1]!, columns.srcField);
  if ((unknown & 2) !== 0) teachText(scanner, table, bytes, lines[r + LINE.DST]!, lines[r + LINE.DST + 1]!, columns.dstField);
}

function teachText(scanner: RowScanner, table: EndpointRecords, bytes: Uint8Array, start: number, end: number, field: string): void {
  scanner.teach(start, end, isPlainText(bytes, start, end) ? table.entry(asciiText(bytes, start, end), field) : -1);
}

/** A FastLinesReader over the columns `current` gives (none: nothing is taken). */
export function rowLinesReader(current: () => RowColumns | undefined): FastLinesReader {
  return (bytes, start, line, sink, chunk, maxLineBytes, taken) => {
    const columns = current();
    if (columns === undefined) {
      taken.lines = 0;
      taken.end = start;
      return;
    }
    readRowLines(columns, bytes, start, line, sink, chunk, maxLineBytes, taken);
  };
}
