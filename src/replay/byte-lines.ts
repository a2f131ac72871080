/**
 * @module The records path's reading of bytes (record-stream.ts): lines are split on the bytes,
 * and each one (a line that spans chunks too, its bytes put together) is offered first to the
 * fast path on bytes of its format's reader (FormatReader.fastBytes), which makes no string for a
 * line it takes. Every other line is decoded as splitLineRuns decodes it and read by readFlowLog
 * in its place (the format's fast path on text where it has one, then its LineReader), so that
 * records, line numbers and errors are those of readFlowLogBytes. Lines not taken are handed over
 * before the next line is offered, so a line that changes the reader's state (a header) is read
 * before the lines after it.
 */
import { decodeLine, lineDecoder, wholeLines, type Line } from '../flow/lines.js';
import { gunzipIfNeeded } from './gzip.js';
import { MAX_LOG_LINE_BYTES, partWithoutFormat, readFlowLog, type ReadFlowLogBytesOptions } from './index.js';
import type { FormatReader, LogRecord, RecordSink } from './records.js';

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/** readFlowLogBytes with a sink (records-first reading), lines offered to the fast path on bytes first. */
export function readFlowLogRecords(bytes: AsyncIterable<Uint8Array>, options: ReadFlowLogBytesOptions & { readonly sink: RecordSink }): AsyncGenerator<LogRecord[]> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LOG_LINE_BYTES;
  const { part } = options;
  if (part !== undefined && options.format === undefined) throw partWithoutFormat();
  const reading: ReaderHolder = { reader: undefined };
  const lines = splitTakingFast(part === undefined ? gunzipIfNeeded(bytes) : bytes, maxLineBytes, part?.firstLine ?? 1, reading, options.sink);
  return readFlowLog(lines, { ...options, prelude: part?.prelude, onReader: (reader) => (reading.reader = reader) });
}

interface ReaderHolder {
  reader: FormatReader | undefined;
}

/**
 * splitLineRuns, but a line the reader's fast path on bytes takes gives no Line. A run is handed
 * over at the end of each chunk (possibly empty, so that the caller may decide what it holds),
 * and before any line is offered while lines not taken wait.
 */
async function* splitTakingFast(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number, firstLine: number, reading: ReaderHolder, sink: RecordSink): AsyncGenerator<Line[]> {
  const decoder = lineDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let number = firstLine - 1;
  let run: Line[] = [];

  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      if (newline === -1 || pendingBytes > 0 || overflow) {
        const end = newline === -1 ? chunk.length : newline;
        if (!overflow) {
          pendingBytes += end - start;
          if (pendingBytes > maxLineBytes) {
            overflow = true;
            pending = [];
          } else {
            pending.push(chunk.subarray(start, end));
          }
        }
        if (newline === -1) break;
        start = newline + 1;
        yield* endPending();
        continue;
      }
      if (reading.reader !== undefined && reading.reader.fastBytes === undefined) {
        // A format without a fast path on bytes: the chunk's whole lines in one decode, as splitLineRuns reads them.
        const whole = wholeLines(chunk, start, maxLineBytes, decoder);
        if (whole !== undefined) {
          for (const text of whole.lines) run.push({ number: ++number, text: number === 1 && text.charCodeAt(0) === BOM ? text.slice(1) : text });
          start = whole.end;
          continue;
        }
      }
      number++;
      const lineStart = start;
      start = newline + 1;
      if (newline - lineStart > maxLineBytes) {
        run.push(tooLong(number, maxLineBytes));
        continue;
      }
      const fast = reading.reader?.fastBytes;
      if (fast === undefined) {
        run.push(decodeLine(chunk, lineStart, newline, number, decoder));
        // Until the format is known, each line is read before the next one.
        if (reading.reader === undefined) {
          yield run;
          run = [];
        }
        continue;
      }
      // Lines waiting are read first: one of them may be the header the fast path reads with.
      if (run.length > 0) {
        yield run;
        run = [];
      }
      const end = newline > lineStart && chunk[newline - 1] === CR ? newline - 1 : newline;
      if (!fast(chunk, lineStart, end, number, sink)) run.push(decodeLine(chunk, lineStart, newline, number, decoder));
    }
    yield run;
    run = [];
  }
  if (pendingBytes > 0 || overflow) {
    yield* endPending();
    yield run;
  }

  /**
   * The line whose bytes wait in `pending` (it spans chunks, or ends the input without a line
   * feed) is offered to the fast path on bytes as any other line, once its bytes are put together.
   */
  function* endPending(): Generator<Line[]> {
    number++;
    if (overflow) {
      run.push(tooLong(number, maxLineBytes));
    } else {
      const bytes = concat(pending, pendingBytes);
      const fast = reading.reader?.fastBytes;
      // Lines waiting are read first, as below.
      if (fast !== undefined && run.length > 0) {
        yield run;
        run = [];
      }
      const end = pendingBytes > 0 && bytes[pendingBytes - 1] === CR ? pendingBytes - 1 : pendingBytes;
      if (fast === undefined || !fast(bytes, 0, end, number, sink)) run.push(decodeLine(bytes, 0, pendingBytes, number, decoder));
      // Until the format is known, each line is read before the next one.
      if (reading.reader === undefined) {
        yield run;
        run = [];
      }
    }
    pending = [];
    pendingBytes = 0;
    overflow = false;
  }
}

function tooLong(number: number, maxLineBytes: number): Line {
  return { number, error: `line is longer than ${maxLineBytes} bytes` };
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
