/** @module What every replay mode shares: opening the logs and --out, a progress bar, and reading each log in turn. */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { FlowLogFormatError } from '../src/replay/index.js';
import { RemoteError } from '../src/engine/remote-engine.js';
import type { ReplayInput } from '../src/replay/replay.js';
import type { Engine } from '../src/engine/engine.js';
import type { Bundle } from '../src/model/bundle.js';
import { EndpointDirectory } from '../src/replay/endpoint-directory.js';
import { localWasmEngine } from '../src/replay/record-stream.js';
import { UsageError } from './usage.js';

/**
 * A log file's reads. Node's default (64 KiB) left the main thread idle about 9% of a replay,
 * waiting on each read; with 1 MiB, a 4M-flow CSV replay took 4.4 s instead of 5.0 s, at the same
 * peak RSS (4 MiB: 4.2 s, 10-20 MiB more).
 */
const FILE_CHUNK_BYTES = 1 << 20;

export async function openInput(name: string): Promise<ReplayInput> {
  if (name === '-') return { name: '<stdin>', bytes: process.stdin };
  let isFile: boolean;
  try {
    isFile = (await stat(name)).isFile();
  } catch {
    throw new UsageError(`${name}: no such file`);
  }
  if (!isFile) throw new UsageError(`${name}: not a file`);
  return { name, bytes: createReadStream(name, { highWaterMark: FILE_CHUNK_BYTES }) };
}

/** The --out file, opened before the replay starts, so that a bad path stops it at once. */
export async function openOut(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) => reject(new UsageError(`--out ${path}: ${error.message}`)));
  });
  stream.on('error', () => {}); // later failures surface through the writes and `finished`
  return stream;
}

/**
 * Who `bundle`'s pods are, for a local replay deciding with `engine` (built from it): the WASM
 * engine's resolver serves the directory, which then keeps none of the bundle's objects; the
 * reference engine holds the bundle anyway.
 */
export function localDirectory(engine: Engine, bundle: Bundle): EndpointDirectory {
  const wasm = localWasmEngine(engine);
  return wasm === undefined ? new EndpointDirectory(bundle) : new EndpointDirectory({ resolver: wasm.resolver, ownedIPs: new EndpointDirectory(bundle).ownedIPs() });
}

export function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${option} ${text}: expected a whole number above 0`);
  return value;
}

/** Flows, flows/s and, for files, percent and ETA; on stderr, only when it is a terminal. */
export class ProgressBar {
  private size = 0;
  private started = 0;
  private last = 0;
  private name = '';

  async start(name: string): Promise<void> {
    this.name = name;
    this.size = name === '-' ? 0 : (await stat(name)).size;
    this.started = performance.now();
    this.last = 0;
  }

  update(bytes: number, flows: number): void {
    const now = performance.now();
    if (now - this.last < 200) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(flows / seconds) : 0;
    let text = `${this.name}: ${flows} flows, ${rate} flows/s`;
    if (this.size > 0) {
      const fraction = Math.min(1, bytes / this.size);
      const eta = fraction > 0 ? Math.round(seconds / fraction - seconds) : 0;
      const width = 20;
      const filled = Math.round(fraction * width);
      text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% ${text}, ETA ${eta}s`;
    }
    process.stderr.write(`\r${text.slice(0, (process.stderr.columns ?? 100) - 1)}\u001b[K`);
  }

  end(): void {
    process.stderr.write('\r\u001b[K');
  }
}

/** An --out writer that waits when the file falls behind, and how to close it. */
export async function outWriter(path: string | undefined): Promise<{ write?: (line: string) => Promise<void>; close: () => Promise<void> }> {
  const out = path === undefined ? undefined : await openOut(path);
  if (!out) return { close: async () => {} };
  return {
    write: async (line) => {
      if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    close: async () => {
      out.end();
      await finished(out);
    },
  };
}

/**
 * Replays each log in turn with `run`, showing progress on a terminal; a log that cannot be read
 * (or read in its format) and a service that refuses are the user's errors, with the log named.
 */
export async function replayEach(
  names: readonly string[],
  run: (input: ReplayInput, onProgress: (bytes: number, flows: number) => void) => Promise<void>,
  close: () => Promise<void>,
): Promise<void> {
  let currentInput = '';
  const progress = process.stderr.isTTY ? new ProgressBar() : undefined;
  try {
    for (const name of names) {
      currentInput = name === '-' ? '<stdin>' : name;
      const input = await openInput(name);
      await progress?.start(name);
      await run(input, (bytes, flows) => progress?.update(bytes, flows));
      progress?.end();
    }
  } catch (error) {
    progress?.end();
    if (error instanceof FlowLogFormatError || error instanceof RemoteError) throw new UsageError(error.message);
    // A file that cannot be read, or a gzip stream that is cut short, is the input's fault.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`${currentInput}: ${(error as Error).message}`);
    throw error;
  } finally {
    await close();
  }
}

/** --jobs given with a service: it decides, so there is nothing to spread over threads here. */
export function noteJobsUnused(given: boolean, quiet: boolean | undefined): void {
  if (given && !quiet) process.stderr.write('note: --jobs applies to local replay; with a service (--url) --concurrency sets the batches in flight\n');
}
