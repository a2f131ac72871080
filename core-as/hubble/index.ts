// netpol-edge's Hubble line scanner (src/replay/hubble-wasm.ts is its host): the host writes
// lines' bytes from lineAt() (a chunk of them at a time), calls scanLines() to read as many of them
// as it can at once (results at linesAt()), and scan() for a line it must read itself (positions
// at fieldsAt(), result at resultAt()). Raw bindings, stub runtime: nothing is allocated after start.
import { clearEnds, cutHash, rememberEnd } from './ends';
import { FIELDS_AT, LAYOUT_CHECK, LINES_AT, LINE_AT, LINE_CAPACITY, MAX_LINES, RESULT_AT } from './layout';
import { findEnds, readLines } from './lines';
import { flowBase, scanLine } from './scan';

export { clearEnds, cutHash, rememberEnd };

export function layoutCheck(): i32 {
  return LAYOUT_CHECK;
}

export function fieldsAt(): usize {
  return FIELDS_AT;
}

export function resultAt(): usize {
  return RESULT_AT;
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

/** Lines read by one scanLines call at most. */
export function maxLines(): i32 {
  return MAX_LINES;
}

/**
 * Scans the line of `length` bytes at lineAt() + `at` (the host may write many lines at once),
 * which starts at `origin` in the host's bytes
 * (positions are written as offsets there); 1 when the scanner takes it (then resultAt()
 * holds its flow's base in the positions, and the remembered ids of its source and destination,
 * -1 when not met or when the flow has no such address), else 0.
 */
export function scan(at: i32, length: i32, origin: i32): i32 {
  if (at < 0 || length < 0 || <usize>at + <usize>length > LINE_CAPACITY || !scanLine(<usize>at, length, origin)) return 0;
  const base = flowBase();
  store<i32>(RESULT_AT, base);
  findEnds(base, LINE_AT + <usize>at - <usize>origin);
  return 1;
}

/**
 * Reads the lines of the line area from `at` up to `end` (the bytes from host offset `origin`),
 * none longer than `maxLine`, until one the host must read itself (lines.ts): how many it read,
 * their results at linesAt() + 16, the host offset after the last one at linesAt().
 */
export function scanLines(at: i32, end: i32, origin: i32, maxLine: i32): i32 {
  if (at < 0 || end < at || <usize>end > LINE_CAPACITY || maxLine < 0) return 0;
  return readLines(<usize>at, <usize>end, origin, <usize>maxLine);
}
