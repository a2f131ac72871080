/**
 * @module When a flow-log record happened: the time fields of the formats (RFC 3339 text, or epoch
 * seconds or milliseconds) read into epoch milliseconds, a plain number carried along with the
 * record (no Date per flow), and written back as RFC 3339 UTC only where a report shows one.
 */
import { LineError, show } from './records.js';

/** Epoch numbers below this are seconds (up to the year 5138); from it on, milliseconds. */
const EPOCH_MS_FROM = 1e11;
/** Epoch milliseconds past this (the year 5138 again) are refused: microseconds or nanoseconds, most likely. */
const EPOCH_MS_MAX = 1e14;

const DIGIT_0 = 0x30;

const RFC3339 = 'an RFC 3339 time (2024-05-14T09:21:07Z) or epoch seconds or milliseconds';

/**
 * A time field's text: RFC 3339 (`2024-05-14T09:21:07.412Z`, `...+02:00`; a space for the T is
 * accepted, as SQL exports write it) or a decimal epoch in seconds or milliseconds (told apart by
 * size: below 1e11 is seconds). Empty and "-" mean the record has no time (undefined).
 */
export function parseTimeText(text: string | undefined, field: string): number | undefined {
  if (text === undefined || text === '' || text === '-') return undefined;
  const first = text.charCodeAt(0) - DIGIT_0;
  if (first >= 0 && first <= 9 && text.length >= 20 && text.charCodeAt(4) === 0x2d) {
    const ms = rfc3339(text);
    if (ms !== undefined) return ms;
  } else {
    const whole = wholeNumber(text);
    if (whole !== undefined) return epochMs(whole, text, field);
    if (/^[0-9]{1,15}\.[0-9]{1,9}$/.test(text)) return epochMs(Number(text), text, field);
  }
  throw new LineError(`${field}: ${show(text)} is not ${RFC3339}`);
}

/** A time field of a JSON line: a string as parseTimeText reads it, or an epoch number. */
export function parseTimeValue(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return parseTimeText(value, field);
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return epochMs(value, value, field);
  throw new LineError(`${field}: ${show(value)} is not ${RFC3339}`);
}

function epochMs(number: number, given: unknown, field: string): number {
  const ms = number < EPOCH_MS_FROM ? number * 1000 : number;
  if (!(ms < EPOCH_MS_MAX)) throw new LineError(`${field}: ${show(given)} is too large for epoch seconds or milliseconds`);
  return ms;
}

/** A time as reports write it: RFC 3339 in UTC, to the millisecond. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The number a string of at most 15 ASCII digits spells (VPC's start and end); undefined otherwise. */
function wholeNumber(text: string): number | undefined {
  if (text.length > 15) return undefined;
  let number = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return undefined;
    number = number * 10 + digit;
  }
  return number;
}

/** Two ASCII digits at `at` as a number; NaN when they are not digits. */
function two(bytes: Uint8Array, at: number): number {
  const a = bytes[at]! - DIGIT_0;
  const b = bytes[at + 1]! - DIGIT_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/** A text's UTF-8 bytes, for rfc3339 (non-ASCII text is no RFC 3339 time, in either form). */
const encoder = new TextEncoder();
let scratch = new Uint8Array(64);

/** Epoch milliseconds of an RFC 3339 date-time; undefined when `text` is not one. */
function rfc3339(text: string): number | undefined {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  return rfc3339Bytes(scratch, 0, encoder.encodeInto(text, scratch).written);
}

/** Whether bytes [start, end) take parseTimeText's RFC 3339 branch: a digit, 20 bytes or more, a dash after the year. */
export function hasRfc3339Shape(bytes: Uint8Array, start: number, end: number): boolean {
  const first = bytes[start]! - DIGIT_0;
  return first >= 0 && first <= 9 && end - start >= 20 && bytes[start + 4] === 0x2d;
}

/**
 * Epoch milliseconds of the RFC 3339 date-time in bytes [start, end) (parseTimeText's reading,
 * on bytes, so that a line's time needs no string); undefined when they are not one.
 */
export function rfc3339Bytes(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (end - start < 20) return undefined;
  const year = two(bytes, start) * 100 + two(bytes, start + 2);
  const month = two(bytes, start + 5);
  const day = two(bytes, start + 8);
  const t = bytes[start + 10];
  if (bytes[start + 4] !== 0x2d || bytes[start + 7] !== 0x2d || (t !== 0x54 && t !== 0x74 && t !== 0x20)) return undefined;
  const hour = two(bytes, start + 11);
  const minute = two(bytes, start + 14);
  const second = two(bytes, start + 17);
  if (bytes[start + 13] !== 0x3a || bytes[start + 16] !== 0x3a) return undefined;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 60)) return undefined;
  let at = start + 19;
  let fraction = 0;
  if (bytes[at] === 0x2e) {
    let scale = 100;
    const from = ++at;
    for (; at < end; at++) {
      const digit = bytes[at]! - DIGIT_0;
      if (digit < 0 || digit > 9) break;
      fraction += digit * scale;
      scale /= 10;
    }
    if (at === from) return undefined;
  }
  const offset = offsetMinutes(bytes, at, end);
  if (offset === undefined) return undefined;
  return (daysFromEpoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset * 60) * 1000 + fraction;
}

/** The zone at `at`, the end of an RFC 3339 time that ends at `end`, in minutes east of UTC; undefined when it is not one. */
function offsetMinutes(bytes: Uint8Array, at: number, end: number): number | undefined {
  const zone = bytes[at];
  if (zone === 0x5a || zone === 0x7a) return at + 1 === end ? 0 : undefined;
  if ((zone !== 0x2b && zone !== 0x2d) || at + 6 !== end || bytes[at + 3] !== 0x3a) return undefined;
  const hours = two(bytes, at + 1);
  const minutes = two(bytes, at + 4);
  if (!(hours <= 23 && minutes <= 59)) return undefined;
  return (zone === 0x2d ? -1 : 1) * (hours * 60 + minutes);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
