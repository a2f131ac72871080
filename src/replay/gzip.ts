/**
 * @module Plain or gzip-compressed input alike: gzip is told by its magic number (1f 8b) rather
 * than by a file name, so that stdin and renamed files work too. Decompression streams, with
 * backpressure: memory stays bounded whatever the size. Concatenated gzip members (`cat a.gz b.gz`)
 * read as one stream; a corrupt or truncated gzip stream throws from the iteration. Inflating runs
 * on the thread pool, ahead of the reader by at most INFLATED_AHEAD_BYTES.
 */
import { pipeline } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Inflated bytes per chunk: zlib's default (16 KiB), and even 64 KiB, cost a trip to the thread pool
 * and through the readers' per-chunk work per chunk; at 64 KiB inflating alone took about twice the CPU
 * per line that 256 KiB does, and in bench/replay-gzip-cpu.ts 1 MiB chunks were no better for CSV
 * and worse for Hubble's longer lines.
 */
export const INFLATED_CHUNK_BYTES = 256 * 1024;
/**
 * Inflated bytes buffered ahead of the reader: zlib inflates on libuv's thread pool, so with room
 * to run ahead it inflates while this thread decides flows (with the default 16 KiB it stopped
 * after every chunk and waited for the reader). Bounded: memory stays at most this much more.
 */
export const INFLATED_AHEAD_BYTES = 2 * 1024 * 1024;

/**
 * Compressed bytes per write to zlib, at most: the source's chunks already there are gathered up
 * to it. Zlib hands over what it inflated so far at the end of each write, and inflating the next
 * write only starts once this thread takes that hand-over: with the 64 KiB pieces a pipe or an
 * in-memory source gives, each write's output came as a full chunk and a small rest, and the
 * reader's turn on the full chunk left the thread pool idle (bench/replay-gzip-cpu.ts: CSV's
 * reader waited on inflating about 42 of 86 ms a replay; with 1 MiB pieces 17 of 62 ms, and 4 MiB
 * was no better). The source is read ahead by at most two pieces and a chunk.
 */
export const COMPRESSED_PIECE_BYTES = 1024 * 1024;

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
    head.push(ownCopy(next.value));
    headBytes += next.value.length;
  }
  const bytes = head.flatMap((chunk) => [...chunk.subarray(0, GZIP_MAGIC.length)]);
  const whole = replay(head, iterator);
  if (!GZIP_MAGIC.every((byte, i) => bytes[i] === byte)) {
    yield* whole;
    return;
  }
  // Zlib streams pass their options on to stream.Transform (Node 20 and 22), which @types/node does not declare.
  const gunzip = createGunzip({ chunkSize: INFLATED_CHUNK_BYTES, readableHighWaterMark: INFLATED_AHEAD_BYTES } as ZlibOptions);
  // Errors of either side end the pipeline and surface from iterating `gunzip`.
  pipeline(compressedPieces(whole), gunzip, () => {});
  yield* gunzip;
}

/** What a race against the next turn of the event loop gives when the source's next chunk is not there yet. */
const NOT_READY = Symbol('not ready');

function nextTurn(): Promise<typeof NOT_READY> {
  return new Promise((resolve) => setImmediate(resolve, NOT_READY));
}

/**
 * The source's bytes, copied (zlib reads a written piece later, on the thread pool, while the
 * pipeline already asks the source for more, and a source may refill one buffer for each chunk),
 * in pieces of up to COMPRESSED_PIECE_BYTES: the chunks that are already there are gathered, but
 * none is waited for, so that a slow source (a live pipe) is inflated as it comes.
 */
async function* compressedPieces(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  let done = false;
  try {
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) {
        done = true;
        return;
      }
      // Copied before the source is asked for more: asking may refill its buffer.
      const gathered = [ownCopy(first.value)];
      let bytes = first.value.length;
      next = iterator.next();
      while (bytes < COMPRESSED_PIECE_BYTES) {
        const ready = await Promise.race([next, nextTurn()]);
        if (ready === NOT_READY || ready.done) break;
        gathered.push(ownCopy(ready.value));
        bytes += ready.value.length;
        next = iterator.next();
      }
      yield gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, bytes);
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

/** A copy of `bytes` in a buffer of its own (Buffer's own `slice` would give a view of the same bytes). */
function ownCopy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
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
