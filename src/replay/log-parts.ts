/**
 * @module A flow log cut into parts at line boundaries, for replay --jobs: each part is whole lines
 * of the inflated log, with what its reader needs to read them as if it had read everything
 * before: the number of its first line, and the header lines before it (a CSV log's header; the
 * last VPC header, or the default one for a headerless VPC log; JSON formats have none). The
 * format is told from the log's start here, as readFlowLog tells it, with the same errors.
 */
import { splitLineRuns, type Line } from '../flow/lines.js';
import { gunzipIfNeeded } from './gzip.js';
import { detectInRun, MAX_LOG_LINE_BYTES, undetectedError, type FlowLogFormat, type LogPart } from './index.js';
import { isBlank } from './records.js';
import { isVpcHeader, VPC_DEFAULT_HEADER, VPC_HEADER_MARK } from './vpc.js';

/** Bytes per part (more when a line crosses the mark): large enough to amortise a worker's per-part cost. */
export const DEFAULT_PART_BYTES = 2 * 1024 * 1024;

const NEWLINE = 0x0a;

export interface LogPartBytes {
  readonly format: FlowLogFormat;
  readonly part: LogPart;
  /** Whole lines (the last part may end without a newline), in a buffer of their own. */
  readonly bytes: Uint8Array;
}

export interface CutOptions {
  /** Forced; otherwise told from the first lines (readFlowLog's detection). */
  readonly format?: FlowLogFormat;
  readonly partBytes?: number;
  readonly maxLineBytes?: number;
}

/**
 * The parts of a log, plain or gzip, in order. Throws FlowLogFormatError as readFlowLog does when
 * the format cannot be told; parts before the line that tells it are held (at most
 * DETECT_MAX_LINES lines that say nothing; parts of blank lines only are dropped, as they hold no record).
 */
export async function* cutFlowLog(source: AsyncIterable<Uint8Array>, options: CutOptions = {}): AsyncGenerator<LogPartBytes> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LOG_LINE_BYTES;
  let format = options.format;
  let headers = format === undefined ? undefined : new HeaderLines(format, maxLineBytes);
  let nextLine = 1;
  let held: { bytes: Uint8Array; firstLine: number }[] = [];
  const heldLines: Line[] = [];
  for await (const bytes of lineAlignedPieces(gunzipIfNeeded(source), options.partBytes ?? DEFAULT_PART_BYTES, maxLineBytes)) {
    const firstLine = nextLine;
    nextLine += countNewlines(bytes);
    if (headers === undefined) {
      const before = heldLines.length;
      const found = detectInRun(await linesOf(bytes, maxLineBytes, firstLine), heldLines);
      if (found === undefined) {
        if (heldLines.length > before) held.push({ bytes, firstLine });
        continue;
      }
      format = found.format;
      headers = new HeaderLines(found.format, maxLineBytes);
      for (const piece of held) yield headers.partOf(piece.bytes, piece.firstLine);
      held = [];
    }
    yield headers.partOf(bytes, firstLine);
  }
  if (format === undefined && heldLines.length > 0) throw undetectedError(heldLines.length);
}

/** The header lines a part's reader needs, per format, kept up to date part after part. */
class HeaderLines {
  /** The first non-blank, readable line: a CSV header, a VPC header or first record. */
  private first: string | undefined;
  /** VPC: the header in force. */
  private vpcHeader: string | undefined;

  constructor(
    private readonly format: FlowLogFormat,
    private readonly maxLineBytes: number,
  ) {}

  /** `bytes` as a part: the header lines before it, then what it changes for the parts after it. */
  partOf(bytes: Uint8Array, firstLine: number): LogPartBytes {
    const prelude = this.prelude();
    if (this.format === 'csv' || this.format === 'vpc') this.read(bytes);
    return { format: this.format, part: { firstLine, prelude }, bytes };
  }

  private prelude(): string[] {
    if (this.format === 'csv') return this.first === undefined ? [] : [this.first];
    if (this.format === 'vpc') return this.vpcHeader === undefined ? [] : [this.vpcHeader];
    return [];
  }

