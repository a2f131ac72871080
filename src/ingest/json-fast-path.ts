/**
 * @module Reads a JSON source with `JSON.parse` when that gives exactly the value the `yaml` path
 * (YAML 1.1, unique keys, the structure limits) would give, and declines otherwise. It is only an
 * optimisation: every source it declines, and every problem, goes through the `yaml` path, which
 * stays the truth for values, messages and locations (or, from 4 MiB on, through json-source.ts,
 * which gives the same). The text is checked by json-scan.ts, the scan both readers share.
 */
import { scanJson, startsLikeJson } from './json-scan.js';

/**
 * The value of `text` (BOM already removed) when it is one JSON document that the `yaml` path
 * reads to the same value without any diagnostic; undefined when the `yaml` path must decide.
 */
export function readJsonFast(text: string): { value: unknown } | undefined {
  if (!startsLikeJson(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // a syntax error, or YAML that looks like JSON: the yaml path says which
  }
  const scan = scanJson(text, { uniqueKeys: false });
  if (scan.problem || scan.loneCarriageReturn) return undefined;
  // JSON.parse keeps the last of duplicate keys silently; the yaml path reports them. Every
  // duplicate makes the parsed objects hold fewer keys than the text names.
  if (countParsedKeys(value) !== scan.keys) return undefined;
  return { value };
}

/** Own keys of every object in a JSON value, walked without recursion. */
function countParsedKeys(root: unknown): number {
  let keys = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    for (const key of Object.keys(value)) {
      keys++;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return keys;
}
