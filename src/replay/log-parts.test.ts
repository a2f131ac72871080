import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFlowLog } from './index.js';
import { cutFlowLog, linePieces, PartBuffers, type LogPartBytes } from './log-parts.js';
import { chunked, collect } from './test-support.js';

async function partsOf(text: string, options: Parameters<typeof cutFlowLog>[1] = {}): Promise<LogPartBytes[]> {
  const parts: LogPartBytes[] = [];
  for await (const part of cutFlowLog(chunked(text, 7), options)) parts.push({ ...part, bytes: part.bytes.slice() });
  return parts;
}

const textOf = (part: LogPartBytes): string => new TextDecoder().decode(part.bytes);

describe('cutFlowLog', () => {
  it('cuts whole lines, numbers each part from where the one before ended, and gives CSV parts the header', async () => {
    const parts = await partsOf('\nsrc,dst,port\na,b,1\nc,d,2\r\ne,f,3\ng,h,4', { partBytes: 10 });
    expect(parts.map(textOf)).toEqual(['\nsrc,dst,port\n', 'a,b,1\nc,d,2\r\n', 'e,f,3\ng,h,4']);
    expect(parts.map((p) => p.part)).toEqual([
      { firstLine: 1, prelude: [] },
      { firstLine: 3, prelude: ['src,dst,port'] },
      { firstLine: 5, prelude: ['src,dst,port'] },
    ]);
    expect(parts.every((p) => p.format === 'csv')).toBe(true);
  });

  it('gives VPC parts the header in force: the default one without a header, else the last one read', async () => {
    const record = '2 1 eni-1 10.0.0.1 10.0.0.2 1 80 6 1 1 1 1 ACCEPT OK';
    const custom = 'srcaddr dstaddr dstport protocol';
    const parts = await partsOf(`${record}\n${record}\n${custom}\n10.0.0.1 10.0.0.2 80 6\n10.0.0.1 10.0.0.2 81 6\n`, { partBytes: 1 });
    expect(parts.map((p) => p.part.prelude[0]?.split(' ')[0])).toEqual([undefined, 'version', 'version', 'srcaddr', 'srcaddr']);
  });

  it('cuts an over-long line short, still over-long, so that it is reported as the whole line would be', async () => {
    const text = `{"a":1}\n${'x'.repeat(50)}\n{"b":2}\n`;
    const parts = await partsOf(text, { partBytes: 4, maxLineBytes: 20, format: 'ndjson' });
    expect(parts.map(textOf)).toEqual(['{"a":1}\n', `${'x'.repeat(21)}\n`, '{"b":2}\n']);
    expect(parts.map((p) => p.part.firstLine)).toEqual([1, 2, 3]);
  });

  it('tells the format as readFlowLog does, with its errors, and drops parts of blank lines before it', async () => {
    const parts = await partsOf(`\n\n\n\n{}\n\n{"src":"a/b","dst":"c/d","port":80}\n`, { partBytes: 1 });
    // Lines 1-5 come in one piece (the reader reads them: `{}` is an error line); line 6 alone is blank.
    expect(parts.map((p) => [p.part.firstLine, p.format])).toEqual([[1, 'ndjson'], [7, 'ndjson']]);
    for (const bad of ['\n{}\nnot a log\n', '{}\n'.repeat(64), '{}\n{}\n']) {
      const sequential = collect(readFlowLog((async function* () { yield bad.split('\n').map((text, i) => ({ number: i + 1, text })); })())).catch((e: Error) => e.message);
      expect(await partsOf(bad, { partBytes: 1 }).catch((e: Error) => e.message)).toBe(await sequential);
    }
  });
});

describe('cutFlowLog into recycled buffers (PartBuffers)', () => {
  /** `bytes` in chunks of `size`, each copied into one buffer that the next chunk overwrites. */
  async function* refilling(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
    const buffer = new Uint8Array(size);
    for (let at = 0; at < bytes.length; at += size) {
      const piece = bytes.subarray(at, at + size);
      buffer.set(piece);
      yield buffer.subarray(0, piece.length);
    }
  }

  /** The parts as text and numbers, each buffer given back as soon as it is read (the next part may be cut into it). */
  async function cut(source: AsyncIterable<Uint8Array>, options: Parameters<typeof cutFlowLog>[1]): Promise<string[]> {
    const parts: string[] = [];
    for await (const part of cutFlowLog(source, options)) {
      parts.push(`${part.part.firstLine} ${part.part.prelude.join('|')} ${textOf(part)}`);
      options?.buffers?.give(part.bytes);
    }
    return parts;
  }

  const line = fc.oneof(
    fc.constantFrom('a/b,c/d,80,TCP,allowed', '10.0.0.1,c/d,443,tcp,denied', '', 'x,y'),
    fc.string({ maxLength: 40 }).map((text) => text.replaceAll('\n', ' ')),
  );

  // A gzip source gives fresh chunks (zlib holds the chunks it is written): the refilled buffer is the plain case's.
  it('gives the parts a new buffer each would hold, from a source that refills one buffer (plain) or from gzip, LF or CRLF', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), async (lines, crlf, partBytes, chunk, gzip) => {
        const text = `src,dst,port,protocol,verdict\n${lines.join(crlf ? '\r\n' : '\n')}`;
        const plain = new TextEncoder().encode(text);
        const options = { partBytes, maxLineBytes: 30 };
        // Parts end at the last newline of the chunk that passes the mark: the same chunks, in new buffers.
        const expected = await cut(gzip ? chunked(gzipSync(plain), chunk) : chunked(plain, chunk), options).catch((error: Error) => error.message);
        const source = gzip ? chunked(gzipSync(plain), chunk) : refilling(plain, chunk);
        expect(await cut(source, { ...options, buffers: new PartBuffers(3) }).catch((error: Error) => error.message)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a log shorter than a part into one part, and takes buffers back only while it has room', async () => {
    const buffers = new PartBuffers(1);
    expect(await cut(chunked('src,dst,port\na/b,c/d,80\n', 5), { partBytes: 1024, buffers })).toEqual(['1  src,dst,port\na/b,c/d,80\n']);
    const kept = buffers.take(1);
    expect(kept.length).toBeGreaterThanOrEqual(1024);
    buffers.give(new Uint8Array(4096));
    buffers.give(new Uint8Array(8192));
    expect(buffers.take(4096).length).toBe(4096);
    expect(buffers.take(4096).length, 'a new one: the second was not kept').toBe(4096);
  });
});

describe('linePieces', () => {
  const piecesOf = async (text: string, size: number): Promise<string[]> => {
    const out: string[] = [];
    for await (const piece of linePieces(new TextEncoder().encode(text), size)) out.push(new TextDecoder().decode(piece));
    return out;
  };

  it('cuts a part after the last newline within each piece, and a line longer than a piece where the piece ends', async () => {
    expect(await piecesOf('ab\ncd\nef\ngh', 7)).toEqual(['ab\ncd\n', 'ef\ngh']);
    expect(await piecesOf('abcdefghij\nk\n', 4)).toEqual(['abcd', 'efgh', 'ij\n', 'k\n']);
    expect(await piecesOf('ab\n', 3)).toEqual(['ab\n']);
    expect(await piecesOf('', 3)).toEqual([]);
  });

  it('gives back every byte, in order, whatever the piece size', async () => {
    const text = `src,dst,port\n${Array.from({ length: 50 }, (_, i) => `a${'x'.repeat(i % 7)},b,${i}`).join('\n')}`;
    for (const size of [1, 2, 5, 16, 64, 10_000]) expect((await piecesOf(text, size)).join('')).toBe(text);
  });
});
