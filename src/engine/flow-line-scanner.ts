/**
 * @module The WASM core's flow line scanner (core-as/assembly/flow-lines.ts), seen from the host:
 * compact NDJSON flow lines become flow records many at a time, inside the core, with their
 * endpoints found in a table of texts the host resolved and handed over. The host copies a chunk's
 * bytes in once (a window of up to 64 KiB), scans, and reads the records and each line's bounds
 * back. The scan stops at the first line it does not take, which the host then reads on its own.
 */
import { ENDPOINT_BYTES, FLOW_RECORD_BYTES } from '../compile/layout.js';
import { InputWindow } from './input-window.js';

/** The core's exports the scanner calls. */
export interface FlowLineExports {
  readonly memory: WebAssembly.Memory;
  flowLinesBlock(): number;
  flowLinesPart(part: number): number;
  addFlowEndpoint(length: number, kind: number): void;
  scanFlowLines(length: number, at: number, maxLines: number, maxLine: number): number;
  cutFlowEndpointHash(mask: number): void;
}

/** The block's parts (flowLinesPart). */
const PART = { INPUT: 0, RECORDS: 1, LINES: 2, KEY: 3, RESULT: 4 } as const;
/** Bytes of input copied at once, and lines taken per scan: core-as/assembly/flow-lines.ts's. */
export const SCAN_INPUT_BYTES = 64 * 1024;
export const SCAN_MAX_LINES = 1024;
/** Where an endpoint handed over waits, after the result's word. */
const ENDPOINT_AT = 16;

/** One scanner per core instance, as the core has one block (FlowLineScanner.of). */
const scanners = new WeakMap<FlowLineExports, FlowLineScanner>();

export class FlowLineScanner {
  private buffer: ArrayBuffer | undefined;
  private bytes = new Uint8Array(0);
  private bounds = new Uint32Array(0);
  private readonly records: number;
  private readonly lines: number;
  private readonly key: number;
  private readonly result: number;
  /** The stretch of a chunk copied into the input part. */
  private readonly window: InputWindow<Uint8Array>;
  /** After a scan: where the next line starts in its chunk. */
  next = 0;

  /**
   * The scanner of a core instance (`core`: its exports), made on first use: one per instance, so
   * that whoever scans knows which chunk's bytes the block holds. The core allocates its block
   * then (its memory may grow).
   */
  static of(core: FlowLineExports): FlowLineScanner {
    let scanner = scanners.get(core);
    if (scanner === undefined) {
      scanner = new FlowLineScanner(core);
      scanners.set(core, scanner);
    }
    return scanner;
  }

  private constructor(private readonly core: FlowLineExports) {
    const block = core.flowLinesBlock();
    this.window = new InputWindow(block + core.flowLinesPart(PART.INPUT), SCAN_INPUT_BYTES);
    this.records = block + core.flowLinesPart(PART.RECORDS);
    this.lines = block + core.flowLinesPart(PART.LINES);
    this.key = block + core.flowLinesPart(PART.KEY);
    this.result = block + core.flowLinesPart(PART.RESULT);
  }

  /**
   * Takes compact flow lines from `chunk[start]`, at most `maxLines` (up to SCAN_MAX_LINES), none
   * longer than `maxLine` bytes before its LF: how many. Their records are then recordBytes(count),
   * line i runs from lineStart(i) to its LF at lineFeed(i) (offsets in `chunk`), and `next` is
   * where the line after them starts.
   */
  scan(chunk: Uint8Array, start: number, maxLines: number, maxLine: number): number {
    this.refresh();
    const window = this.window;
    if (!window.holds(chunk, start)) window.copy(this.bytes, chunk, start, chunk);
    const lines = Math.min(maxLines, SCAN_MAX_LINES);
    const count = this.core.scanFlowLines(window.end - window.start, start - window.start, lines, maxLine);
    this.next = window.start + this.bounds[this.result >> 2]!;
    return count;
  }

  /** The records of the last scan's first `count` lines (a view into the core's memory). */
  recordBytes(count: number): Uint8Array {
    return this.bytes.subarray(this.records, this.records + count * FLOW_RECORD_BYTES);
  }

  /** Where line `i` of the last scan starts in its chunk. */
  lineStart(i: number): number {
    return this.window.start + this.bounds[(this.lines >> 2) + 2 * i]!;
  }

  /** Where line `i` of the last scan has its LF in its chunk. */
  lineFeed(i: number): number {
    return this.window.start + this.bounds[(this.lines >> 2) + 2 * i + 1]!;
  }

  /** Forgets the bytes copied in: `chunk`'s bytes may have changed (a source that refills one buffer). */
  forgetWindow(): void {
    this.window.forget();
  }

  /**
   * Hands over endpoint text `bytes[start, end)` (checked: printable ASCII, no backslash) as kind
   * `kind` with the ENDPOINT_BYTES at `endpoint[endpointAt]`, as a flow record holds it; nothing
   * happens when it is handed over already.
   */
  remember(bytes: Uint8Array, start: number, end: number, kind: number, endpoint: Uint8Array, endpointAt: number): void {
    if (end - start > SCAN_INPUT_BYTES) return;
    this.refresh();
    this.bytes.set(bytes.subarray(start, end), this.key);
    this.bytes.set(endpoint.subarray(endpointAt, endpointAt + ENDPOINT_BYTES), this.result + ENDPOINT_AT);
    this.core.addFlowEndpoint(end - start, kind);
  }

  /** Keeps only the hash bits of `mask` and forgets every endpoint: with few bits all keys collide and their bytes must decide (tests). */
  cutHash(mask: number): void {
    this.core.cutFlowEndpointHash(mask);
  }

  /** Views of the core's memory, made again after it grew. */
  private refresh(): void {
    const buffer = this.core.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.bounds = new Uint32Array(buffer);
  }
}
