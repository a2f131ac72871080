/**
 * @module JSON text read in place, for hand-written field scanners: a cursor that steps over
 * values (checking them exactly as JSON.parse's grammar does, building nothing) and marks the
 * strings and numbers it steps over, so that a scanner slices only the few values it keeps. Any
 * step that cannot go on returns false: the scanner then leaves the line to JSON.parse, which
 * says what is wrong with it.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Nesting deeper than this is left to JSON.parse (which has no such limit); flow logs nest about four deep. */
const MAX_DEPTH = 64;

/** Escapes, and characters no JSON string holds raw (whitespace outside strings aside). */
const NOT_PLAIN = /[\u0000-\u001f\\]/;

/** What follows `\` in a JSON string, besides `u` and four hex digits. */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

export class JsonCursor {
  text = '';
  /** The next character to read. */
  at = 0;
  /** The last string stepped over: its content's bounds (quotes excluded), and whether it has escapes. */
  start = 0;
  end = 0;
  escaped = false;
  /** Whether the last firstMember or nextMember that answered false met the object's end (not bad JSON). */
  closed = false;
  private readonly stack = new Uint8Array(MAX_DEPTH);
  /** The text has no backslash and no control character: every string ends at the next quote. */
  private plain = false;

  reset(text: string): void {
    this.text = text;
    this.at = 0;
    this.plain = !NOT_PLAIN.test(text);
  }

