/** @module Helpers for the replay tests: fixtures as byte streams in small chunks, records collected and summarised. */
import { readFileSync } from 'node:fs';
import { readFlowLogBytes, type ReadFlowLogBytesOptions } from './index.js';
import { endpointLabel, type LogRecord } from './records.js';

const FIXTURES = new URL('../../test/fixtures/flowlogs/', import.meta.url);

export function fixture(name: string): Uint8Array {
  return readFileSync(new URL(name, FIXTURES));
}

/** Odd-sized chunks, so that lines and multi-byte characters straddle chunk boundaries. */
export async function* chunked(bytes: Uint8Array | string, size = 97): AsyncGenerator<Uint8Array> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

export async function collect(runs: AsyncIterable<LogRecord[]>): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const run of runs) records.push(...run);
  return records;
}

export function recordsOf(input: Uint8Array | string, options: ReadFlowLogBytesOptions = {}): Promise<LogRecord[]> {
  return collect(readFlowLogBytes(chunked(input), options));
}

/** One line per record, to compare whole files at a glance: `3 flow a -> b TCP/80 allowed`. */
export function summarize(record: LogRecord): string {
  const { flow } = record;
  const what = flow
    ? `${endpointLabel(flow.src)} -> ${endpointLabel(flow.dst)} ${flow.protocol}/${flow.port}`
    : (record.error ?? record.reason ?? `${record.srcLabel} -> ${record.dstLabel}`);
  return [record.line, record.kind, what, record.observed].filter((part) => part !== undefined).join(' ');
}
