/**
 * @module The character codes of JSON's structure (brackets, separators, quote and escape,
 * whitespace, number signs), one definition for every layer's scanners that read JSON text by
 * `charCodeAt` or by byte: they are the same in both, as JSON's structure is ASCII.
 */

export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const SPACE = 0x20;
export const TAB = 0x09;
export const LINE_FEED = 0x0a;
export const CARRIAGE_RETURN = 0x0d;
export const DIGIT_0 = 0x30;
export const DIGIT_9 = 0x39;
export const MINUS = 0x2d;
