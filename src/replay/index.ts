/**
 * @module Flow-log replay input: bytes (plain or gzip) or numbered lines in, records out, in runs
 * (one per input chunk), in one of four formats told apart from the first lines or forced:
 * Hubble JSON, AWS VPC Flow Logs, CSV with a header, NDJSON in the CLI's flow format. Nothing is
 * accumulated: memory stays bounded by the chunk and line sizes, whatever the input's size.
 */
import { splitLineRuns, type Line } from '../flow/lines.js';
import { createCsvFormatReader, isCsvHeader } from './csv.js';
import { gunzipIfNeeded } from './gzip.js';
import { isHubbleObject, readHubbleLine } from './hubble.js';
import { readHubbleBytes, readHubbleLines } from './hubble-records.js';
import { isNdjsonObject, readNdjsonLine } from './ndjson.js';
import { FlowLogFormatError, isBlank, readLines, readLinesInto, type FormatReader, type LogRecord, type RecordSink } from './records.js';
import { createVpcFormatReader, isVpcFirstLine } from './vpc.js';

export { gunzipIfNeeded } from './gzip.js';
export { FlowLogFormatError, type LogRecord, type Observed, type RecordKind } from './records.js';

export const FLOW_LOG_FORMATS = ['hubble', 'vpc', 'csv', 'ndjson'] as const;
export type FlowLogFormat = (typeof FLOW_LOG_FORMATS)[number];
const FORMAT_LIST = FLOW_LOG_FORMATS.join(', ');

/** For a format named on the command line. */
export function isFlowLogFormat(name: string): name is FlowLogFormat {
  return (FLOW_LOG_FORMATS as readonly string[]).includes(name);
}

/**
 * What reads one input in a format, with its fast path to flow records when it has one;
 * header-bearing formats keep state, so one per input.
 */
const READERS: Readonly<Record<FlowLogFormat, () => FormatReader>> = {
  hubble: () => ({ read: readHubbleLine, fastBytes: readHubbleBytes, fastLines: readHubbleLines }),
  vpc: createVpcFormatReader,
  csv: createCsvFormatReader,
  ndjson: () => ({ read: readNdjsonLine }),
};

/** Lines inspected for a JSON format before giving up: only unparseable or unrecognised objects come first. */
export const DETECT_MAX_LINES = 64;

/** Longest line read by default: Hubble flows with many labels run to a few KiB. */
export const MAX_LOG_LINE_BYTES = 256 * 1024;

export interface ReadFlowLogOptions {
  /** Forces a format; by default it is detected from the first non-blank line(s). */
  readonly format?: FlowLogFormat;
  /** Called once the format is known (forced or detected), before the first record. */
  readonly onFormat?: (format: FlowLogFormat) => void;
  /** With a forced format: header lines read before the input, which set the reader's state (see LogPart). */
  readonly prelude?: readonly string[];
  /**
   * Records-first reading: each line is offered to the format's fast path, which gives flows to
   * the sink as flow records; the records of the other lines go to the sink too, in order, and
   * the reading yields an empty run per run of lines read.
   */
  readonly sink?: RecordSink;
  /** Called with the format's reader of the input once it is made (byte-lines.ts offers lines to its fast path on bytes). */
  readonly onReader?: (reader: FormatReader) => void;
}

export interface ReadFlowLogBytesOptions extends ReadFlowLogOptions {
  /** A longer line is reported as an error record and skipped; default MAX_LOG_LINE_BYTES. */
  readonly maxLineBytes?: number;
  /** The bytes are a part of a log (replay --jobs), cut at a line boundary: read as described there. */
  readonly part?: LogPart;
}

/**
 * A part of a log cut at a line boundary, already inflated: its lines are numbered from
 * `firstLine`, and the reader first reads `prelude`, the header lines before the part that set
 * its state (they give no records). Its format must be given: it was told from the log's start.
 */
export interface LogPart {
  readonly firstLine: number;
  readonly prelude: readonly string[];
}

export type FlowLogParser = (lines: AsyncIterable<Line[]>) => AsyncGenerator<LogRecord[]>;

/** The parser of one format, for lines as splitLineRuns gives them. */
export function parserFor(format: FlowLogFormat): FlowLogParser {
  return (lines) => readFlowLog(lines, { format });
}

/**
 * The format a line announces, read as a first line: a VPC header or default-format record, a CSV
 * header, or a JSON object of Hubble's or of the CLI's flow format. Undefined when it says nothing.
 */
