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
import { countLineFeeds } from './line-feed-count.js';
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
  /** Where parts' buffers come from (and go back to once replayed); else each part gets a new one. */
  readonly buffers?: PartBuffers;
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
  for await (const bytes of lineAlignedPieces(gunzipIfNeeded(source), options.partBytes ?? DEFAULT_PART_BYTES, maxLineBytes, options.buffers ?? NO_POOL)) {
    const firstLine = nextLine;
    nextLine += countLineFeeds(bytes);
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
 * Buffers for parts, handed back (give) once a part is replayed, so that cutting a long log
 * allocates a few buffers, not one of 2 MiB per part: off-heap memory allocated that fast drove
 * the main thread's full collections.
 */
export class PartBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** `keep`: free buffers held at most (about the parts in flight). */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `bytes` (its content is of no use). */
  take(bytes: number): Uint8Array {
    const at = this.free.findIndex((buffer) => buffer.byteLength >= bytes);
    if (at === -1) return new Uint8Array(bytes);
    return new Uint8Array(this.free.splice(at, 1)[0]!);
  }

  /** A part's buffer back, once nothing reads it (a buffer moved to a worker and not back is detached: dropped). */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    if (buffer.byteLength > 0 && this.free.length < this.keep) this.free.push(buffer);
  }
}

/** Without a pool: every part in a new buffer. */
const NO_POOL = new PartBuffers(0);

/**
 * The bytes in pieces of whole lines of at least `partBytes` (the last one: what is left), each
 * at the start of a buffer of its own (it can be transferred to a worker), from `buffers`. Each
 * chunk is copied as it comes: no view of a chunk is held (a source may refill its buffer). An
 * over-long line is cut to maxLineBytes + 1 bytes: still over-long, it is reported as
 * splitLineRuns reports it, and the rest of it is never held.
 */
async function* lineAlignedPieces(source: AsyncIterable<Uint8Array>, partBytes: number, maxLineBytes: number, buffers: PartBuffers): AsyncGenerator<Uint8Array> {
  // Room for a part and the chunk that passes its mark, most of the time.
  const room = partBytes + Math.min(partBytes, 1024 * 1024);
  let part = buffers.take(room);
  let size = 0;
  /** Where the line not yet ended starts, in `part`. */
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
    if (size + chunk.length > part.length) {
      const wider = buffers.take(Math.max(2 * part.length, size + chunk.length));
      wider.set(part.subarray(0, size));
      buffers.give(part);
      part = wider;
    }
    part.set(chunk, size);
    const last = chunk.lastIndexOf(NEWLINE);
    if (last !== -1) lineStart = size + last + 1;
    size += chunk.length;
    if (size - lineStart > maxLineBytes + 1) {
      size = lineStart + maxLineBytes + 1;
      skipping = true;
    }
    if (lineStart >= partBytes) {
      // The rest goes to the next part's buffer first: this one may move to a worker.
      const next = buffers.take(Math.max(room, size - lineStart));
      next.set(part.subarray(lineStart, size));
      const whole = part.subarray(0, lineStart);
      part = next;
      size -= lineStart;
      lineStart = 0;
      yield whole;
    }
  }
  if (size > 0) yield part.subarray(0, size);
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

/** Node's Buffer over the same memory: its indexOf is a native search. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
