/**
 * @module Reads a JSON source with `JSON.parse` when that gives exactly the value the `yaml` path
 * (YAML 1.1, unique keys, the structure limits) would give, and declines otherwise. It is only an
 * optimisation: every source it declines, and every problem, goes through the `yaml` path, which
 * stays the truth for values, messages and locations.
 */
import { closingQuote } from './json-locate.js';
import { LIMITS } from './limits.js';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

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
  const keysInText = countKeysWithinLimits(text);
  if (keysInText === undefined) return undefined;
  // JSON.parse keeps the last of duplicate keys silently; the yaml path reports them. Every
  // duplicate makes the parsed objects hold fewer keys than the text names.
  if (countParsedKeys(value) !== keysInText) return undefined;
  return { value };
}

/** A `{` or `[` first, after JSON whitespace: anything else is not worth a JSON.parse attempt. */
function startsLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return true;
    if (c !== SPACE && c !== TAB && c !== LINE_FEED && c !== CARRIAGE_RETURN) return false;
  }
  return false;
}

/**
 * One pass over text JSON.parse accepted: the number of object keys (the colons outside
 * strings), or undefined when the yaml path would read it differently or report a limit: nesting
 * deeper than LIMITS.maxNestingDepth, a mapping over LIMITS.maxMappingEntries, or a carriage
 * return not followed by a line feed (YAML reads a lone CR as content, JSON as whitespace).
 */
function countKeysWithinLimits(text: string): number | undefined {
  // Per open collection: its entry count, or -1 for a list.
  const entries: number[] = [];
  let keys = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
    } else if (c === COLON) {
      keys++;
      const top = entries.length - 1;
      if (++entries[top]! > LIMITS.maxMappingEntries) return undefined;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (entries.length === LIMITS.maxNestingDepth) return undefined;
      entries.push(c === OPEN_BRACE ? 0 : -1);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      entries.pop();
    } else if (c === CARRIAGE_RETURN && text.charCodeAt(i + 1) !== LINE_FEED) {
      return undefined;
    }
  }
  return keys;
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
