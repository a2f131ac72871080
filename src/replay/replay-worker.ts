/**
 * @module The worker thread of replay --jobs (its own entry: dist/replay-worker.js when built):
 * builds its engines from the setup it is sent first, then replays the parts it is sent, one at a
 * time, answering each with its result or its error (by name and message).
 */
import { parentPort } from 'node:worker_threads';
import { partReplayer, type PartReplayer } from './part-replay.js';
import type { WorkerAnswer, WorkerRequest } from './worker-pool.js';

const port = parentPort!;
/**
 * Posts an answer; a part's answer also gives its buffer back (`bytes`), detached from this thread
 * at once: a part outlives a few scavenges and is promoted, so that it would be freed by the next
 * full collection only, which V8 runs when some 64 MiB of such buffers have piled up (the worker's
 * `external` memory swung by that much). The main thread cuts the next parts into it.
 */
const post = (answer: WorkerAnswer): void => port.postMessage(answer, 'bytes' in answer && answer.bytes !== undefined ? [answer.bytes.buffer as ArrayBuffer] : []);

let replayer: PartReplayer | undefined;
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerRequest) => {
  if ('setup' in message) {
    // The setup is not kept: once the engines are built, its image and lists are garbage.
    try {
      replayer = partReplayer(message.setup);
      post({ ready: true });
    } catch (error) {
      post({ setupError: describeError(error) });
    }
    return;
  }
  // In order: a log's finish comes after its parts.
  queue = queue.then(async () => {
    const bytes = 'job' in message ? message.job.bytes : undefined;
    try {
      if (replayer === undefined) throw new Error('replay worker: a request came before the setup');
      post({ id: message.id, result: 'job' in message ? await replayer.replay(message.job) : replayer.finish(message.finish), bytes });
    } catch (error) {
      post({ id: message.id, error: describeError(error), bytes });
    }
  });
});

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };
}