  /** Steps over JSON whitespace (space, tab, line feed, carriage return; nothing else). */
  space(): void {
    const text = this.text;
    let at = this.at;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      at++;
    }
    this.at = at;
  }

  /** The next character's code (NaN at the end), after whitespace; not consumed. */
  peek(): number {
    this.space();
    return this.text.charCodeAt(this.at);
  }

  /** Consumes `code` after whitespace, when it is next. */
  take(code: number): boolean {
    this.space();
    if (this.text.charCodeAt(this.at) !== code) return false;
    this.at++;
    return true;
  }

  /** At the end of the text, but for whitespace. */
  done(): boolean {
    this.space();
    return this.at === this.text.length;
  }

  /** Steps over a string at the cursor (no whitespace first), marking its content. */
  string(): boolean {
    const at = this.at;
    if (this.text.charCodeAt(at) !== QUOTE) return false;
    const after = this.stringEnd(at + 1);
    if (after < 0) return false;
    this.start = at + 1;
    this.end = after - 1;
    this.at = after;
    return true;
  }

  /** Where the string whose content starts at `at` ends (after its closing quote); -1 when it does not. Sets `escaped`. */
  private stringEnd(at: number): number {
    const text = this.text;
    this.escaped = false;
    if (this.plain) {
      // The common case, at the speed of a native search.
      const close = text.indexOf('"', at);
      return close === -1 ? -1 : close + 1;
    }
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === QUOTE) return at + 1;
      if (c === BACKSLASH) {
        this.escaped = true;
        const next = text.charCodeAt(at + 1);
        if (next === 0x75) {
          if (!(isHex(text.charCodeAt(at + 2)) && isHex(text.charCodeAt(at + 3)) && isHex(text.charCodeAt(at + 4)) && isHex(text.charCodeAt(at + 5)))) return -1;
          at += 6;
        } else if (SIMPLE_ESCAPES.has(next)) {
          at += 2;
        } else {
          return -1;
        }
        continue;
      }
      // Control characters are not allowed raw; NaN is the end of the text.
      if (!(c >= 0x20)) return -1;
      at++;
    }
  }

  /** The content of the last string stepped over, escapes decoded. */
  stringValue(): string {
    const { text, start, end } = this;
    return this.escaped ? (JSON.parse(text.slice(start - 1, end + 1)) as string) : text.slice(start, end);
  }

  /** Whether the last string stepped over is exactly `name` as written (no escapes). */
  stringIs(name: string): boolean {
    return !this.escaped && this.end - this.start === name.length && this.text.startsWith(name, this.start);
  }

  /** Steps over a number at the cursor, in JSON's grammar, marking its text as start/end. */
  number(): boolean {
    const text = this.text;
    let at = this.at;
    this.start = at;
    if (text.charCodeAt(at) === MINUS) at++;
    const first = text.charCodeAt(at);
    if (first === DIGIT_0) at++;
    else if (first > DIGIT_0 && first <= DIGIT_9) at = digits(text, at + 1);
    else return false;
    if (text.charCodeAt(at) === DOT) {
      const from = at + 1;
      at = digits(text, from);
      if (at === from) return false;
    }
    const e = text.charCodeAt(at);
    if (e === 0x65 || e === 0x45) {
      at++;
      const sign = text.charCodeAt(at);
      if (sign === PLUS || sign === MINUS) at++;
      const from = at;
      at = digits(text, from);
      if (at === from) return false;
    }
    this.end = at;
    this.at = at;
    return true;
  }

  /**
   * The last number stepped over when it is a plain whole number of at most 15 digits (no sign,
   * fraction or exponent: the only spelling whose value and JSON.stringify text are the digits);
   * NaN otherwise.
   */
  wholeNumber(): number {
    const { text, start, end } = this;
    if (end - start > 15 || (end - start > 1 && text.charCodeAt(start) === DIGIT_0)) return NaN;
    let value = 0;
    for (let at = start; at < end; at++) {
      const digit = text.charCodeAt(at) - DIGIT_0;
      if (digit < 0 || digit > 9) return NaN;
      value = value * 10 + digit;
    }
    return value;
  }

  /** Steps over `literal` (true, false, null) at the cursor. */
  literal(literal: string): boolean {
    if (!this.text.startsWith(literal, this.at)) return false;
    this.at += literal.length;
    return true;
  }

  /**
   * Steps over any value after whitespace, checking its grammar and building nothing: one loop
   * over the text, containers kept on a small stack.
   */
  value(): boolean {
    const text = this.text;
    const stack = this.stack;
    let depth = 0;
    for (;;) {
      // A value.
      this.space();
      const c = text.charCodeAt(this.at);
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === MAX_DEPTH) return false;
        this.at++;
        const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
        if (this.take(close)) {
          if (depth === 0) return true;
        } else {
          stack[depth++] = close;
          if (close === CLOSE_OBJECT && !this.key()) return false;
          continue;
        }
      } else if (!this.scalar(c)) {
        return false;
      }
      // What follows it: the next member, or the ends of containers.
      for (;;) {
        if (depth === 0) return true;
        const close = stack[depth - 1]!;
        this.space();
        const next = text.charCodeAt(this.at);
        if (next === COMMA) {
          this.at++;
          if (close === CLOSE_OBJECT && !this.key()) return false;
          break;
        }
        if (next !== close) return false;
        this.at++;
        depth--;
      }
    }
  }

  /** Steps over a string, number, true, false or null starting with `c` at the cursor. */
  private scalar(c: number): boolean {
    switch (c) {
      case QUOTE:
        return this.string();
      case 0x74:
        return this.literal('true');
      case 0x66:
        return this.literal('false');
      case 0x6e:
        return this.literal('null');
      default:
        return this.number();
    }
  }

  /** Steps over a member's key and its colon (after whitespace), marking the key's string. */
  key(): boolean {
    this.space();
    return this.string() && this.take(COLON);
  }

  /**
   * Enters the object at the cursor (after whitespace) and reads its first key: true when there
   * is one (the cursor after its colon), false at once for `{}` or when it is not an object (see `closed`).
   */
  firstMember(): boolean {
    this.closed = false;
    if (!this.take(OPEN_OBJECT)) return false;
    if (this.take(CLOSE_OBJECT)) {
      this.closed = true;
      return false;
    }
    return this.key();
  }

  /** After a member's value: true with the next key read; false at the object's end (`closed` set) or on bad JSON. */
  nextMember(): boolean {
    if (this.take(COMMA)) {
      this.closed = false;
      return this.key();
    }
    this.closed = this.take(CLOSE_OBJECT);
    return false;
  }
}

function isHex(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function digits(text: string, at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (!(c >= DIGIT_0 && c <= DIGIT_9)) return at;
    at++;
  }
}
