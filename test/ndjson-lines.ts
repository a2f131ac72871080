/**
 * @module Test helpers for the NDJSON answering paths: the engine as the text path sees it, and
 * flow lines in the spellings the decoders take and the near misses they refuse.
 */
import fc from 'fast-check';
import type { Engine } from '../src/engine/engine.js';

/** The engine without its resolver: every line goes through Flow objects, as before the record path. */
export function throughFlows(engine: Engine): Engine {
  return {
    kind: engine.kind,
    version: engine.version,
    explain: (flow) => engine.explain(flow),
    decide: (flow) => engine.decide(flow),
    decideBatch: (flows) => engine.decideBatch(flows),
    decideRecords: (records) => engine.decideRecords(records),
  };
}

/** Variants of a good line: the other spellings the decoders take, and near misses they refuse. */
export function variants(json: Record<string, unknown>): string[] {
  const line = JSON.stringify(json);
  const { src, dst, port } = json;
  return [
    line,
    JSON.stringify({ dst, src, port, protocol: json.protocol }),
    JSON.stringify({ ...json, protocol: 'udp' }),
    JSON.stringify({ ...json, protocol: 6 }),
    JSON.stringify({ ...json, port: String(port) }),
    JSON.stringify({ ...json, port: 0 }),
    JSON.stringify({ ...json, port: 65536 }),
    JSON.stringify({ ...json, extra: true }),
    JSON.stringify(json, null, 1).replace(/\n/g, ''),
    JSON.stringify({ ...json, src: `${String(src)}x` }),
    JSON.stringify({ ...json, dst: 'nowhere/none' }),
    JSON.stringify({ ...json, src: '2001:db8::1' }),
    JSON.stringify({ ...json, src: typeof src === 'string' ? src.toUpperCase() : src }),
    `${line} `,
    line.replace('"src":"', '"src":"\\u0041'),
    line.slice(0, -1),
  ];
}

/** A line with one character inserted, replaced or deleted. */
export function mutate(line: string, at: number, char: string, replace: boolean): string {
  const i = at % (line.length + 1);
  return line.slice(0, i) + char + line.slice(replace ? i + 1 : i);
}

export const mutation = fc.tuple(fc.nat(), fc.constantFrom('"', '\\', ',', ':', '{', '}', ' ', '\u0001', '0', '9', '.', 'e', '-', 'A', '/', ''), fc.boolean());

