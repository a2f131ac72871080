/**
 * @module Gzip inflated on a thread of its own, ahead of the reader. Why not zlib's stream on this
 * thread: it inflates on libuv's pool one output chunk at a time, and each next chunk is only
 * started from this thread's event loop, so while the reader decides a chunk's flows (a few
 * milliseconds without yielding) the pool sits idle, and inflating barely overlapped reading.
 * A worker with an event loop of its own keeps inflating while this thread reads, up to
 * INFLATED_AHEAD_BYTES that the reader has not taken yet; it is fed compressed chunks as it asks
 * for them, so memory stays bounded on both sides.
 */
import { Worker } from 'node:worker_threads';

/** What the inflating thread says: an inflated chunk (its own buffer, transferred), a request for more input, the end, or zlib's error (message and code). */
type InflaterMessage = { output: Uint8Array } | { wantInput: true } | { done: true } | { error: string; code: string };

/**
 * The worker's code, plain JavaScript on Node's built-ins only, so that it runs as it is from the
 * sources, tsx and the built package alike (no file of its own to find). zlib's output chunks can
 * share one buffer that it goes on writing into, so each is copied into a buffer of its own before
 * it is transferred.
 */
const INFLATER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createGunzip } = require('node:zlib');
const gunzip = createGunzip({ chunkSize: workerData.chunkBytes });
let untaken = 0;
const wantInput = () => parentPort.postMessage({ wantInput: true });
gunzip.on('data', (chunk) => {
  const output = new Uint8Array(chunk);
  untaken += output.length;
  parentPort.postMessage({ output }, [output.buffer]);
  if (untaken >= workerData.aheadBytes) gunzip.pause();
});
gunzip.on('end', () => parentPort.postMessage({ done: true }));
gunzip.on('error', (error) => parentPort.postMessage({ error: error.message, code: error.code }));
parentPort.on('message', (message) => {
  if (message.input !== undefined) {
    if (gunzip.write(message.input)) wantInput();
    else gunzip.once('drain', wantInput);
  } else if (message.end) {
    gunzip.end();
  } else {
    untaken -= message.taken;
    if (untaken < workerData.aheadBytes) gunzip.resume();
  }
});
wantInput();
`;

/**
 * The inflated bytes of gzip stream `compressed` (members one after another read as one), in chunks
 * of at most `chunkBytes`, inflated at most `aheadBytes` ahead of the caller. A corrupt or
 * truncated stream, or an error of `compressed`, throws from the iteration; the thread is stopped
 * and `compressed` closed however the reading ends.
 */
export async function* inflateOnThread(compressed: AsyncIterator<Uint8Array>, chunkBytes: number, aheadBytes: number): AsyncGenerator<Uint8Array> {
  const worker = new Worker(INFLATER, { eval: true, workerData: { chunkBytes, aheadBytes } });
  const inflated: Uint8Array[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let feeding: Promise<void> | undefined;
  let sourceDone = false;
  const settle = (): void => {
    wake?.();
    wake = undefined;
  };
  const feed = async (): Promise<void> => {
    try {
      const next = await compressed.next();
      if (next.done) {
        sourceDone = true;
        worker.postMessage({ end: true });
      } else {
        // A copy of its own, transferred: a source may refill one buffer for each chunk, and a
        // view's whole backing store would be cloned with it.
        const input = Uint8Array.prototype.slice.call(next.value);
        worker.postMessage({ input }, [input.buffer]);
      }
    } catch (error) {
      sourceDone = true;
      failure ??= error as Error;
      settle();
    }
  };
  worker.on('message', (message: InflaterMessage) => {
    if ('output' in message) inflated.push(message.output);
    else if ('wantInput' in message) feeding = feed();
    else if ('done' in message) ended = true;
    // With zlib's code (Z_BUF_ERROR, Z_DATA_ERROR), as zlib's own errors carry it: the CLI tells the input's faults by it.
    else failure ??= Object.assign(new Error(message.error), { code: message.code });
    settle();
  });
  worker.on('error', (error) => {
    failure ??= new Error(`inflating thread failed: ${error.message}`);
    settle();
  });
  worker.on('exit', (code) => {
    if (!ended) failure ??= new Error(`inflating thread stopped (exit code ${code})`);
    settle();
  });
  try {
    for (;;) {
      const chunk = inflated.shift();
      if (chunk !== undefined) {
        worker.postMessage({ taken: chunk.length });
        // Held only while this generator waits on it: a reader that drops the iteration unfinished
        // must not keep the process alive.
        worker.unref();
        yield chunk;
        worker.ref();
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await worker.terminate();
    await feeding;
    if (!sourceDone) await compressed.return?.();
  }
}
