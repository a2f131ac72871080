/**
 * @module Text written to a stream in pieces of about 1 MiB (a streamed `list` writes millions of
 * short lines; one write call each would cost more than the lines), waiting for the stream to
 * drain between pieces, so that a slow reader holds back the writer instead of filling memory.
 */
import type { Writable } from 'node:stream';
import { jsonPieces } from '../src/format/json-pieces.js';
import type { TextSink } from '../src/format/list-writer.js';

const PIECE = 1 << 20;

export class BufferedText implements TextSink {
  private parts: string[] = [];
  private length = 0;
  private full = false;

  constructor(private readonly out: Writable) {}

  write(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= PIECE) this.send();
  }

  /** Resolves once the stream has taken what was written (call between batches). */
  async drained(): Promise<void> {
    if (!this.full) return;
    this.full = false;
    // A closed reader (`| head`) ends the wait with the stream's error instead of a hang.
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => {
        this.out.off('drain', done).off('error', done).off('close', done);
        if (error) reject(error);
        else resolve();
      };
      this.out.on('drain', done).on('error', done).on('close', done);
    });
  }

  /** Sends the rest and waits until the stream has taken it. */
  async flush(): Promise<void> {
    this.send();
    await this.drained();
  }

  private send(): void {
    if (this.length === 0) return;
    if (!this.out.write(this.parts.join(''))) this.full = true;
    this.parts = [];
    this.length = 0;
  }
}

/** `value` as one line of JSON, written in pieces: a report with long lists never exists as one string. */
export async function writeJsonLine(value: unknown, out: Writable): Promise<void> {
  const text = new BufferedText(out);
  for (const piece of jsonPieces(value)) {
    text.write(piece);
    await text.drained();
  }
  text.write('\n');
  await text.flush();
}
