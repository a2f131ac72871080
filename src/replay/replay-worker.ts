/**
 * @module The worker thread of replay --jobs (its own entry: dist/replay-worker.js when built):
 * builds its engines from the setup in workerData, then replays the parts it is sent, one at a
 * time, answering each with its result or its error (by name and message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { partReplayer, type PartJob, type PartReplaySetup } from './part-replay.js';
import type { WorkerAnswer } from './worker-pool.js';

const port = parentPort!;
const post = (answer: WorkerAnswer): void => port.postMessage(answer);

try {
  const replayPart = partReplayer(workerData as PartReplaySetup);
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: { id: number; job: PartJob }) => {
    queue = queue.then(async () => {
      try {
        post({ id: message.id, result: await replayPart(message.job) });
      } catch (error) {
        post({ id: message.id, error: describeError(error) });
      }
    });
  });
  post({ ready: true });
} catch (error) {
  post({ setupError: describeError(error) });
}

function describeError(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };
}
