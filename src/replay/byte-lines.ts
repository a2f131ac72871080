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
import { decodeLine, lineDecoder, PendingLine, tooLongLine, wholeLines, type Line } from '../flow/lines.js';
import { gunzipIfNeeded } from './gzip.js';
import { LineFeeds } from './line-feeds.js';
import { MAX_LOG_LINE_BYTES, partWithoutFormat, readFlowLog, type ReadFlowLogBytesOptions } from './index.js';
import type { FastBytesReader, LinesTaken } from './flow-records.js';
import type { FormatReader, LogRecord, RecordSink } from './records.js';

const CR = 0x0d;
const BOM = 0xfeff;

/** The last serial given to bytes offered to a fast path (FastBytesReader's `chunk`): one per chunk and per line put together, never reused. */
let lastSerial = 0;

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
  const pending = new PendingLine(maxLineBytes);
  const lines = new OfferedLines(firstLine, reading, sink, decoder);

  for await (const chunk of chunks) {
    // Its own serial even when its buffer is one used before (the source may refill it).
    const serial = ++lastSerial;
    const feeds = new LineFeeds(chunk);
    let start = 0;
    while (start < chunk.length) {
      // Whole lines the format's fast path on many lines takes (Hubble's): once lines waiting are read.
      if (reading.reader?.fastLines !== undefined && !pending.waiting) {
        if (lines.readFirst()) yield lines.take();
        if (lines.offerMany(chunk, start, serial, maxLineBytes)) {
          start = lines.taken.end;
          continue;
        }
      } else {
        // A line at a time, while the format's fast path on one line takes them (CSV's, VPC's).
        const fast = reading.reader?.fastBytes;
        if (fast !== undefined && lines.run.length === 0 && !pending.waiting) {
          start = lines.offerWhileTaken(chunk, feeds, start, maxLineBytes, serial, fast);
          if (start === chunk.length) break;
        }
      }
      const newline = feeds.next(start);
      if (newline === -1 || pending.waiting) {
        pending.add(chunk, start, newline === -1 ? chunk.length : newline);
        if (newline === -1) break;
        start = newline + 1;
        yield* endPending();
        continue;
      }
      if (reading.reader !== undefined && reading.reader.fastBytes === undefined) {
        // A format without a fast path on bytes: the chunk's whole lines in one decode, as splitLineRuns reads them.
        const whole = wholeLines(chunk, start, maxLineBytes, decoder);
        if (whole !== undefined) {
          lines.addDecoded(whole.lines);
          start = whole.end;
          continue;
        }
      }
      const lineStart = start;
      start = newline + 1;
      if (newline - lineStart > maxLineBytes) {
        lines.run.push(tooLongLine(++lines.number, maxLineBytes));
        continue;
      }
      // Lines waiting are read first: one of them may be the header the fast path reads with.
      if (lines.readFirst()) yield lines.take();
      lines.offer(chunk, lineStart, newline, serial);
      // Until the format is known, each line is read before the next one.
      if (reading.reader === undefined) yield lines.take();
    }
    yield lines.take();
  }
  if (pending.waiting) {
    yield* endPending();
    yield lines.take();
  }

  /** The line whose bytes wait in `pending` is offered to the fast path on bytes as any other line, once put together. */
  function* endPending(): Generator<Line[]> {
    const bytes = pending.take();
    if (bytes === undefined) {
      lines.run.push(tooLongLine(++lines.number, maxLineBytes));
      return;
    }
    if (lines.readFirst()) yield lines.take();
    lines.offer(bytes, 0, bytes.length, ++lastSerial);
    if (reading.reader === undefined) yield lines.take();
  }
}

/** splitTakingFast's run of lines not taken, and the number of the last line read. */
class OfferedLines {
  run: Line[] = [];
  number: number;

  constructor(
    firstLine: number,
    private readonly reading: ReaderHolder,
    private readonly sink: RecordSink,
    private readonly decoder: TextDecoder,
  ) {
    this.number = firstLine - 1;
  }

  /** The run so far, to be handed over. */
  take(): Line[] {
    const run = this.run;
    this.run = [];
    return run;
  }

  /** Whether lines not taken wait and must be read before a line is offered to the fast path on bytes. */
  readFirst(): boolean {
    return this.run.length > 0 && this.reading.reader?.fastBytes !== undefined;
  }

  /** The next line, bytes [start, newline) (its line feed excluded) of the bytes of serial `chunk`: the fast path's when it takes it, else a Line. */
  offer(bytes: Uint8Array, start: number, newline: number, chunk: number): void {
    const number = ++this.number;
    const fast = this.reading.reader?.fastBytes;
    const end = newline > start && bytes[newline - 1] === CR ? newline - 1 : newline;
    if (fast === undefined || !fast(bytes, start, end, number, this.sink, chunk)) this.run.push(decodeLine(bytes, start, newline, number, this.decoder));
  }

  /** What the last offerMany took. */
  readonly taken: LinesTaken = { lines: 0, end: 0 };

  /** The whole lines of `bytes` from `start` offered to the fast path on many lines: whether it took any (`taken` says how far). */
  offerMany(bytes: Uint8Array, start: number, chunk: number, maxLineBytes: number): boolean {
    this.reading.reader!.fastLines!(bytes, start, this.number + 1, this.sink, chunk, maxLineBytes, this.taken);
    this.number += this.taken.lines;
    return this.taken.lines > 0;
  }

  /**
   * offer for the whole lines of `bytes` from `start` on, while the fast path `fast` takes them and
   * nothing waits (the common case, in one loop): stops after the first line it does not take (then
   * in the run), before a line longer than `maxLineBytes`, or when no line feed follows. Returns
   * where the next line starts.
   */
  offerWhileTaken(bytes: Uint8Array, feeds: LineFeeds, start: number, maxLineBytes: number, chunk: number, fast: FastBytesReader): number {
    const sink = this.sink;
    for (;;) {
      const newline = feeds.next(start);
      if (newline === -1 || newline - start > maxLineBytes) return start;
      const number = ++this.number;
      const end = newline > start && bytes[newline - 1] === CR ? newline - 1 : newline;
      const lineStart = start;
      start = newline + 1;
      if (!fast(bytes, lineStart, end, number, sink, chunk)) {
        this.run.push(decodeLine(bytes, lineStart, newline, number, this.decoder));
        return start;
      }
    }
  }

  /** Whole lines decoded at once, as splitLineRuns numbers them (the stream's BOM dropped). */
  addDecoded(texts: readonly string[]): void {
    for (const text of texts) {
      const number = ++this.number;
      this.run.push({ number, text: number === 1 && text.charCodeAt(0) === BOM ? text.slice(1) : text });
    }
  }
}
