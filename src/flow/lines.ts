/**
 * @module Splits a byte stream into lines (LF or CRLF) without ever holding more than one line:
 * an over-long line is reported and skipped, not buffered. Works on Node streams and on web
 * ReadableStreams alike (both are async iterables of bytes).
 */

export type Line =
  | { readonly number: number; readonly text: string }
  | { readonly number: number; readonly error: string };

export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<Line> {
  for await (const run of splitLineRuns(chunks, maxLineBytes)) yield* run;
}

/**
 * The same lines, grouped by the input chunk that completed them: a caller can answer each run
 * at once, so a slow writer (one flow at a time on a pipe) gets its answer without waiting.
 * `firstLine` numbers the first line: a part of a longer input starts where the part before ended.
 */
export async function* splitLineRuns(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
  firstLine = 1,
): AsyncGenerator<Line[]> {
  // BOMs are kept by the decoder and stripped from the stream's first line only, so a line's
  // answer never depends on how the transport cut the body into chunks.
  const decoder = lineDecoder();
  const pending = new PendingLine(maxLineBytes);
  let number = firstLine - 1;

  const finish = (): Line => {
    number++;
    const bytes = pending.take();
    return bytes === undefined ? tooLongLine(number, maxLineBytes) : decodeLine(bytes, 0, bytes.length, number, decoder);
  };

  for await (const chunk of chunks) {
    const run: Line[] = [];
    let start = 0;
    while (start < chunk.length) {
      if (!pending.waiting) {
        // Fast path: the chunk's complete lines in one decode, when all are short and valid.
        const whole = wholeLines(chunk, start, maxLineBytes, decoder);
        if (whole) {
          for (const text of whole.lines) run.push({ number: ++number, text: withoutStreamBOM(number, text) });
          start = whole.end;
          continue;
        }
      }
      const newline = chunk.indexOf(0x0a, start);
      pending.add(chunk, start, newline === -1 ? chunk.length : newline);
      if (newline === -1) break;
      run.push(finish());
      start = newline + 1;
    }
    if (run.length > 0) yield run;
  }
  if (pending.waiting) yield [finish()];
}

/**
 * The bytes of a line not ended yet (it spans chunks, or ends the input without a line feed),
 * held up to `maxLineBytes`: past that only the fact that it is too long is kept.
 */
export class PendingLine {
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private overflow = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Whether part of a line waits. */
  get waiting(): boolean {
    return this.bytes > 0 || this.overflow;
  }

  /** Adds bytes [start, end) of `chunk` to the line. */
  add(chunk: Uint8Array, start: number, end: number): void {
    if (this.overflow) return;
    this.bytes += end - start;
    if (this.bytes > this.maxLineBytes) {
      this.overflow = true;
      this.parts = [];
    } else {
      // A copy: a source may refill the chunk's buffer before the line's next piece arrives.
      this.parts.push(chunk.slice(start, end));
    }
  }

  /** The line's bytes put together (without its line feed), or undefined when it is too long; nothing waits after. */
  take(): Uint8Array | undefined {
    const line = this.overflow ? undefined : concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.overflow = false;
    return line;
  }
}

/** The Line of line `number` when it is longer than `maxLineBytes`. */
export function tooLongLine(number: number, maxLineBytes: number): Line {
  return { number, error: `line is longer than ${maxLineBytes} bytes` };
}

/**
 * The complete lines of `chunk` from `start` (which begins a line), decoded at once; undefined
 * when there is none, or when one is too long or not valid UTF-8 (the line-by-line path then
 * reports it precisely).
 */
export function wholeLines(
  chunk: Uint8Array,
  start: number,
  maxLineBytes: number,
  decoder: TextDecoder,
): { lines: string[]; end: number } | undefined {
  const last = chunk.lastIndexOf(0x0a);
  if (last < start) return undefined;
  // No line can be too long when the whole run is not (chunks are seldom larger than the limit).
  for (let at = start; last - start > maxLineBytes && at <= last; ) {
    const newline = chunk.indexOf(0x0a, at);
    if (newline - at > maxLineBytes) return undefined;
    at = newline + 1;
  }
  let text: string;
  try {
    text = decoder.decode(chunk.subarray(start, last));
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const crlf = text.includes('\r');
  for (let i = 0; crlf && i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return { lines, end: last + 1 };
}

/** The line `bytes[start, end)` (without its LF; a CR before it is dropped) as splitLineRuns gives it. */
export function decodeLine(bytes: Uint8Array, start: number, end: number, number: number, decoder: TextDecoder): Line {
  if (end > start && bytes[end - 1] === 0x0d) end--;
  try {
    return { number, text: withoutStreamBOM(number, decoder.decode(bytes.subarray(start, end))) };
  } catch {
    return { number, error: 'line is not valid UTF-8' };
  }
}

/** A decoder for decodeLine: strict UTF-8, a BOM kept (withoutStreamBOM drops the stream's first). */
export function lineDecoder(): TextDecoder {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
}

function withoutStreamBOM(number: number, text: string): string {
  return number === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
