/**
 * @module Large JSON manifests without the YAML parser: `JSON.parse`, then one linear scan that
 * enforces what the YAML path enforces (unique keys, the nesting and mapping-size limits) and notes
 * where the items of top-level lists start, so a field's line is found by walking one item's text.
 * The `yaml` package's syntax tree costs about 50 bytes per input byte: a 78 MiB JSON bundle (size L)
 * ran out of a 4 GiB heap there.
 */
import { LIMITS } from './limits.js';
import type { PathSegment } from './path.js';

/** JSON from this size on takes this path (smaller inputs keep the YAML parser's messages). */
export const LARGE_JSON_BYTES = 4 * 2 ** 20;

/** A JSON text read: its value and where its fields are, or the first problem, by offset. */
export type JSONRead =
  | { readonly ok: true; readonly value: unknown; readonly locate: (path: readonly PathSegment[]) => number }
  | { readonly ok: false; readonly offset: number | undefined; readonly code: 'syntax' | 'limit'; readonly message: string };

/** True when the text (after whitespace) opens a JSON object or array. */
export function looksLikeJSON(text: string): boolean {
  const first = text.search(/\S/);
  return first >= 0 && (text[first] === '{' || text[first] === '[');
}

export function readJSON(text: string): JSONRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    const position = /at position (\d+)/.exec(message);
    return { ok: false, offset: position ? Number(position[1]) : undefined, code: 'syntax', message: shorten(message) };
  }
  const scan = scanStructure(text);
  if ('problem' in scan) return { ok: false, ...scan.problem };
  return { ok: true, value, locate: (path) => locateIn(text, scan.itemStarts, path) };
}

/** V8 quotes the input in its message; 200 characters of an 80 MB line help nobody. */
function shorten(message: string): string {
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}

const QUOTE = 34;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;

interface Frame {
  readonly object: boolean;
  readonly start: number;
  readonly keys: Set<string> | undefined;
  /** Item start offsets, kept for the root array and for arrays directly under the root object. */
  readonly items: number[] | undefined;
}

type Scan = { readonly itemStarts: Map<string, number[]> } | { readonly problem: { offset: number; code: 'syntax' | 'limit'; message: string } };

/** One pass over text JSON.parse accepted: duplicate keys, nesting depth, mapping sizes, item starts. */
function scanStructure(text: string): Scan {
  const itemStarts = new Map<string, number[]>();
  const stack: Frame[] = [];
  let rootKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === COMMA || c === COLON) continue;
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (top?.object && nextSignificant(text, end + 1) === COLON) {
        const key = decodeKey(text, i, end);
        if (top.keys!.has(key)) return { problem: { offset: i, code: 'syntax', message: 'Map keys must be unique' } };
        top.keys!.add(key);
        if (top.keys!.size > LIMITS.maxMappingEntries) {
          return { problem: { offset: top.start, code: 'limit', message: `a mapping has more than ${LIMITS.maxMappingEntries} entries; at most ${LIMITS.maxMappingEntries} are allowed` } };
        }
        if (stack.length === 1) rootKey = key;
      } else {
        top?.items?.push(i);
      }
      i = end;
      continue;
    }
    top?.items?.push(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length + 1 > LIMITS.maxNestingDepth) {
        return { problem: { offset: i, code: 'limit', message: `collections are nested more than ${LIMITS.maxNestingDepth} levels deep` } };
      }
      const name = stack.length === 0 ? '' : stack.length === 1 && top!.object ? rootKey : undefined;
      const items = c === OPEN_ARRAY && name !== undefined ? [] : undefined;
      if (items) itemStarts.set(name!, items);
      stack.push({ object: c === OPEN_OBJECT, start: i, keys: c === OPEN_OBJECT ? new Set() : undefined, items });
      continue;
    }
    i = scalarEnd(text, i) - 1;
  }
  return { itemStarts };
}

/** The offset of the closing quote of the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  return text.charCodeAt(i);
}

/** The offset just past a number, true, false or null. */
function scalarEnd(text: string, start: number): number {
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY) break;
  }
  return i;
}

/** The offset just past the value starting at `start`. */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === QUOTE) return stringEnd(text, start) + 1;
  if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) return scalarEnd(text, start);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) i = stringEnd(text, i);
    else if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
    else if ((d === CLOSE_OBJECT || d === CLOSE_ARRAY) && --depth === 0) return i + 1;
  }
  return text.length;
}

/**
 * The offset of the deepest existing node along `path`, as the YAML path reports it: a mapping
 * field at its key (or at its value when that is a collection), a list item at the item.
 */
function locateIn(text: string, itemStarts: Map<string, number[]>, path: readonly PathSegment[]): number {
  let at = nextSignificantOffset(text, 0);
  let rest = path;
  // Jump straight to an item of a top-level list rather than walking the whole text to it.
  const rootItems = itemStarts.get('');
  const keyedItems = typeof path[0] === 'string' ? itemStarts.get(path[0]) : undefined;
  if (rootItems && typeof path[0] === 'number' && rootItems[path[0]] !== undefined) {
    at = rootItems[path[0]]!;
    rest = path.slice(1);
  } else if (keyedItems && typeof path[1] === 'number' && keyedItems[path[1]] !== undefined) {
    at = keyedItems[path[1]]!;
    rest = path.slice(2);
  }
  let reached = at;
  for (const segment of rest) {
    const next = child(text, at, segment);
    if (!next) break;
    reached = next.reached;
    at = next.value;
  }
  return reached;
}

function nextSignificantOffset(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  return i;
}

/** The child `segment` of the collection at `at`: where to report it, and where its value starts. */
function child(text: string, at: number, segment: PathSegment): { reached: number; value: number } | undefined {
  const open = text.charCodeAt(at);
  if (open !== OPEN_OBJECT && open !== OPEN_ARRAY) return undefined;
  if (open === OPEN_ARRAY && typeof segment !== 'number') return undefined;
  let i = nextSignificantOffset(text, at + 1);
  for (let index = 0; text.charCodeAt(i) !== CLOSE_OBJECT && text.charCodeAt(i) !== CLOSE_ARRAY; index++) {
    let keyAt = -1;
    if (open === OPEN_OBJECT) {
      keyAt = i;
      const end = stringEnd(text, i);
      i = nextSignificantOffset(text, nextSignificantOffset(text, end + 1) + 1);
      if (decodeKey(text, keyAt, end) === String(segment)) {
        const c = text.charCodeAt(i);
        return { reached: c === OPEN_OBJECT || c === OPEN_ARRAY ? i : keyAt, value: i };
      }
    } else if (index === segment) {
      return { reached: i, value: i };
    }
    i = nextSignificantOffset(text, valueEnd(text, i));
    if (text.charCodeAt(i) === COMMA) i = nextSignificantOffset(text, i + 1);
  }
  return undefined;
}