export function detectFormat(text: string): FlowLogFormat | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const object = value as Record<string, unknown>;
    if (isNdjsonObject(object)) return 'ndjson';
    return isHubbleObject(object) ? 'hubble' : undefined;
  }
  if (isVpcFirstLine(trimmed)) return 'vpc';
  return isCsvHeader(trimmed) ? 'csv' : undefined;
}

/**
 * Records from numbered lines, one array per run of lines that gave any. Throws
 * FlowLogFormatError when the format cannot be detected, or the input as a whole does not fit the
 * forced one (a CSV without its header); a malformed line is an error record and reading goes on.
 */
export async function* readFlowLog(
  lines: AsyncIterable<Line[]>,
  options: ReadFlowLogOptions = {},
): AsyncGenerator<LogRecord[]> {
  let reader = options.format === undefined ? undefined : startReading(options.format, options);
  for (const text of options.prelude ?? []) reader?.read(text, 0);
  const { sink } = options;
  const read = (run: readonly Line[], format: FormatReader): LogRecord[] => {
    if (sink === undefined) return readLines(run, format.read);
    readLinesInto(run, format, sink);
    return NO_RECORDS;
  };
  // Until the format is known, the non-blank lines read so far: at most DETECT_MAX_LINES, plus the
  // rest of the run that decided.
  let held: Line[] = [];
  for await (const run of lines) {
    if (reader === undefined) {
      const detected = detectInRun(run, held);
      if (detected === undefined) continue;
      reader = startReading(detected.format, options);
      const records = read(held.concat(run.slice(detected.at)), reader);
      held = [];
      if (records.length > 0 || sink !== undefined) yield records;
      continue;
    }
    const records = read(run, reader);
    if (records.length > 0 || sink !== undefined) yield records;
  }
  if (reader === undefined && held.length > 0) throw undetectedError(held.length);
}

const NO_RECORDS: LogRecord[] = [];

/** Records from bytes: plain or gzip, split into lines, then as readFlowLog. */
export function readFlowLogBytes(
  bytes: AsyncIterable<Uint8Array>,
  options: ReadFlowLogBytesOptions = {},
): AsyncGenerator<LogRecord[]> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LOG_LINE_BYTES;
  const { part } = options;
  if (part === undefined) return readFlowLog(splitLineRuns(gunzipIfNeeded(bytes), maxLineBytes), options);
  if (options.format === undefined) throw partWithoutFormat();
  return readFlowLog(splitLineRuns(bytes, maxLineBytes, part.firstLine), { ...options, prelude: part.prelude });
}

export function partWithoutFormat(): FlowLogFormatError {
  return new FlowLogFormatError('a part of a flow log is read in the format told from its start');
}

function startReading(format: FlowLogFormat, options: ReadFlowLogOptions): FormatReader {
  // Forced formats may come straight from the command line.
  if (!isFlowLogFormat(format)) {
    throw new FlowLogFormatError(`unknown flow log format ${JSON.stringify(format)}; use ${FORMAT_LIST}`);
  }
  options.onFormat?.(format);
  const reader = READERS[format]();
  options.onReader?.(reader);
  return reader;
}

/**
 * Looks for the deciding line in `run`, holding the undecided non-blank lines before it. A line
 * that is not JSON decides or fails at once: header-bearing formats must be known from their first
 * line. JSON lines that say nothing (unparseable, `{}`) are passed over, up to DETECT_MAX_LINES.
 */
export function detectInRun(run: readonly Line[], held: Line[]): { format: FlowLogFormat; at: number } | undefined {
  for (let at = 0; at < run.length; at++) {
    const line = run[at]!;
    if ('text' in line && isBlank(line.text)) continue;
    if ('text' in line) {
      const format = detectFormat(line.text);
      if (format !== undefined) return { format, at };
      if (!line.text.trimStart().startsWith('{')) {
        throw new FlowLogFormatError(
          `cannot tell the flow log format from line ${line.number}: it is neither JSON, a VPC Flow Logs ` +
            `header or record, nor a CSV header naming src, dst and port; name the format (${FORMAT_LIST})`,
        );
      }
    }
    held.push(line);
    if (held.length >= DETECT_MAX_LINES) throw undetectedError(held.length);
  }
  return undefined;
}

export function undetectedError(lines: number): FlowLogFormatError {
  return new FlowLogFormatError(
    `cannot tell the flow log format from the first ${lines} non-blank line(s): none is a Hubble flow ` +
      `or a {"src", "dst", ...} flow; name the format (${FORMAT_LIST})`,
  );
}
