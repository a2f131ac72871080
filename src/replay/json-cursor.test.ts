import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonCursor } from './json-cursor.js';

/** Whether the cursor steps over the whole text as one value. */
function steps(text: string): boolean {
  const cursor = new JsonCursor();
  cursor.reset(text);
  return cursor.value() && cursor.done();
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('JsonCursor', () => {
  it('steps over exactly the texts JSON.parse accepts (random JSON, then broken)', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '\\u00', '\t', '\u0001', 'e', '-', '.', '0', 'tru', ' '), fc.nat(3));
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.array(edit, { maxLength: 2 }), (json, edits) => {
        let text = json;
        for (const [at, insert, cut] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        expect(steps(text), text).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('knows the number grammar, escapes, whitespace and the nesting bound', () => {
    for (const text of ['-0', '0.5e-3', '1E+2', '01', '1.', '.5', '-', '+1', '"\\u00e9\\n"', '"\\u00g0"', '"\\a"', ' \r\n\t[1 , {"a" : null}]\n', '\u00a0[]', '[1,]', '{"a":1,}', '{,}', 'nul', 'true false']) {
      expect(steps(text), text).toBe(parses(text));
    }
    // Deeper than the cursor goes: it gives up (JSON.parse would read it).
    expect(steps(`${'['.repeat(100)}${']'.repeat(100)}`)).toBe(false);
    expect(steps(`${'['.repeat(60)}${']'.repeat(60)}`)).toBe(true);
  });

  it('marks strings and whole numbers for the scanner', () => {
    const cursor = new JsonCursor();
    cursor.reset('"a\\"b" 8080 1e3 -5');
    expect(cursor.string()).toBe(true);
    expect(cursor.stringValue()).toBe('a"b');
    cursor.space();
    expect(cursor.number() && cursor.wholeNumber()).toBe(8080);
    for (let i = 0; i < 2; i++) {
      cursor.space();
      expect(cursor.number()).toBe(true);
      expect(cursor.wholeNumber()).toBeNaN();
    }
  });
});
