/**
 * @module Plain or gzip-compressed input alike: gzip is told by its magic number (1f 8b) rather
 * than by a file name, so that stdin and renamed files work too. Decompression streams, with
 * backpressure: memory stays bounded whatever the size. Concatenated gzip members (`cat a.gz b.gz`)
 * read as one stream; a corrupt or truncated gzip stream throws from the iteration. Inflating runs
 * on a thread of its own (inflate-thread.ts), ahead of the reader by at most INFLATED_AHEAD_BYTES.
 */
import { inflateOnThread } from './inflate-thread.js';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Inflated bytes per chunk: zlib's default (16 KiB), and even 64 KiB, cost a trip to the thread pool
 * and through the readers' per-chunk work per chunk; at 64 KiB inflating alone took about twice the CPU
 * per line that 256 KiB does, and in bench/replay-gzip-cpu.ts 1 MiB chunks were no better for CSV
 * and worse for Hubble's longer lines.
 */
export const INFLATED_CHUNK_BYTES = 256 * 1024;
/**
 * Inflated bytes the inflating thread may hold ready that the reader has not taken: room to run
 * ahead while this thread decides flows. Bounded: memory stays at most this much more.
 */
export const INFLATED_AHEAD_BYTES = 2 * 1024 * 1024;

/** The bytes of `source`, gunzipped when they start with the gzip magic number. */
export async function* gunzipIfNeeded(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  // The magic number may straddle chunks: read until two bytes are known. Those chunks are copied:
  // a source may refill one buffer for each chunk.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  while (headBytes < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value.slice());
    headBytes += next.value.length;
  }
  const bytes = head.flatMap((chunk) => [...chunk.subarray(0, GZIP_MAGIC.length)]);
  const whole = replay(head, iterator);
  if (!GZIP_MAGIC.every((byte, i) => bytes[i] === byte)) {
    yield* whole;
    return;
  }
  yield* inflateOnThread(whole, INFLATED_CHUNK_BYTES, INFLATED_AHEAD_BYTES);
}

/** The chunks already read, then the rest; the source is closed however the reading ends. */
async function* replay(head: readonly Uint8Array[], iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}
