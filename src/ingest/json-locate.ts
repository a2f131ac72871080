/**
 * @module Field lines in a JSON text that a JSON reader (json-fast-path.ts, json-source.ts) read,
 * found on the text itself the
 * way parse.ts finds them in the `yaml` document (the deepest existing node: a key, or a
 * collection or list item), without composing that document: one warning on a large bundle
 * (an ignored kind, say) would otherwise cost as much as the yaml path saved.
 */
import { closingQuote, decodeString, skipSpace } from './json-scan.js';
import type { PathSegment } from './path.js';

/** One collection's children: for a mapping its keys with offsets, for a list its items' offsets. */
interface Children {
  readonly keys?: readonly { readonly key: string; readonly keyAt: number; readonly valueAt: number }[];
  readonly items?: readonly number[];
}

/**
 * A function from a path to the offset of the deepest node along it, for text JSON.parse
 * accepted. Each collection walked is indexed once, so many lookups cost about one pass.
 */
export function jsonOffsetLocator(text: string): (path: readonly PathSegment[]) => number {
  const indexed = new Map<number, Children>();
  const childrenAt = (open: number): Children => {
    let children = indexed.get(open);
    if (!children) indexed.set(open, (children = readChildren(text, open)));
    return children;
  };
  const root = skipSpace(text, 0);
  return (path) => {
    let node = root;
    let reached = root;
    for (const segment of path) {
      const c = text.charCodeAt(node);
      if (c === 0x7b) {
        const entry = childrenAt(node).keys!.find((e) => e.key === String(segment));
        if (!entry) break;
        reached = entry.keyAt;
        node = entry.valueAt;
        const v = text.charCodeAt(node);
        if (v === 0x7b || v === 0x5b) reached = node;
      } else if (c === 0x5b && typeof segment === 'number') {
        const item = childrenAt(node).items![segment];
        if (item === undefined) break;
        node = item;
        reached = item;
      } else {
        break;
      }
    }
    return reached;
  };
}

function readChildren(text: string, open: number): Children {
  const mapping = text.charCodeAt(open) === 0x7b;
  const keys: { key: string; keyAt: number; valueAt: number }[] = [];
  const items: number[] = [];
  let i = skipSpace(text, open + 1);
  while (text.charCodeAt(i) !== 0x7d && text.charCodeAt(i) !== 0x5d) {
    if (mapping) {
      const keyEnd = closingQuote(text, i);
      const valueAt = skipSpace(text, skipSpace(text, keyEnd + 1) + 1); // past the colon
      keys.push({ key: decodeString(text, i, keyEnd), keyAt: i, valueAt });
      i = valueAt;
    } else {
      items.push(i);
    }
    i = skipSpace(text, skipValue(text, i));
    if (text.charCodeAt(i) === 0x2c) i = skipSpace(text, i + 1);
  }
  return mapping ? { keys } : { items };
}

/** The offset just past the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return closingQuote(text, i) + 1;
  if (c !== 0x7b && c !== 0x5b) {
    let end = i;
    while (end < text.length && !/[\s,\]}]/.test(text[end]!)) end++;
    return end;
  }
  let depth = 0;
  for (let j = i; ; j++) {
    const d = text.charCodeAt(j);
    if (d === 0x22) j = closingQuote(text, j);
    else if (d === 0x7b || d === 0x5b) depth++;
    else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
  }
}
