/**
 * @module The one scan of a JSON text (one JSON.parse accepted) for what the `yaml` path would
 * check or read differently: object keys (counted, and optionally compared for duplicates), the
 * nesting and mapping-size limits, and line breaks YAML reads otherwise. Both JSON readers use it:
 * the fast path (json-fast-path.ts) declines on any finding, the large-JSON reader
 * (json-source.ts) reports the first problem where it is. String and space primitives for walking
 * such a text (json-locate.ts) live here too.
 */
import { BACKSLASH, CARRIAGE_RETURN, CLOSE_ARRAY, CLOSE_OBJECT, COLON, LINE_FEED, OPEN_ARRAY, OPEN_OBJECT, QUOTE, SPACE, TAB } from '../model/json-chars.js';
import { LIMITS } from './limits.js';

/** The first thing in a JSON text the `yaml` path refuses, by offset, in its words. */
export interface JsonProblem {
  readonly offset: number;
  readonly code: 'syntax' | 'limit';
  readonly message: string;
}

export interface JsonScan {
  /** Object keys the text names (duplicates included), up to the first problem. */
  readonly keys: number;
  /** A carriage return not followed by a line feed: YAML reads it as content, JSON as space. */
  readonly loneCarriageReturn: boolean;
  readonly problem?: JsonProblem;
}

/**
 * One pass over text JSON.parse accepted, stopping at the first problem: a collection nested
 * deeper than LIMITS.maxNestingDepth, a mapping over LIMITS.maxMappingEntries, and with
 * `uniqueKeys` a key its mapping already has (the fast path finds duplicates more cheaply, by
 * comparing `keys` with the parsed value's).
 */
export function scanJson(text: string, options: { readonly uniqueKeys: boolean }): JsonScan {
  // Per open collection: its entry count (-1 for a list), its offset, and its keys when compared.
  const entries: number[] = [];
  const starts: number[] = [];
  const keySets: (Set<string> | undefined)[] = [];
  let keys = 0;
  let loneCarriageReturn = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      const keySet = keySets[keySets.length - 1];
      if (keySet && text.charCodeAt(skipSpace(text, end + 1)) === COLON) {
        const key = decodeString(text, i, end);
        if (keySet.has(key)) return { keys, loneCarriageReturn, problem: { offset: i, code: 'syntax', message: 'Map keys must be unique' } };
        keySet.add(key);
      }
      i = end;
    } else if (c === COLON) {
      keys++;
      const top = entries.length - 1;
      if (++entries[top]! > LIMITS.maxMappingEntries) {
        const message = `a mapping has more than ${LIMITS.maxMappingEntries} entries; at most ${LIMITS.maxMappingEntries} are allowed`;
        return { keys, loneCarriageReturn, problem: { offset: starts[top]!, code: 'limit', message } };
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (entries.length === LIMITS.maxNestingDepth) {
        const message = `collections are nested more than ${LIMITS.maxNestingDepth} levels deep`;
        return { keys, loneCarriageReturn, problem: { offset: i, code: 'limit', message } };
      }
      const mapping = c === OPEN_OBJECT;
      entries.push(mapping ? 0 : -1);
      starts.push(i);
      keySets.push(mapping && options.uniqueKeys ? new Set() : undefined);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      entries.pop();
      starts.pop();
      keySets.pop();
    } else if (c === CARRIAGE_RETURN && text.charCodeAt(i + 1) !== LINE_FEED) {
      loneCarriageReturn = true;
    }
  }
  return { keys, loneCarriageReturn };
}

/**
 * A `{` or `[` first, after any whitespace: anything else is not worth a JSON.parse attempt. Any
 * (not only JSON's) so that large text that only looks like JSON still stays off the YAML parser,
 * whose syntax tree would not fit in memory; JSON.parse then names the stray character.
 */
export function startsLikeJson(text: string): boolean {
  const first = text.search(/\S/);
  return first >= 0 && (text.charCodeAt(first) === OPEN_OBJECT || text.charCodeAt(first) === OPEN_ARRAY);
}

/** The index of the quote that closes the string opened at `open`, in text JSON.parse accepted. */
export function closingQuote(text: string, open: number): number {
  for (let quote = text.indexOf('"', open + 1); ; quote = text.indexOf('"', quote + 1)) {
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
}

/** The value of the string whose quotes are at `open` and `close`. */
export function decodeString(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  return raw.includes('\\') ? (JSON.parse(text.slice(open, close + 1)) as string) : raw;
}

/** The first offset from `i` on that is not JSON whitespace (or the text's length). */
export function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== LINE_FEED && c !== CARRIAGE_RETURN) break;
    i++;
  }
  return i;
}
