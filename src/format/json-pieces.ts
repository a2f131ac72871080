/**
 * @module A value's JSON text in pieces, the same bytes as `JSON.stringify(value)` joined: a replay
 * report with two lists of 100,000 groups is 64 MB of JSON, and that text as one string (plus its
 * copy with the line feed) is what pushed `replay --baseline` over its heap cap at the end of a long
 * run. Written piece by piece through a draining sink, the report's text never exists whole.
 */

/**
 * The pieces of `JSON.stringify(value)` (no indentation, no replacer), in order. Plain objects and
 * arrays are walked, each array element one piece when it holds no array; anything else (numbers,
 * strings, class instances, boxed values) is one piece from JSON.stringify itself. A cyclic value
 * overflows the stack instead of JSON.stringify's TypeError: reports are trees.
 */
export function* jsonPieces(value: unknown): Generator<string, void, undefined> {
  const shown = resolved(value, '');
  if (isWalked(shown)) yield* piecesOf(shown);
  else {
    const text = JSON.stringify(shown) as string | undefined;
    if (text !== undefined) yield text;
  }
}

function* piecesOf(shown: object): Generator<string, void, undefined> {
  if (Array.isArray(shown)) {
    yield '[';
    for (let i = 0; i < shown.length; i++) {
      const element = resolved(shown[i], String(i));
      if (i > 0) yield ',';
      // An array keeps a slot for what an object would leave out: JSON.stringify writes null there.
      if (isWalked(element) && holdsArray(element)) yield* piecesOf(element);
      else yield (JSON.stringify(element) as string | undefined) ?? 'null';
    }
    yield ']';
    return;
  }
  let separator = '{';
  for (const name of Object.keys(shown)) {
    const member = resolved((shown as Record<string, unknown>)[name], name);
    if (isWalked(member)) {
      yield `${separator}${JSON.stringify(name)}:`;
      yield* piecesOf(member);
    } else {
      const text = JSON.stringify(member) as string | undefined;
      if (text === undefined) continue;
      yield `${separator}${JSON.stringify(name)}:${text}`;
    }
    separator = ',';
  }
  yield separator === '{' ? '{}' : '}';
}

/** A plain object or array, whose members are written one by one. */
function isWalked(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/**
 * Whether a walked value has an array among its members (at any depth): an array element without
 * one is small enough to be one piece, and a report's long lists are arrays.
 */
function holdsArray(value: object): boolean {
  if (Array.isArray(value)) return true;
  for (const member of Object.values(value)) if (isWalked(member) && holdsArray(member)) return true;
  return false;
}

/** The value JSON.stringify writes for `value` under `key`: its toJSON's result where it has one. */
function resolved(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  return value;
}
