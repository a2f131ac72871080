import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMPRESSED_PIECE_BYTES, gunzipIfNeeded, INFLATED_CHUNK_BYTES } from './gzip.js';

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

async function* from(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

const text = 'line one\nline two\n';

describe('gunzipIfNeeded', () => {
  it('passes plain bytes through unchanged, however short', async () => {
    expect(await bytesOf(gunzipIfNeeded(from(Buffer.from(text))))).toBe(text);
    expect(await bytesOf(gunzipIfNeeded(from(Buffer.from('x'))))).toBe('x');
    expect(await bytesOf(gunzipIfNeeded(from()))).toBe('');
    // A 0x1f that is not followed by 0x8b is not gzip.
    expect(await bytesOf(gunzipIfNeeded(from(Buffer.from([0x1f]), Buffer.from('a'))))).toBe('\x1fa');
  });

  it('gunzips when the magic number is there, even split across chunks', async () => {
    const gz = gzipSync(text);
    expect(await bytesOf(gunzipIfNeeded(from(gz)))).toBe(text);
    expect(await bytesOf(gunzipIfNeeded(from(gz.subarray(0, 1), gz.subarray(1, 5), gz.subarray(5))))).toBe(text);
  });

  it('reads concatenated gzip members as one stream (cat a.gz b.gz)', async () => {
    expect(await bytesOf(gunzipIfNeeded(from(gzipSync('a\n'), gzipSync('b\n'))))).toBe('a\nb\n');
  });

  it('inflates a large stream whole, in chunks of at most INFLATED_CHUNK_BYTES', async () => {
    const large = 'a,b,TCP,80,allowed\n'.repeat(Math.ceil((3 * INFLATED_CHUNK_BYTES) / 19));
    const sizes: number[] = [];
    const parts: Uint8Array[] = [];
    for await (const chunk of gunzipIfNeeded(from(gzipSync(large)))) {
      sizes.push(chunk.length);
      parts.push(chunk);
    }
    expect(Buffer.concat(parts).toString()).toBe(large);
    expect(Math.max(...sizes)).toBe(INFLATED_CHUNK_BYTES);
  });

  it('inflates ahead of a reader that waits by a bounded amount', async () => {
    // An endless log of gzip members of 128 KiB of hex text each (about half that compressed): a reader that takes one chunk and waits.
    const member = gzipSync(randomBytes(64 * 1024).toString('hex'));
    let members = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        members++;
        yield member;
      }
    }
    const reading = gunzipIfNeeded(endless());
    await reading.next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Read ahead: more than the chunk taken (inflating overlaps the reader), and at most two compressed pieces (the one
    // being inflated, held back once INFLATED_AHEAD_BYTES wait, and the next one gathered), each up to a chunk over
    // COMPRESSED_PIECE_BYTES, and the chunk asked for next.
    expect(members * 128 * 1024).toBeGreaterThan(INFLATED_CHUNK_BYTES + 128 * 1024);
    expect(members * member.length).toBeLessThanOrEqual(2 * COMPRESSED_PIECE_BYTES + 3 * member.length);
    await reading.return(undefined);
  });

  it('gives the same bytes whatever the source chunks, across compressed pieces', async () => {
    // Random hex: compressed, over two pieces.
    const large = randomBytes(2560 * 1024).toString('hex');
    const gz = gzipSync(large);
    expect(gz.length).toBeGreaterThan(2 * COMPRESSED_PIECE_BYTES);
    const cut = (size: number): Uint8Array[] => Array.from({ length: Math.ceil(gz.length / size) }, (_, i) => gz.subarray(i * size, (i + 1) * size));
    for (const size of [gz.length, COMPRESSED_PIECE_BYTES, COMPRESSED_PIECE_BYTES + 1, 300_007, 65_536]) {
      expect(await bytesOf(gunzipIfNeeded(from(...cut(size))))).toBe(large);
    }
  });

  it("throws on a truncated or corrupt gzip stream, with zlib's code (the CLI tells the input's faults by it)", async () => {
    const gz = gzipSync(text);
    await expect(bytesOf(gunzipIfNeeded(from(gz.subarray(0, gz.length - 6))))).rejects.toMatchObject({
      message: 'unexpected end of file',
      code: 'Z_BUF_ERROR',
    });
    const corrupt = Buffer.from(gz);
    corrupt[12] = corrupt[12]! ^ 0xff;
    await expect(bytesOf(gunzipIfNeeded(from(corrupt)))).rejects.toMatchObject({ code: 'Z_DATA_ERROR' });
  });

  it.each([
    ['Uint8Array', (size: number) => new Uint8Array(size)],
    ['Buffer', (size: number) => Buffer.alloc(size)],
  ])('reads a source that refills one %s for each chunk', async (_kind, allocate) => {
    const gz = gzipSync(text.repeat(1000));
    async function* refilling(): AsyncGenerator<Uint8Array> {
      const buffer = allocate(7);
      for (let at = 0; at < gz.length; at += buffer.length) {
        const piece = gz.subarray(at, at + buffer.length);
        buffer.set(piece);
        yield buffer.subarray(0, piece.length);
      }
    }
    expect(await bytesOf(gunzipIfNeeded(refilling()))).toBe(text.repeat(1000));
  });

  it('passes on errors of the source, compressed or not', async () => {
    async function* failing(first: Uint8Array): AsyncGenerator<Uint8Array> {
      yield first;
      throw new Error('disk on fire');
    }
    await expect(bytesOf(gunzipIfNeeded(failing(Buffer.from(text))))).rejects.toThrow('disk on fire');
    await expect(bytesOf(gunzipIfNeeded(failing(gzipSync(text))))).rejects.toThrow('disk on fire');
  });

  it.each([
    ['plain', Buffer.from(text)],
    ['gzip', gzipSync(text)],
  ])('closes an endless %s source when the reader stops early', async (_name, chunk) => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield chunk;
      } finally {
        closed = true;
      }
    }
    for await (const _ of gunzipIfNeeded(source())) break;
    await new Promise((resolve) => setImmediate(resolve)); // the gzip pipeline closes its source asynchronously
    expect(closed).toBe(true);
  });
});
