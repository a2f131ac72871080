/**
 * @module Counting the line feeds of a log's part (log-parts.ts numbers each part's first line by
 * them) in the row reader's WASM module (core-as/rows/line-feeds.ts), 64 bytes a step: Buffer's
 * indexOf made one call into the runtime per line, about a sixth of the main thread's time in
 * `replay --jobs 2` (a CSV part of 2 MiB: 0.6-0.8 ms by indexOf, 0.13 ms copied in and counted).
 * An instance of its own, its line area filled a window at a time.
 */
import { rowScannerModule } from './rows-wasm.js';

interface LineFeedExports {
  readonly memory: WebAssembly.Memory;
  lineAt(): number;
  lineCapacity(): number;
  countLineFeeds(at: number, end: number): number;
}

class LineFeedCounter {
  private readonly exports: LineFeedExports;
  private readonly capacity: number;
  /** The line area: counting allocates nothing, so the memory never grows under this view. */
  private readonly area: Uint8Array;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as LineFeedExports;
    this.capacity = this.exports.lineCapacity();
    this.area = new Uint8Array(this.exports.memory.buffer, this.exports.lineAt(), this.capacity);
  }

  count(bytes: Uint8Array): number {
    let count = 0;
    for (let at = 0; at < bytes.length; at += this.capacity) {
      const window = bytes.subarray(at, Math.min(at + this.capacity, bytes.length));
      this.area.set(window);
      const feeds = this.exports.countLineFeeds(0, window.length);
      if (feeds < 0) throw new Error('replay bug: line feeds counted outside rows.wasm line area');
      count += feeds;
    }
    return count;
  }
}

let counter: LineFeedCounter | undefined;

/** The line feeds (0x0a bytes) of `bytes`. */
export function countLineFeeds(bytes: Uint8Array): number {
  return (counter ??= new LineFeedCounter(rowScannerModule())).count(bytes);
}