  private read(bytes: Uint8Array): void {
    const buffer = asBuffer(bytes);
    if (this.first === undefined) {
      this.first = this.firstLineOf(buffer);
      // A headerless VPC log is read in the default format from its first record on.
      if (this.first !== undefined && this.format === 'vpc') this.vpcHeader = isVpcHeader(this.first) ? this.first : VPC_DEFAULT_HEADER;
    }
    if (this.format !== 'vpc') return;
    // A later header replaces the one before (files concatenated): every header names dstport.
    for (let at = buffer.indexOf(VPC_HEADER_MARK); at !== -1; ) {
      const start = buffer.lastIndexOf(NEWLINE, at) + 1;
      const newline = buffer.indexOf(NEWLINE, at);
      const end = newline === -1 ? buffer.length : newline;
      const text = this.textOf(buffer, start, end);
      if (text !== undefined && isVpcHeader(text)) this.vpcHeader = text;
      at = newline === -1 ? -1 : buffer.indexOf(VPC_HEADER_MARK, newline);
    }
  }

  private firstLineOf(buffer: Buffer): string | undefined {
    for (let start = 0; start < buffer.length; ) {
      const newline = buffer.indexOf(NEWLINE, start);
      const end = newline === -1 ? buffer.length : newline;
      const text = this.textOf(buffer, start, end);
      if (text !== undefined && !isBlank(text)) return text;
      if (newline === -1) break;
      start = newline + 1;
    }
    return undefined;
  }

  /** A line's text as splitLineRuns reads it; undefined for a line it reports as an error. */
  private textOf(buffer: Buffer, start: number, end: number): string | undefined {
    if (end - start > this.maxLineBytes) return undefined;
    const stop = end > start && buffer[end - 1] === 0x0d ? end - 1 : end;
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buffer.subarray(start, stop));
    } catch {
      return undefined;
    }
  }
}

/**
 * The bytes in pieces of whole lines of at least `partBytes` (the last one: what is left), each
 * in a buffer of its own (it can be transferred to a worker). An over-long line is cut to
 * maxLineBytes + 1 bytes: still over-long, it is reported as splitLineRuns reports it, and the
 * rest of it is never held.
 */
async function* lineAlignedPieces(source: AsyncIterable<Uint8Array>, partBytes: number, maxLineBytes: number): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let size = 0;
  /** Where the line not yet ended starts, in the bytes held. */
  let lineStart = 0;
  let skipping = false;
  for await (const input of source) {
    let chunk = asBuffer(input);
    if (skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) continue;
      chunk = chunk.subarray(newline);
      skipping = false;
    }
    parts.push(chunk);
    const last = chunk.lastIndexOf(NEWLINE);
    if (last !== -1) lineStart = size + last + 1;
    size += chunk.length;
    if (size - lineStart > maxLineBytes + 1) {
      parts = [concat(parts, size).subarray(0, lineStart + maxLineBytes + 1)];
      size = lineStart + maxLineBytes + 1;
      skipping = true;
    }
    if (lineStart >= partBytes) {
      const whole = concat(parts, size);
      // The rest is copied out first: the piece's buffer may move to a worker.
      parts = lineStart < size ? [whole.slice(lineStart)] : [];
      size -= lineStart;
      const end = lineStart;
      lineStart = 0;
      yield whole.subarray(0, end);
    }
  }
  if (size > 0) yield concat(parts, size);
}

/** The lines of a piece, numbered from `firstLine`. */
async function linesOf(bytes: Uint8Array, maxLineBytes: number, firstLine: number): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const run of splitLineRuns(once(bytes), maxLineBytes, firstLine)) lines.push(...run);
  return lines;
}

/** Bytes a part is read in: records of one piece die young, where those of a whole part would outlive a scavenge. */
export const READ_PIECE_BYTES = 64 * 1024;

/** A part as pieces of about READ_PIECE_BYTES, cut after a newline where there is one (views, no copies). */
export async function* linePieces(bytes: Uint8Array, pieceBytes = READ_PIECE_BYTES): AsyncGenerator<Uint8Array> {
  const buffer = asBuffer(bytes);
  let start = 0;
  while (buffer.length - start > pieceBytes) {
    const newline = buffer.lastIndexOf(NEWLINE, start + pieceBytes - 1);
    const end = newline >= start ? newline + 1 : start + pieceBytes;
    yield bytes.subarray(start, end);
    start = end;
  }
  if (start < buffer.length) yield bytes.subarray(start);
}

/** One chunk as a stream of chunks. */
async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

export function countNewlines(bytes: Uint8Array): number {
  const buffer = asBuffer(bytes);
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/** Node's Buffer over the same memory: its indexOf is a native search. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The pieces in one new buffer, always a copy: a part must own its memory. */
function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return out;
}
