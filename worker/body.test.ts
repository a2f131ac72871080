import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { bodyChunks, readBody } from './body.js';

const post = (body: BodyInit): Request => new Request('http://netpol-edge.test/', { method: 'POST', body });

async function chunksOf(request: Request, limit = 1 << 30): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bodyChunks(request, limit)) chunks.push(chunk);
  return chunks;
}

/** A stream a script made (not a byte stream): `parts`, then its end; `cancelled` says whether it was cancelled. */
function scripted(parts: readonly string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  const encoder = new TextEncoder();
  let at = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at < parts.length) controller.enqueue(encoder.encode(parts[at++]));
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe('request bodies', () => {
  it('arrive in reads of up to 64 KiB, not in the 4-KiB chunks of a default reader', async () => {
    const body = new Uint8Array(400_000).map((_, i) => i % 251);
    const chunks = await chunksOf(post(body));
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(body.length / 65_536) + 1);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(65_536);
    const joined = new Uint8Array(body.length);
    chunks.reduce((at, chunk) => (joined.set(chunk, at), at + chunk.length), 0);
    // Compared by hand: toEqual walks 400,000 elements slowly.
    const same = (bytes: Uint8Array): boolean => bytes.length === body.length && bytes.every((b, i) => b === body[i]);
    expect(same(joined)).toBe(true);
    expect(same(await readBody(post(body), 1 << 30))).toBe(true);
  });

  it('are read from a stream a script made, in its own pieces', async () => {
    const { stream } = scripted(['{"a":', '1}\n', '{"b":2}\n']);
    const text = (await chunksOf(post(stream))).map((chunk) => new TextDecoder().decode(chunk));
    expect(text.join('')).toBe('{"a":1}\n{"b":2}\n');
    expect((await readBody(post(scripted(['x', 'yz']).stream), 10)).length).toBe(3);
  });

  it('refuse more than the limit, without a declared length, and cancel the rest', async () => {
    const { stream, cancelled } = scripted(['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)]);
    const error = await chunksOf(post(stream), 64).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect(cancelled()).toBe(true);
    await expect(readBody(post(new Uint8Array(100_000)), 65_536)).rejects.toMatchObject({ status: 413 });
  });

  it('are cancelled when the reader stops early', async () => {
    const { stream, cancelled } = scripted(['one\n', 'two\n', 'three\n']);
    for await (const chunk of bodyChunks(post(stream), 1 << 20)) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    expect(cancelled()).toBe(true);
  });
});
