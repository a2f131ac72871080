/**
 * @module The flow-log row reader's WASM module under Node (core-as/rows, built by `npm run
 * build:wasm` into core-as/build/rows.wasm, copied beside dist/'s JavaScript by `npm run build`):
 * one instance per endpoint table, loaded on first use. It reads many CSV or VPC rows of a chunk
 * copied into its memory in one pass each (line feed, fields, the checks of the fast path on one
 * line, the conversation looked up by its endpoints' bytes, or made between endpoint texts it was
 * taught) and writes one result per line, with offsets into the caller's bytes (row-lines.ts reads
 * them).
 */
import { InputWindow } from '../engine/input-window.js';
import { compileBuiltModule } from '../engine/node-core.js';

interface RowExports {
  readonly memory: WebAssembly.Memory;
  layoutCheck(): number;
  columnsAt(): number;
  wordsAt(): number;
  lineAt(): number;
  lineCapacity(): number;
  linesAt(): number;
  maxLines(): number;
  readLines(format: number, at: number, end: number, origin: number, maxLine: number): number;
  clearConversations(): void;
  clearMarks(): void;
  markTallied(i: number): void;
  talliesAt(): number;
  forgetEndpoints(): void;
  cutHash(mask: number): void;
  rememberEndpoint(at: number, end: number, entry: number): void;
  noteService(record: number, key: number, service: number): void;
}

/** Word lists the module reads spellings from (core-as/rows/layout.ts's WORDS_*), each at most WORD_SLOTS words of at most 16 bytes. */
const WORD_SLOTS = 16;
const WORD_BYTES = 24;
/** What readLines gives besides the number of lines written (shifted left by SHIFT). */
export const READ = { NEW: 1, CUT: 2, MORE: 4, SHIFT: 3 } as const;
/** The columns the module reads (core-as/rows/layout.ts's COLUMN_*). */
export const COLUMN_COUNT = 16;

/** The module's instance, with views on its memory (renewed when the memory grows). */
export class RowScanner {
  private readonly exports: RowExports;
  private readonly linesAt: number;
  private readonly lineStride: number;
  /** The stretch of a chunk (by its serial) copied into the line area. */
  private readonly window: InputWindow<number>;
  /** Where the last readLines stopped at the end of the bytes copied (-1: it did not): a call from there copies again. */
  private cutAt = -1;
  private columnsSet: Int32Array | undefined;
  private buffer!: ArrayBuffer;
  private memoryBytes!: Uint8Array;
  private columns!: Int32Array;
  /** After readLines: its header (LINE.END, LINE.READ, LINE.TALLIED), then each written line's fields (row-lines.ts's LINE). */
  lines!: Int32Array;
  /** `lines` as f64 (the times' values). */
  times!: Float64Array;
  /** Lines read by one readLines call at most. */
  readonly maxLines: number;

