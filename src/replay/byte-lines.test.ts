/**
 * readFlowLogRecords' line splitting (byte-lines.ts) against readFlowLogBytes: every line the text
 * path reads as a flow is either taken by the fast path on bytes (handed to the sink with its line
 * number) or read in its place as the text path reads it; every other line (header, blank, too
 * long, malformed) gives the same record, in the same order. CSV rows of random widths, some past
 * the line bound, with LF or CRLF, in chunks of any size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFlowLogRecords } from './byte-lines.js';
import type { EndpointRecords } from './flow-records.js';
import type { RecordSink } from './records.js';
import { readFlowLogBytes } from './index.js';
import { chunked, collect, summarize } from './test-support.js';

/** Endpoints the text path reads as flows' ends; any other text is refused, as EndpointRecords refuses a text that does not decode. */
const ENDS = new Set(['a/b', 'c/d', '10.0.0.1']);
const textOf = (bytes: Uint8Array, start: number, end: number): string => new TextDecoder().decode(bytes.subarray(start, end));

/**
 * A table where every known end is entry 0 (any other text refused), a conversation of two known
 * ends is made anew each time (0), and every flow has service 0: what the fast path hands over is
 * only its line.
 */
const knownEnds = {
  generation: 0,
  entry: (text: string) => (ENDS.has(text) ? 0 : -1),
  foundConversation: () => -1,
  newConversation: (_hash: number, bytes: Uint8Array, srcStart: number, srcEnd: number, _src: string, dstStart: number, dstEnd: number) =>
    ENDS.has(textOf(bytes, srcStart, srcEnd)) && ENDS.has(textOf(bytes, dstStart, dstEnd)) ? 0 : -1,
  conversationService: () => 0,
  // Never decided here: the WASM row reader (row-lines.ts) notes no service.
  services: { epoch: 0, find: () => 0, known: () => false },
} as unknown as EndpointRecords;

/** What the records path gives, one string per line: `N fast` for a line the fast path took, else the record's summary. */
async function recordsPath(text: string, chunk: number, maxLineBytes: number): Promise<string[]> {
  const out: string[] = [];
  const sink: RecordSink = {
    endpoints: () => knownEnds,
    flow: () => {
      throw new Error('the CSV fast path hands over services');
    },
    serviceFlow: (_table, _service, line) => {
      out.push(`${line} fast`);
      return false;
    },
    tallied: () => {
      throw new Error('nothing is counted per service here');
    },
    reply: () => void out.push('reply'),
    record: (record) => void out.push(summarize(record)),
  };
  for (const record of await collect(readFlowLogRecords(chunked(text, chunk), { format: 'csv', maxLineBytes, sink }))) out.push(summarize(record));
  return out;
}

const field = fc.constantFrom('a/b', 'c/d', '10.0.0.1', '80', '8080', 'TCP', 'UDP', 'allowed', 'denied', '', ' x', 'x'.repeat(30));
const row = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a/b,c/d,TCP,80,allowed', 'c/d,a/b,UDP,53,denied', 'a/b,10.0.0.1,TCP,8080,allowed') }, fc.array(field, { maxLength: 7 }).map((f) => f.join(',')));
const log = fc.tuple(fc.array(row, { maxLength: 60 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([rows, end, last]) => `src,dst,protocol,port,verdict${end}${rows.join(end)}${last ? end : ''}`);

describe('readFlowLogRecords', () => {
  it('takes or reads every line as readFlowLogBytes reads it, in order', async () => {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(log, fc.integer({ min: 1, max: 300 }), fc.constantFrom(40, 60, 1 << 20), async (text, chunk, maxLineBytes) => {
        const expected = (await collect(readFlowLogBytes(chunked(text, chunk), { format: 'csv', maxLineBytes }))).map((record) => (record.kind === 'flow' ? `${record.line} flow` : summarize(record)));
        const path = await recordsPath(text, chunk, maxLineBytes);
        taken += path.filter((line) => line.endsWith(' fast')).length;
        const got = path.map((line) => line.replace(/^(\d+) (fast|flow\b.*)$/, '$1 flow'));
        expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
    expect(taken).toBeGreaterThan(1000);
  });
});
