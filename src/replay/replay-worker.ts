/**
 * @module The worker thread of replay --jobs (its own entry: dist/replay-worker.js when built):
 * builds its engines from the setup it is sent first, then replays the parts it is sent, one at a
 * time, answering each with its result or its error (by name and message).
 */
import { parentPort } from 'node:worker_threads';
import { partReplayer, type PartJob, type PartResult } from './part-replay.js';
import type { WorkerAnswer, WorkerRequest } from './worker-pool.js';

const port = parentPort!;
const post = (answer: WorkerAnswer): void => port.postMessage(answer);

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
      post({ id: message.id, result: await replayPart(message.job) });
    } catch (error) {
      post({ id: message.id, error: describeError(error) });
    }
  });
});

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };
}
