/**
 * @module NDJSON flow bytes answered through flow records, for an in-process engine without
 * explanation: lines are found in the input chunks by their LF, a compact flow line
 * (src/flow/flow-line-bytes.ts) becomes a flow record without a string being made (most of them
 * read by the WASM core itself, many a call: flow-line-scanner.ts; the others, such as a line
 * naming an endpoint for the first time, by line-records.ts, which hands the endpoints it resolves
 * to the core's scanner), the records are decided in batches and each verdict record becomes its line
 * by its codes. Every other line is decoded as splitLineRuns decodes it (the same line numbers,
 * length limit, UTF-8 check, BOM and CR handling) and answered by the text path, as are the flows
 * the engine refuses (their messages need the Flow): the output is the text path's, byte for byte.
 * Each chunk's output is made as bytes, then handed out as a text (answerNDJSONBytes) or as the
 * bytes themselves (answerNDJSONToBytes, for a writer of bytes such as the batch API).
 */
import { FLOW_RECORD, FLOW_RECORD_BYTES, STATUS, VERDICT_RECORD, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import type { Engine } from '../engine/engine.js';
import type { EndpointResolver } from '../engine/endpoints.js';
import type { FlowLineScanner } from '../engine/flow-line-scanner.js';
import { lineRecordWriter, type LineRecordWriter } from '../engine/line-records.js';
import { COMPACT } from '../flow/flow-line-bytes.js';
import { decodeLine, lineDecoder } from '../flow/lines.js';
import { errorJSON, recordTemplate, templateLine } from './verdict-lines.js';

const LF = 0x0a;
const CR = 0x0d;
/** An output line whose record waits for decide(), and one whose answer is a text (in `texts`). */
const PENDING = -1;
const TEXT = -2;
/**
 * The bytes of a chunk's output lines, made its output at once: one buffer for all answers, as it
 * is filled and read without a pause (no await between).
 */
let templateOutput = new Uint8Array(64 * 1024);
/** A larger buffer than this (a huge chunk's answers) is not kept for the next. */
const MAX_KEPT_OUTPUT_BYTES = 1 << 20;
const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** A line the text path answers: its number and text, and where its answer goes. */
interface TextLine {
  readonly number: number;
  readonly text: string;
  readonly slot: number;
}

export interface ByteAnswerLimits {
  readonly maxLineBytes: number;
  /** Flow records decided together (one engine call). */
  readonly batchLines: number;
  /** Flows in all; past it `tooMany` is thrown. */
  readonly maxFlows?: number;
}

/** What the byte path answers with: `answerText` answers the lines the record path does not take (answerLines). */
export interface ByteAnswerSetup {
  readonly engine: Engine;
  readonly resolver: EndpointResolver;
  /** The core's scanner of compact lines (the engine's flowLines), when it has one: it takes most lines, many a call. */
  readonly scanner?: FlowLineScanner;
  readonly limits: ByteAnswerLimits;
  readonly answerText: (lines: readonly { number: number; text: string }[]) => Promise<string[]>;
  /** The error thrown past `limits.maxFlows`. */
  readonly tooMany: (limit: number) => Error;
}

/** The verdict lines of `chunks`, one text per input chunk that completed a line (as answerNDJSON yields them). */
export function answerNDJSONBytes(chunks: AsyncIterable<Uint8Array>, setup: ByteAnswerSetup): AsyncGenerator<string> {
  return answerAs(chunks, setup, (bytes) => utf8.decode(bytes));
}

/**
 * As answerNDJSONBytes, each chunk's verdict lines as their UTF-8 bytes (for a writer that sends
 * bytes: nothing is decoded to be encoded again).
 */
export function answerNDJSONToBytes(chunks: AsyncIterable<Uint8Array>, setup: ByteAnswerSetup): AsyncGenerator<Uint8Array> {
  return answerAs(chunks, setup, (bytes) => bytes.slice());
}

/**
 * The answers over `chunks`, each chunk's output bytes made a `T` by `as` at once (the bytes are
 * in a buffer that the next output, of any answer, overwrites).
 */
async function* answerAs<T>(chunks: AsyncIterable<Uint8Array>, setup: ByteAnswerSetup, as: (bytes: Uint8Array) => T): AsyncGenerator<T> {
  const buffers = takeBuffers(Math.max(1, setup.limits.batchLines));
  try {
    yield* answerChunks(chunks, new ChunkAnswer(setup, lineRecordWriter(setup.resolver), buffers, as), setup.limits);
  } finally {
    keepBuffers(buffers);
  }
}

/** answerAs's loop: the lines of each chunk to `run`, a line cut by a chunk's end carried to the next. */
async function* answerChunks<T>(chunks: AsyncIterable<Uint8Array>, run: ChunkAnswer<T>, limits: ByteAnswerLimits): AsyncGenerator<T> {
  let carry: Uint8Array[] = [];
  let carryBytes = 0;
  let overflow = false;
  for await (const chunk of chunks) {
    run.newChunk();
    let start = 0;
    if (carryBytes > 0 || overflow) {
      const newline = chunk.indexOf(LF);
      const end = newline < 0 ? chunk.length : newline;
      if (!overflow) {
        carryBytes += end;
        overflow = carryBytes > limits.maxLineBytes;
        carry = overflow ? [] : [...carry, chunk.slice(0, end)];
      }
      if (newline < 0) continue;
      await run.carried(carry, carryBytes, overflow);
      carry = [];
      carryBytes = 0;
      overflow = false;
      start = newline + 1;
    }
    while (start < chunk.length) {
      // Most lines: taken by the core's scanner, many a call, until one it leaves to this loop.
      const scanned = run.scannedLines(chunk, start);
      if (scanned >= 0) {
        start = scanned;
        if (run.full) await run.decide();
        continue;
      }
      // Then: matched, their records written and their line end found in one pass.
      const next = run.compactLine(chunk, start);
      if (next >= 0) {
        start = next;
        if (run.full) await run.decide();
        continue;
      }
      const newline = chunk.indexOf(LF, start);
      if (newline < 0) break;
      await run.line(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) {
      carryBytes = chunk.length - start;
      overflow = carryBytes > limits.maxLineBytes;
      carry = overflow ? [] : [chunk.slice(start)];
    }
    const output = await run.finish();
    if (output !== undefined) yield output;
  }
  if (carryBytes > 0 || overflow) {
    await run.carried(carry, carryBytes, overflow);
    const output = await run.finish();
    if (output !== undefined) yield output;
  }
}

/**
 * The answers of the lines of one chunk, in order: records decided in batches, the rest by the text
 * path; its output bytes made a T by `as`.
 */
class ChunkAnswer<T> {
  private readonly decoder = lineDecoder();
  private number = 0;
  private flows = 0;
  /**
   * The chunk's output lines so far (`lines` of them): a verdict template (verdict-lines.ts), PENDING
   * or TEXT (the answer in `texts` by line).
   */
  private lineCodes: Int32Array;
  private lines = 0;
  private readonly texts = new Map<number, string>();
  private readonly records: Uint8Array;
  private readonly words: Uint32Array;
  private count = 0;
  /** Per pending record: its output line, and where its line is (for the text path, if refused). */
  private readonly recordSlots: Int32Array;
  private readonly recordNumbers: Int32Array;
  private readonly recordStarts: Int32Array;
  private readonly recordEnds: Int32Array;
  /** Per pending record: the bytes its line is in (a chunk, or a line carried over chunks). */
  private readonly recordSources: (Uint8Array | undefined)[];
  private textLines: TextLine[] = [];

  private readonly engine: Engine;
  private readonly scanner: FlowLineScanner | undefined;
  private readonly limits: ByteAnswerLimits;
  private readonly answerText: (lines: readonly { number: number; text: string }[]) => Promise<string[]>;
  private readonly tooMany: (limit: number) => Error;

  constructor(
    setup: ByteAnswerSetup,
    private readonly writer: LineRecordWriter,
    private readonly buffers: AnswerBuffers,
    private readonly as: (bytes: Uint8Array) => T,
  ) {
    ({ engine: this.engine, scanner: this.scanner, limits: this.limits, answerText: this.answerText, tooMany: this.tooMany } = setup);
    ({ records: this.records, words: this.words, lineCodes: this.lineCodes } = buffers);
    ({ slots: this.recordSlots, numbers: this.recordNumbers, starts: this.recordStarts, ends: this.recordEnds } = buffers);
    this.recordSources = buffers.sources;
  }

  /** Whether a batch of records waits for decide(). */
  get full(): boolean {
    return this.count === this.recordSlots.length;
  }

  /** A new chunk: the scanner must not reuse bytes it copied from the last (a source may refill one buffer). */
  newChunk(): void {
    this.scanner?.forgetWindow();
  }

  /**
   * The lines from `bytes[start]` the core's scanner takes, as records: the index where the line
   * after them starts; -1 (nothing done) when it takes none or there is no scanner.
   */
  scannedLines(bytes: Uint8Array, start: number): number {
    const scanner = this.scanner;
    if (scanner === undefined) return -1;
    const count = scanner.scan(bytes, start, this.recordSlots.length - this.count, this.limits.maxLineBytes);
    if (count === 0) return -1;
    this.records.set(scanner.recordBytes(count), this.count * FLOW_RECORD_BYTES);
    for (let i = 0; i < count; i++) this.addRecord(bytes, scanner.lineStart(i), scanner.lineFeed(i), ++this.number);
    return scanner.next;
  }

  /**
   * The compact flow line at `bytes[start]`, followed by LF or CRLF in `bytes`, as a record: the
   * index where the next line starts; -1 (nothing done) for any other line, or one whose end is not
   * in `bytes`.
   */
  compactLine(bytes: Uint8Array, start: number): number {
    const end = this.writer.writeCompact(bytes, start, bytes.length, this.records, this.words, this.count);
    if (end < 0) return -1;
    let lineEnd = end;
    if (bytes[lineEnd] === CR) lineEnd++;
    if (lineEnd >= bytes.length || bytes[lineEnd] !== LF || lineEnd - start > this.limits.maxLineBytes) return -1;
    this.handOver(bytes);
    this.addRecord(bytes, start, lineEnd, ++this.number);
    return lineEnd + 1;
  }

  /** The line `bytes[start, end)` (its LF not included). */
  async line(bytes: Uint8Array, start: number, end: number): Promise<void> {
    const number = ++this.number;
    if (end - start > this.limits.maxLineBytes) {
      this.textAnswer(errorJSON(number, `line is longer than ${this.limits.maxLineBytes} bytes`));
      return;
    }
    const last = end > start && bytes[end - 1] === CR ? end - 1 : end;
    if (this.writer.writeCompact(bytes, start, last, this.records, this.words, this.count) !== last) {
      this.textLine(bytes, start, end, number);
      return;
    }
    this.handOver(bytes);
    this.addRecord(bytes, start, end, number);
    if (this.full) await this.decide();
  }

  /**
   * Hands the endpoints of the record just written (from the compact line in `bytes`) to the
   * scanner, so that it takes the next lines that name them.
   */
  private handOver(bytes: Uint8Array): void {
    const scanner = this.scanner;
    if (scanner === undefined) return;
    const compact = this.writer.compact;
    const at = this.count * FLOW_RECORD_BYTES;
    const records = this.records;
    scanner.remember(bytes, compact[COMPACT.SRC_START]!, compact[COMPACT.SRC_END]!, records[at + FLOW_RECORD.SRC_KIND]!, records, at + FLOW_RECORD.SRC);
    scanner.remember(bytes, compact[COMPACT.DST_START]!, compact[COMPACT.DST_END]!, records[at + FLOW_RECORD.DST_KIND]!, records, at + FLOW_RECORD.DST);
  }

  /** Takes the record just written for line `number` at `bytes[start, end)`. */
  private addRecord(bytes: Uint8Array, start: number, end: number, number: number): void {
    this.countFlow();
    const k = this.count++;
    this.recordSlots[k] = this.newLine(PENDING);
    this.recordNumbers[k] = number;
    this.recordStarts[k] = start;
    this.recordEnds[k] = end;
    this.recordSources[k] = bytes;
  }

  /** A new output line of code `code` (a template, PENDING or TEXT): its index. */
  private newLine(code: number): number {
    if (this.lines === this.lineCodes.length) this.lineCodes = this.buffers.lineCodes = grownTo(this.lineCodes, 2 * this.lines);
    this.lineCodes[this.lines] = code;
    return this.lines++;
  }

  /** A new output line answered by `text`. */
  private textAnswer(text: string): void {
    this.texts.set(this.newLine(TEXT), text);
  }

  /** A line that began in an earlier chunk: its pieces, or `overflow` when it was too long to keep. */
  async carried(pieces: readonly Uint8Array[], length: number, overflow: boolean): Promise<void> {
    if (overflow) {
      this.number++;
      this.textAnswer(errorJSON(this.number, `line is longer than ${this.limits.maxLineBytes} bytes`));
      return;
    }
    const bytes = pieces.length === 1 ? pieces[0]! : new Uint8Array(length);
    if (pieces.length > 1) pieces.reduce((at, piece) => (bytes.set(piece, at), at + piece.length), 0);
    await this.line(bytes, 0, length);
  }

  /** The output of the answered lines since the last finish (each followed by LF); undefined for none. */
  async finish(): Promise<T | undefined> {
    await this.decide();
    if (this.textLines.length > 0) {
      const lines = this.textLines;
      this.textLines = [];
      const answered = await this.answerText(lines);
      lines.forEach((line, k) => {
        this.lineCodes[line.slot] = TEXT;
        this.texts.set(line.slot, answered[k]!);
      });
    }
    const output = this.output();
    this.lines = 0;
    this.texts.clear();
    return output;
  }

  /**
   * The output lines' bytes, written into one buffer and made a T at once (no await between: the
   * buffer is shared by all answers); undefined for none.
   */
  private output(): T | undefined {
    let output = templateOutput;
    let length = 0;
    for (let i = 0; i < this.lines; i++) {
      const code = this.lineCodes[i]!;
      const text = code === TEXT ? this.texts.get(i)! : undefined;
      const line = text === undefined ? templateLine(code) : undefined;
      // A text's UTF-8 is at most three bytes per UTF-16 unit; then its LF.
      const most = line === undefined ? 3 * text!.length + 1 : line.length;
      if (length + most > output.length) {
        output = grownTo(output, 2 * (length + most));
        if (output.length <= MAX_KEPT_OUTPUT_BYTES) templateOutput = output;
      }
      if (line !== undefined) {
        output.set(line, length);
        length += line.length;
      } else {
        length += utf8Encoder.encodeInto(text!, output.subarray(length)).written;
        output[length++] = LF;
      }
    }
    return length === 0 ? undefined : this.as(output.subarray(0, length));
  }

  /** A line for the text path, decoded as splitLineRuns decodes it; blank lines get no answer. */
  private textLine(bytes: Uint8Array, start: number, end: number, number: number): void {
    const line = decodeLine(bytes, start, end, number, this.decoder);
    if ('error' in line) {
      this.textAnswer(errorJSON(number, line.error));
      return;
    }
    if (line.text.trim() === '') return;
    this.countFlow();
    this.textLines.push({ number, text: line.text, slot: this.newLine(PENDING) });
  }

  private countFlow(): void {
    this.flows++;
    if (this.limits.maxFlows !== undefined && this.flows > this.limits.maxFlows) throw this.tooMany(this.limits.maxFlows);
  }

  /** Decides the pending records; a record the engine refuses goes to the text path. */
  async decide(): Promise<void> {
    const count = this.count;
    if (count === 0) return;
    this.count = 0;
    const sources = this.recordSources;
    const verdicts = await this.engine.decideRecords(this.records.subarray(0, count * FLOW_RECORD_BYTES));
    const view = new DataView(verdicts.buffer, verdicts.byteOffset, verdicts.byteLength);
    for (let k = 0; k < count; k++) {
      const slot = this.recordSlots[k]!;
      if (verdicts[k * VERDICT_RECORD_BYTES + VERDICT_RECORD.STATUS] === STATUS.OK) {
        this.lineCodes[slot] = recordTemplate(verdicts, view, k);
        continue;
      }
      const line = decodeLine(sources[k]!, this.recordStarts[k]!, this.recordEnds[k]!, this.recordNumbers[k]!, this.decoder);
      if ('error' in line) throw new Error('a compact flow line did not decode'); // ASCII by construction
      this.textLines.push({ number: line.number, text: line.text, slot });
    }
    sources.fill(undefined, 0, count); // no chunk is kept for longer than its batch
  }
}

/**
 * A batch's records and what is known of their lines, and the output lines' codes: allocated once
 * and kept for the next answer (allocating them was about 5% of a 1,000-flow request).
 */
class AnswerBuffers {
  readonly records: Uint8Array;
  readonly words: Uint32Array;
  readonly slots: Int32Array;
  readonly numbers: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly sources: (Uint8Array | undefined)[];
  lineCodes: Int32Array = new Int32Array(1024);

  constructor(readonly batch: number) {
    this.records = new Uint8Array(batch * FLOW_RECORD_BYTES);
    this.words = new Uint32Array(this.records.buffer);
    this.slots = new Int32Array(batch);
    this.numbers = new Int32Array(batch);
    this.starts = new Int32Array(batch);
    this.ends = new Int32Array(batch);
    this.sources = new Array<Uint8Array | undefined>(batch).fill(undefined);
  }
}

/** The buffers kept from the last answer that ended; an answer takes them (two answers never share them). */
let spareBuffers: AnswerBuffers | undefined;

function takeBuffers(batch: number): AnswerBuffers {
  const spare = spareBuffers;
  if (spare === undefined || spare.batch !== batch) return new AnswerBuffers(batch);
  spareBuffers = undefined;
  return spare;
}

/** Keeps `buffers` for the next answer, holding no chunk (nor a huge line code list). */
function keepBuffers(buffers: AnswerBuffers): void {
  buffers.sources.fill(undefined);
  if (buffers.lineCodes.length <= MAX_KEPT_OUTPUT_BYTES / 4) spareBuffers = buffers;
}

function grownTo<T extends Int32Array | Uint8Array>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array);
  return copy;
}
