// netpol-edge's flow-log row reader for CSV and VPC logs (src/replay/rows-wasm.ts is its host):
// the host writes the rows' columns at columnsAt() and its spellings at wordsAt(), lines' bytes
// from lineAt() (a chunk of them at a time), and calls readLines() to read as many of them as it
// can at once (results at linesAt()); it learns the endpoint texts it did not know with
// rememberEndpoint(), and the conversations' decided services with noteService(). It also counts
// the line feeds of bytes written there (countLineFeeds), for the host's cutting of logs into
// parts. Raw bindings, stub runtime: nothing is allocated after start.
import { clearConversations, noteService } from './conversations';
import { clearEndpoints, rememberEndpoint as remember } from './endpoints';
import { keepHashBits } from './keys';
import { clearMarks, markTallied } from './tally';
import { COLUMNS_AT, LAYOUT_CHECK, LINES_AT, LINE_AT, LINE_CAPACITY, MAX_LINES, TALLIES_AT, WORDS_AT } from './layout';
import { lineFeedsIn } from './line-feeds';
import { readLines as read } from './rows';

export { clearConversations, clearMarks, markTallied, noteService };

/** Forgets every endpoint text, and so every conversation (they name the texts' entries). */
export function forgetEndpoints(): void {
  clearEndpoints();
  clearConversations();
}

/** Keeps only the hash bits of `mask`, and forgets everything (for tests: with few bits, texts and conversations collide and their bytes must decide). */
export function cutHash(mask: u32): void {
  keepHashBits(mask);
  forgetEndpoints();
  clearMarks();
}

/**
 * Remembers the endpoint text at bytes [at, end) of the line area, which readLines found new, as
 * the host's `entry` (>= 0), or -1 when the host refused it; nothing when the bounds are not the area's.
 */
export function rememberEndpoint(at: i32, end: i32, entry: i32): void {
  if (at < 0 || end < at || <usize>end > LINE_CAPACITY || entry < -1) return;
  remember(LINE_AT + <usize>at, LINE_AT + <usize>end, entry);
}

/** TALLIES_AT: where readLines writes its tallies. */
export function talliesAt(): usize {
  return TALLIES_AT;
}

export function layoutCheck(): i32 {
  return LAYOUT_CHECK;
}

export function columnsAt(): usize {
  return COLUMNS_AT;
}

export function wordsAt(): usize {
  return WORDS_AT;
}

export function lineAt(): usize {
  return LINE_AT;
}

export function lineCapacity(): usize {
  return LINE_CAPACITY;
}

export function linesAt(): usize {
  return LINES_AT;
}

/** Lines read by one readLines call at most. */
export function maxLines(): i32 {
  return MAX_LINES;
}

/**
 * Reads the rows of `format` (0: CSV, 1: VPC) of the line area from `at` up to `end` (the bytes
 * from host offset `origin`), none longer than `maxLine`, until one the host must read itself
 * (rows.ts): the number written times eight, plus one when the next one has an endpoint text the
 * host must teach, two when it has no line feed before the area's end, or four when the call
 * stopped before a line it would tally, after one whose time the host reads.
 */
export function readLines(format: i32, at: i32, end: i32, origin: i32, maxLine: i32): i32 {
  if (at < 0 || end < at || <usize>end > LINE_CAPACITY || maxLine < 0 || <u32>format > 1) return 0;
  return read(format, <usize>at, <usize>end, origin, <usize>maxLine);
}

/** The line feeds among bytes [at, end) of the line area, or -1 when the bounds are not the area's. */
export function countLineFeeds(at: i32, end: i32): i32 {
  if (at < 0 || end < at || <usize>end > LINE_CAPACITY) return -1;
  return lineFeedsIn(LINE_AT + <usize>at, LINE_AT + <usize>end);
}
