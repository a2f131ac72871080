/**
 * @module Large JSON manifests without the YAML parser: `JSON.parse`, then the shared scan
 * (json-scan.ts) that enforces what the YAML path enforces (unique keys, the nesting and
 * mapping-size limits), with field offsets found on the text (json-locate.ts). It gives the YAML
 * path's objects, messages and places for what the fast path declines. The `yaml` package's syntax
 * tree costs about 50 bytes per input byte: a 78 MiB JSON bundle (size L) ran out of a 4 GiB heap
 * there.
 */
import { jsonOffsetLocator } from './json-locate.js';
import { scanJson, type JsonProblem } from './json-scan.js';
import type { PathSegment } from './path.js';

/** JSON from this size on takes this path (smaller inputs keep the YAML parser's messages). */
export const LARGE_JSON_BYTES = 4 * 2 ** 20;

/** A JSON text read: its value and where its fields are, or the first problem, by offset. */
export type JSONRead =
  | { readonly ok: true; readonly value: unknown; readonly locate: (path: readonly PathSegment[]) => number }
  | ({ readonly ok: false } & Omit<JsonProblem, 'offset'> & { readonly offset: number | undefined });

export function readJSON(text: string): JSONRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    const position = /at position (\d+)/.exec(message);
    return { ok: false, offset: position ? Number(position[1]) : undefined, code: 'syntax', message: shorten(message) };
  }
  const { problem } = scanJson(text, { uniqueKeys: true });
  if (problem) return { ok: false, ...problem };
  return { ok: true, value, locate: jsonOffsetLocator(text) };
}

/** V8 quotes the input in its message; 200 characters of an 80 MB line help nobody. */
function shorten(message: string): string {
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}
