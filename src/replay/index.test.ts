import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Line } from '../flow/lines.js';
import { detectFormat, FlowLogFormatError, parserFor, readFlowLog, readFlowLogBytes, type FlowLogFormat } from './index.js';
import { chunked, collect, fixture, recordsOf } from './test-support.js';

const FIXTURES: readonly [string, FlowLogFormat][] = [
  ['hubble-observe.jsonl', 'hubble'],
  ['hubble-legacy.jsonl', 'hubble'],
  ['hubble-malformed.jsonl', 'hubble'],
  ['vpc-default-v2.txt', 'vpc'],
  ['vpc-custom-v5.txt', 'vpc'],
  ['vpc-malformed.txt', 'vpc'],
  ['flows.csv', 'csv'],
  ['csv-malformed.csv', 'csv'],
  ['flows.ndjson', 'ndjson'],
  ['ndjson-malformed.ndjson', 'ndjson'],
];

describe('readFlowLog', () => {
  it.each(FIXTURES)('detects the format of %s (%s) and reads it as the forced format would', async (name, format) => {
    const detected: FlowLogFormat[] = [];
    const records = await recordsOf(fixture(name), { onFormat: (f) => detected.push(f) });
    expect(detected).toEqual([format]);
    expect(records).toEqual(await recordsOf(fixture(name), { format }));
    expect(records.length).toBeGreaterThan(0);
  });

  it.each(FIXTURES)('reads %s gzipped as it reads it plain', async (name) => {
    expect(await recordsOf(gzipSync(fixture(name)))).toEqual(await recordsOf(fixture(name)));
  });

  it('detects formats from a first line', () => {
    expect(detectFormat('{"flow":{"Type":"L3_L4"},"node_name":"n","time":"t"}')).toBe('hubble');
    expect(detectFormat('{"lost_events":{"num_events_lost":"1"}}')).toBe('hubble');
    expect(detectFormat('{"src":"a/b","dst":"c/d","port":80}')).toBe('ndjson');
    expect(detectFormat('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status')).toBe('vpc');
    expect(detectFormat('2 123456789010 eni-1 10.0.0.1 10.0.0.2 40000 80 6 1 60 1 2 ACCEPT OK')).toBe('vpc');
    expect(detectFormat('Src,Dst,Port')).toBe('csv');
    expect(detectFormat('{}')).toBeUndefined();
    expect(detectFormat('{"src"')).toBeUndefined();
    expect(detectFormat('hello world')).toBeUndefined();
    // A header lacking a field a flow needs is no VPC header.
    expect(detectFormat('version srcaddr dstaddr srcport protocol')).toBeUndefined();
  });

  it('passes over blank lines and JSON lines that say nothing before deciding, and reads them as records', async () => {
    const hubble = fixture('hubble-observe.jsonl').toString().split('\n')[0];
    const records = await recordsOf(`\n\n{"broken\n{}\n${hubble}\n`, { onFormat: (f) => expect(f).toBe('hubble') });
    expect(records.map((r) => [r.line, r.kind])).toEqual([
      [3, 'error'],
      [4, 'error'],
      [5, 'flow'],
    ]);
  });

  it('refuses input whose format it cannot tell, and names the formats', async () => {
    await expect(recordsOf('hello world\n')).rejects.toThrow(FlowLogFormatError);
    await expect(recordsOf('\nhello world\n')).rejects.toThrow(/from line 2: .*name the format \(hubble, vpc, csv, ndjson\)/);
    await expect(recordsOf('{}\n{"a":1}\n')).rejects.toThrow(/from the first 2 non-blank line\(s\)/);
    await expect(recordsOf('{}\n'.repeat(1000))).rejects.toThrow(/from the first 64 non-blank line\(s\)/);
  });

  it('gives nothing for an empty or blank input, without deciding a format', async () => {
    const onFormat = () => expect.unreachable();
    expect(await recordsOf('', { onFormat })).toEqual([]);
    expect(await recordsOf('\n  \n\r\n', { onFormat })).toEqual([]);
  });

  it('refuses an unknown forced format', async () => {
    await expect(recordsOf('x\n', { format: 'constructor' as FlowLogFormat })).rejects.toThrow(
      'unknown flow log format "constructor"; use hubble, vpc, csv, ndjson',
    );
  });

  it('reads a forced format even when the input looks like another', async () => {
    const records = await recordsOf(fixture('flows.ndjson'), { format: 'hubble' });
    expect(records[0]).toMatchObject({ line: 1, kind: 'error', error: expect.stringMatching(/^not a Hubble flow/) });
  });

  it('reports over-long and invalid UTF-8 lines as error records', async () => {
    const long = `{"src":"a/b","dst":"c/d","port":80,"pad":"${'x'.repeat(200)}"}`;
    const input = Buffer.concat([Buffer.from(`{"src":"a/b","dst":"c/d","port":80}\n${long}\n`), Buffer.from([0xff, 0x0a])]);
    const records = await recordsOf(input, { maxLineBytes: 100 });
    expect(records.map((r) => [r.line, r.kind, r.error])).toEqual([
      [1, 'flow', undefined],
      [2, 'error', 'line is longer than 100 bytes'],
      [3, 'error', 'line is not valid UTF-8'],
    ]);
  });

  it('offers one parser per format over numbered line runs', async () => {
    async function* runs(): AsyncGenerator<Line[]> {
      yield [{ number: 1, text: 'src,dst,port' }];
      yield [{ number: 2, text: 'a/b,10.0.0.1,80' }, { number: 3, text: 'a/b,10.0.0.1,81' }];
    }
    const batches: number[] = [];
    for await (const run of parserFor('csv')(runs())) batches.push(run.length);
    expect(batches).toEqual([2]);
  });

  describe('streaming', () => {
    const LINES = 200_000;
    const PER_CHUNK = 1000;
    const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
    const record = (i: number): string =>
      `2 123456789010 eni-0a1b2c3d4e5f60718 10.0.${(i >> 8) & 255}.${i & 255} 10.1.0.10 ${32768 + (i % 20000)} 443 6 10 840 1715678460 1715678520 ${i % 7 === 0 ? 'REJECT' : 'ACCEPT'} OK\n`;

    /** The generated log in chunks, made only when asked for; `progress.made` counts the records handed out. */
    function generate(progress: { made: number }): AsyncGenerator<Uint8Array> {
      return (async function* () {
        yield Buffer.from(HEADER);
        for (let start = 0; start < LINES; start += PER_CHUNK) {
          let text = '';
          for (let i = start; i < start + PER_CHUNK; i++) text += record(i);
          progress.made = start + PER_CHUNK;
          yield Buffer.from(text);
        }
      })();
    }

    it('pushes 200k lines through in chunks: records come out as input goes in, never more than a chunk behind', async () => {
      const progress = { made: 0 };
      let read = 0;
      let runs = 0;
      let mostAhead = 0;
      let denied = 0;
      for await (const run of readFlowLogBytes(generate(progress))) {
        runs++;
        read += run.length;
        mostAhead = Math.max(mostAhead, progress.made - read);
        for (const r of run) if (r.observed === 'denied') denied++;
      }
      expect(read).toBe(LINES);
      expect(denied).toBe(Math.ceil(LINES / 7));
      expect(runs).toBe(LINES / PER_CHUNK);
      // Each chunk's records are out before the next chunk is even made: nothing accumulates.
      expect(mostAhead).toBe(0);
    });

    it('streams gzip too, with memory bounded by the decompressor buffers', async () => {
      const progress = { made: 0 };
      const gzipped = Readable.from(generate(progress)).pipe(createGzip());
      let read = 0;
      let firstAt: number | undefined;
      let mostAhead = 0;
      for await (const run of readFlowLogBytes(gzipped)) {
        firstAt ??= progress.made;
        read += run.length;
        mostAhead = Math.max(mostAhead, progress.made - read);
      }
      expect(read).toBe(LINES);
      // The first records arrive long before the input ends, and the reader keeps up: what is in
      // flight is what gzip's and gunzip's buffers hold (about 20k of these very compressible lines).
      expect(firstAt).toBeLessThan(LINES / 4);
      expect(mostAhead).toBeLessThan(LINES / 4);
    });
  });
});

describe('readFlowLog over lines', () => {
  it('reads the same records from numbered line runs as from bytes', async () => {
    const text = fixture('vpc-default-v2.txt').toString();
    async function* runs(): AsyncGenerator<Line[]> {
      const lines = text.split('\n').slice(0, -1);
      for (let i = 0; i < lines.length; i += 4) yield lines.slice(i, i + 4).map((t, j) => ({ number: i + j + 1, text: t }));
    }
    expect(await collect(readFlowLog(runs()))).toEqual(await collect(readFlowLogBytes(chunked(text))));
  });
});
