/**
 * @module The Hubble line scanner's WASM module under Node (core-as/hubble, built by `npm run
 * build:wasm` into core-as/build/hubble.wasm, copied beside dist/'s JavaScript by `npm run build`):
 * one instance per thread, loaded on first use. It scans a line copied into its memory (a chunk of
 * lines at a time) in one pass (JSON's grammar, the fields a judged flow needs, and each end looked up by its bytes) and
 * writes positions as offsets into the caller's bytes; or reads many lines of the chunk at once,
 * each found by its line feed, up to one the caller must read itself (scanLines).
 */
import { InputWindow } from '../engine/input-window.js';
import { compileBuiltModule } from '../engine/node-core.js';

interface HubbleExports {
  readonly memory: WebAssembly.Memory;
  layoutCheck(): number;
  fieldsAt(): number;
  resultAt(): number;
  lineAt(): number;
  lineCapacity(): number;
  linesAt(): number;
  maxLines(): number;
  scan(at: number, length: number, origin: number): number;
  scanLines(at: number, end: number, origin: number, maxLine: number): number;
  clearEnds(): void;
  cutHash(mask: number): void;
  rememberEnd(side: number, id: number): number;
}

/** The module's instance, with views on its memory (renewed when the memory grows). */
export class HubbleScanner {
  private readonly exports: HubbleExports;
  private readonly fieldsAt: number;
  private readonly resultAt: number;
  private readonly fieldsLength: number;
  private readonly lineStride: number;
  /** The stretch of a chunk (by its serial) copied into the line area. */
  private readonly window: InputWindow<number>;
  private buffer!: ArrayBuffer;
  private memoryBytes!: Uint8Array;
  /** The positions of the last line scanned (both flow objects), as hubble-line-scan.ts's F and END lay them out. */
  fields!: Int32Array;
  /** After a scan that took a line: its flow's base in `fields`, then its source's and destination's ids (-1: not met). */
  result!: Int32Array;
  /** After scanLines: the offset past the last line it read, then each line's LINE_STRIDE fields (hubble-line-scan.ts's LINE). */
  lines!: Int32Array;
  private readonly linesAt: number;
  /** Lines read by one scanLines call at most. */
  readonly maxLines: number;

  constructor(module: WebAssembly.Module, fieldsLength: number, lineStride: number, layoutCheck: number) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as HubbleExports;
    if (this.exports.layoutCheck() !== layoutCheck) throw new Error('hubble.wasm was built for another field layout: run npm run build:wasm');
    this.window = new InputWindow(this.exports.lineAt(), this.exports.lineCapacity());
    this.fieldsAt = this.exports.fieldsAt();
    this.resultAt = this.exports.resultAt();
    this.linesAt = this.exports.linesAt();
    this.maxLines = this.exports.maxLines();
    this.fieldsLength = fieldsLength;
    this.lineStride = lineStride;
    this.renew();
  }

  private renew(): void {
    this.buffer = this.exports.memory.buffer;
    this.memoryBytes = new Uint8Array(this.buffer);
    this.fields = new Int32Array(this.buffer, this.fieldsAt, this.fieldsLength);
    this.result = new Int32Array(this.buffer, this.resultAt, 3);
    this.lines = new Int32Array(this.buffer, this.linesAt, 4 + this.maxLines * this.lineStride);
  }

  /**
   * Scans bytes [start, end) of `bytes`, whose serial is `chunk` (FastBytesReader); true when the
   * scanner takes the line (positions are then offsets into `bytes`).
   */
  scan(bytes: Uint8Array, start: number, end: number, chunk: number): boolean {
    const window = this.window;
    if (end - start > window.capacity) return false;
    if (!window.holds(chunk, start) || end > window.end) window.copy(this.memoryBytes, bytes, start, chunk);
    return this.exports.scan(start - window.start, end - start, start) === 1;
  }

  /**
   * Reads the whole lines of `bytes` (serial `chunk`) from `start`, none longer than `maxLine`,
   * up to one the caller must read itself (core-as/hubble/lines.ts): how many, their fields in
   * `lines` (offsets into `bytes`).
   */
  scanLines(bytes: Uint8Array, start: number, chunk: number, maxLine: number): number {
    const window = this.window;
    if (!window.holds(chunk, start)) window.copy(this.memoryBytes, bytes, start, chunk);
    return this.exports.scanLines(start - window.start, window.end - window.start, window.start, maxLine);
  }

  /** Remembers the end of `side` (0: source, 1: destination) of the line just scanned as `id`. */
  remember(side: 0 | 1, id: number): void {
    this.exports.rememberEnd(side, id);
    if (this.exports.memory.buffer !== this.buffer) this.renew();
  }

  /** Forgets every end remembered, those the last scan found included (their ids are the caller's to reuse). */
  clear(): void {
    this.exports.clearEnds();
    this.result[1] = this.result[2] = -1;
  }

  /** Keeps only the bits of `mask` of the ends' hashes, and forgets every end: for tests, where ends then collide and their bytes must decide. */
  cutHash(mask: number): void {
    this.exports.cutHash(mask);
    this.result[1] = this.result[2] = -1;
  }
}

let module: WebAssembly.Module | undefined;

/** The scanner's compiled module, read from its file on first use (a replay worker is handed it instead). */
export function hubbleScannerModule(): WebAssembly.Module {
  return (module ??= compileBuiltModule('hubble.wasm', 'the Hubble scanner'));
}

/** Uses `compiled` from now on: a replay worker's bundle lives where it cannot find the file. */
export function useHubbleScannerModule(compiled: WebAssembly.Module): void {
  module = compiled;
}

/** A new instance of the scanner (each has its own memory of remembered ends). */
export function hubbleScanner(fieldsLength: number, lineStride: number, layoutCheck: number): HubbleScanner {
  return new HubbleScanner(hubbleScannerModule(), fieldsLength, lineStride, layoutCheck);
}
