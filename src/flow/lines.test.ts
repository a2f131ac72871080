import { describe, expect, it } from 'vitest';
import { splitLines, type Line } from './lines.js';

async function collect(chunks: string[] | Uint8Array[], max = 100): Promise<Line[]> {
  const bytes = chunks.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c) : c));
  async function* source() {
    yield* bytes;
  }
  const lines: Line[] = [];
  for await (const line of splitLines(source(), max)) lines.push(line);
  return lines;
}

describe('splitLines', () => {
  it('splits on LF and CRLF across chunk boundaries, numbering from 1', async () => {
    expect(await collect(['a\r\nb', 'c\n', '\nd'])).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'bc' },
      { number: 3, text: '' },
      { number: 4, text: 'd' },
    ]);
  });

  it('keeps a line that spans chunks when the source refills one buffer for each chunk', async () => {
    const text = new TextEncoder().encode('ab\ncd\nef\ngh');
    const buffer = new Uint8Array(4);
    async function* refilled() {
      for (let at = 0; at < text.length; at += buffer.length) {
        const piece = text.subarray(at, at + buffer.length);
        buffer.set(piece);
        yield buffer.subarray(0, piece.length);
      }
    }
    const lines: Line[] = [];
    for await (const line of splitLines(refilled(), 100)) lines.push(line);
    expect(lines).toEqual(['ab', 'cd', 'ef', 'gh'].map((text, i) => ({ number: i + 1, text })));
  });

  it('does not invent a line after a final newline', async () => {
    expect(await collect(['x\n'])).toEqual([{ number: 1, text: 'x' }]);
    expect(await collect([])).toEqual([]);
  });

  it('reports an over-long line without buffering it, and goes on', async () => {
    expect(await collect(['0123456789', '0123456789\nok'], 15)).toEqual([
      { number: 1, error: 'line is longer than 15 bytes' },
      { number: 2, text: 'ok' },
    ]);
  });

  it('reports invalid UTF-8 per line', async () => {
    expect(await collect([new Uint8Array([0x61, 0xff, 0x0a, 0x62])])).toEqual([
      { number: 1, error: 'line is not valid UTF-8' },
      { number: 2, text: 'b' },
    ]);
  });

  it('keeps multi-byte characters split across chunks whole', async () => {
    const euro = new TextEncoder().encode('€\n');
    expect(await collect([euro.subarray(0, 1), euro.subarray(1)])).toEqual([{ number: 1, text: '€' }]);
  });

  it('strips a byte-order mark from the first line only, however the body is cut into chunks', async () => {
    const body = new TextEncoder().encode('\uFEFFa\n\uFEFFb\nc\n');
    const expected = [
      { number: 1, text: 'a' },
      { number: 2, text: '\uFEFFb' },
      { number: 3, text: 'c' },
    ];
    expect(await collect([body])).toEqual(expected);
    for (let cut = 1; cut < body.length; cut++) {
      expect(await collect([body.subarray(0, cut), body.subarray(cut)])).toEqual(expected);
    }
  });
});