  constructor(module: WebAssembly.Module, lineStride: number, layoutCheck: number, words: readonly (readonly (readonly [Uint8Array, number])[])[]) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as RowExports;
    if (this.exports.layoutCheck() !== layoutCheck) throw new Error('rows.wasm was built for another result layout: run npm run build:wasm');
    this.window = new InputWindow(this.exports.lineAt(), this.exports.lineCapacity());
    this.linesAt = this.exports.linesAt();
    this.maxLines = this.exports.maxLines();
    this.lineStride = lineStride;
    this.renew();
    const wordsAt = this.exports.wordsAt();
    words.forEach((list, l) => {
      if (list.length > WORD_SLOTS) throw new Error('replay bug: a word list too long for rows.wasm');
      list.forEach(([word, code], w) => {
        if (word.length === 0 || word.length > 16) throw new Error('replay bug: a word rows.wasm cannot hold');
        const at = wordsAt + (l * WORD_SLOTS + w) * WORD_BYTES;
        new DataView(this.buffer).setUint32(at, word.length, true);
        new DataView(this.buffer).setInt32(at + 4, code, true);
        this.memoryBytes.set(word, at + 8);
      });
    });
  }

  private renew(): void {
    this.buffer = this.exports.memory.buffer;
    this.memoryBytes = new Uint8Array(this.buffer);
    this.columns = new Int32Array(this.buffer, this.exports.columnsAt(), COLUMN_COUNT);
    this.lines = new Int32Array(this.buffer, this.linesAt, 4 + (this.maxLines + 1) * this.lineStride);
    this.times = new Float64Array(this.buffer, this.linesAt, this.lines.length >> 1);
  }

  /**
   * Reads the rows of `format` (0: CSV, 1: VPC) with `columns` of `bytes` (serial `chunk`) from
   * `start`, none longer than `maxLine`, up to one the caller must read itself (core-as/rows/rows.ts):
   * the number written (shifted by READ.SHIFT; lines tallied are not written: core-as/rows/tally.ts),
   * plus READ.NEW when the next one has an endpoint text the module must be taught (teach),
   * READ.CUT when the next one runs past the bytes copied and more of the chunk can be copied (a
   * call from it copies them), or READ.MORE when it stopped before a line it would tally after one
   * whose time the caller reads (a call from it goes on).
   */
  readLines(format: number, columns: Int32Array, bytes: Uint8Array, start: number, chunk: number, maxLine: number): number {
    if (columns !== this.columnsSet) {
      this.columns.set(columns);
      this.columnsSet = columns;
    }
    const window = this.window;
    if (!window.holds(chunk, start) || start === this.cutAt) window.copy(this.memoryBytes, bytes, start, chunk);
    const read = this.exports.readLines(format, start - window.start, window.end - window.start, window.start, maxLine);
    // Conversations made in it may have grown its memory.
    if (this.exports.memory.buffer !== this.buffer) this.renew();
    this.cutAt = -1;
    if ((read & READ.CUT) === 0) return read;
    const stop = this.lines[0]!;
    if (stop === window.start || window.end === bytes.length) return read & ~READ.CUT;
    this.cutAt = stop;
    return read;
  }

  /** Teaches the endpoint text at bytes [start, end) of the chunk readLines last read (a new line's LINE.SRC or LINE.DST) as `entry` of the table (-1: refused). */
  teach(start: number, end: number, entry: number): void {
    this.exports.rememberEndpoint(start - this.window.start, end - this.window.start, entry);
  }

  /** Notes `service` on the conversation of `record` (a line's LINE.RECORD) for the service `key` it was read with: lines of that conversation and key then give it. */
  note(record: number, key: number, service: number): void {
    this.exports.noteService(record, key, service);
  }

  /** Forgets every conversation (the services noted on them are numbered again). */
  clearConversations(): void {
    this.exports.clearConversations();
  }

  /** Marks tally index `i` (service-tally.ts's) as counted per service: readLines tallies such lines instead of writing them. */
  mark(i: number): void {
    this.exports.markTallied(i);
  }

  /** Forgets every mark. */
  clearMarks(): void {
    this.exports.clearMarks();
  }

  /** The `count` tally indexes readLines wrote (LINE.TALLIED in its header): valid until the next call. */
  tallies(count: number): Int32Array {
    return new Int32Array(this.buffer, this.exports.talliesAt(), count);
  }

  /** Forgets every endpoint text taught, and every conversation (the entries are numbered again). */
  forgetEndpoints(): void {
    this.exports.forgetEndpoints();
  }

  /** Keeps only the bits of `mask` of the texts' and conversations' hashes, and forgets them all: for tests, where they then collide and their bytes must decide. */
  cutHash(mask: number): void {
    this.exports.cutHash(mask);
  }
}

let module: WebAssembly.Module | undefined;

/** The reader's compiled module, read from its file on first use (a replay worker is handed it instead). */
export function rowScannerModule(): WebAssembly.Module {
  return (module ??= compileBuiltModule('rows.wasm', 'the CSV and VPC row reader'));
}

/** Uses `compiled` from now on: a replay worker's bundle lives where it cannot find the file. */
export function useRowScannerModule(compiled: WebAssembly.Module): void {
  module = compiled;
}
