/**
 * @module The worker thread of replay --jobs (its own entry: dist/replay-worker.js when built):
 * builds its engines from the setup it is sent first, then replays the parts it is sent, one at a
 * time, answering each with its result or its error (by name and message).
 */
import { parentPort } from 'node:worker_threads';
import { partReplayer, type PartJob, type PartResult } from './part-replay.js';
import type { WorkerAnswer, WorkerRequest } from './worker-pool.js';

const port = parentPort!;
/**
 * Posts an answer; a part's answer also gives its buffer back (`done`), detached from this thread
 * at once: a part outlives a few scavenges and is promoted, so that it would be freed by the next
 * full collection only, which V8 runs when some 64 MiB of such buffers have piled up (the worker's
 * `external` memory swung by that much). The main thread drops it young.
 */
const post = (answer: WorkerAnswer, done?: Uint8Array): void => port.postMessage(answer, done === undefined ? [] : [done.buffer as ArrayBuffer]);

let replayPart: ((job: PartJob) => Promise<PartResult>) | undefined;
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerRequest) => {
  if ('setup' in message) {
    // The setup is not kept: once the engines are built, its image and lists are garbage.
    try {
      replayPart = partReplayer(message.setup);
      post({ ready: true });
    } catch (error) {
      post({ setupError: describeError(error) });
    }
    return;
  }
  queue = queue.then(async () => {
    try {
      if (replayPart === undefined) throw new Error('replay worker: a part came before the setup');
      post({ id: message.id, result: await replayPart(message.job) }, message.job.bytes);
    } catch (error) {
      post({ id: message.id, error: describeError(error) }, message.job.bytes);
    }
  });
});

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };
}
