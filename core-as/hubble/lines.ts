// Many lines a call (index.ts's scanLines): the lines of the line area from a place, each found by
// its line feed, scanned (scan.ts), its ends looked up (ends.ts) and read as the host's fast path
// on one line reads it (src/replay/hubble-records.ts), written as one result per line, until a line
// the host must see itself: one the scanner does not take, no judged flow or reply, one with an end
// not met before or met as one for the object path, or a port out of range. The host then reads
// that line on its own, and calls again after it.
import {
  END_OBJECT, END_STRIDE, FIELDS_AT, F_DST_IP, F_ENDS, F_IS_REPLY, F_L4, F_REPLY, F_SRC_IP, F_TIME, F_TIME_KIND, F_TYPE, F_VERDICT, LINES_AT, LINE_AT, LINE_DESTINATION, LINE_OBSERVED,
  LINE_PORT, LINE_PROTOCOL, LINE_SOURCE, LINE_START, LINE_STRIDE, LINE_TIME, MAX_LINES, RESULT_AT,
} from './layout';
import { is16, is8, pack } from './json';
import { findEnd } from './ends';
import { flowBase, scanLine } from './scan';

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
const LFS = i8x16.splat(<i8>LF);
const W_L3_L4: u64 = pack('L3_L4', 0);
const W_FORWARDED: u64 = pack('FORWARDED', 0);
const W_FORWARDED_HI: u64 = pack('FORWARDED', 8);
const W_DROPPED: u64 = pack('DROPPED', 0);
/** LINE_OBSERVED of a reply. */
const REPLY: i32 = 3;

@inline function field(slot: i32): i32 {
  return load<i32>(FIELDS_AT + (<usize>slot << 2));
}

/**
 * Looks up the ends of the flow at `base` in the positions of the line just scanned (host offset
 * 0 at address `zero`): their ids at RESULT_AT + 4 and + 8, -1 when not met or without an address.
 */
export function findEnds(base: i32, zero: usize): void {
  for (let side = 0; side < 2; side++) {
    const ip = base + (side == 0 ? F_SRC_IP : F_DST_IP);
    const end = base + F_ENDS + side * END_STRIDE + END_OBJECT;
    const ipStart = field(ip);
    let id = -1;
    if (ipStart >= 0) {
      // An end without an object has no bytes of its own: its address alone is its key.
      const objectStart = max(field(end), 0);
      const objectEnd = max(field(end + 1), 0);
      id = findEnd(side, zero + <usize>ipStart, zero + <usize>field(ip + 1), zero + <usize>objectStart, zero + <usize>objectEnd);
    }
    store<i32>(RESULT_AT + 4 + (<usize>side << 2), id);
  }
}

/** The first line feed in [p, end), or `end`. */
function lineFeed(p: usize, end: usize): usize {
  for (; p + 16 <= end; p += 16) {
    const bits = i8x16.bitmask(i8x16.eq(v128.load(p), LFS));
    if (bits != 0) return p + <usize>ctz(bits);
  }
  for (; p < end; p++) if (load<u8>(p) == LF) return p;
  return end;
}

/** Whether the field at `slot` (host offsets) holds the `n` bytes (1-16) packed as `lo`, `hi`, the line area's address of host offset 0 being `zero`. */
@inline function fieldIs(zero: usize, slot: i32, n: i32, lo: u64, hi: u64): bool {
  const start = field(slot);
  if (start < 0 || field(slot + 1) - start != n) return false;
  const p = zero + <usize>start;
  return n <= 8 ? is8(p, lo, n) : is16(p, lo, hi, n);
}

/**
 * Lines from LINE_AT + `at` up to LINE_AT + `end` (the bytes the host copied, which start at host
 * offset `origin`), none longer than `maxLine` bytes; the number of lines read, their results at
 * LINES_AT + 16 (the offset past the last one's line feed at LINES_AT), at most MAX_LINES.
 */
export function readLines(at: usize, end: usize, origin: i32, maxLine: usize): i32 {
  const zero = LINE_AT - <usize>origin;
  const last = LINE_AT + end;
  let p = LINE_AT + at;
  let count = 0;
  while (count < MAX_LINES) {
    const feed = lineFeed(p, last);
    if (feed == last || feed - p > maxLine) break;
    const lineEnd = feed > p && load<u8>(feed - 1) == CR ? feed - 1 : feed;
    const result = LINES_AT + 16 + (<usize>(count * LINE_STRIDE) << 2);
    if (!readLine(p, lineEnd, zero, result)) break;
    store<i32>(result, <i32>(p - zero), LINE_START << 2);
    count++;
    p = feed + 1;
  }
  store<i32>(LINES_AT, <i32>(p - zero));
  return count;
}

/** One line [p, end) read into `result`; false when the host must read it. */
function readLine(p: usize, end: usize, zero: usize, result: usize): bool {
  if (!scanLine(p - LINE_AT, <i32>(end - p), <i32>(p - zero))) return false;
  const base = flowBase();
  if (!fieldIs(zero, base + F_TYPE, 5, W_L3_L4, 0) || field(base + F_SRC_IP) < 0 || field(base + F_DST_IP) < 0) return false;
  // The first of TCP, UDP, SCTP given as an object.
  let protocol = 0;
  while (protocol < 3 && field(base + F_L4 + 4 * protocol) != 1) protocol++;
  if (protocol == 3) return false;
  const l4 = base + F_L4 + 4 * protocol;
  // The flow's time, else the wrapper's (read by the host).
  const timeBase = field(base + F_TIME_KIND) == 2 || base == 0 ? base : 0;
  const timed = field(timeBase + F_TIME_KIND) == 2 && field(timeBase + F_TIME) >= 0;
  store<i32>(result, timed ? field(timeBase + F_TIME) : -1, LINE_TIME << 2);
  store<i32>(result, timed ? field(timeBase + F_TIME + 1) : -1, (LINE_TIME + 1) << 2);
  const isReply = field(base + F_IS_REPLY);
  if (isReply == 1 || (isReply < 0 && (field(base + F_REPLY) == 1 || (field(l4 + 2) == 1 && field(l4 + 3) == 1)))) {
    store<i32>(result, REPLY, LINE_OBSERVED << 2);
    return true;
  }
  const port = field(l4 + 1);
  if (port < 1 || port > 65535) return false;
  findEnds(base, zero);
  const source = load<i32>(RESULT_AT, 4);
  const destination = load<i32>(RESULT_AT, 8);
  if (source < 0 || destination < 0) return false;
  store<i32>(result, source, LINE_SOURCE << 2);
  store<i32>(result, destination, LINE_DESTINATION << 2);
  store<i32>(result, protocol, LINE_PROTOCOL << 2);
  store<i32>(result, port, LINE_PORT << 2);
  const observed = fieldIs(zero, base + F_VERDICT, 9, W_FORWARDED, W_FORWARDED_HI) ? 1 : fieldIs(zero, base + F_VERDICT, 7, W_DROPPED, 0) ? 2 : 0;
  store<i32>(result, observed, LINE_OBSERVED << 2);
  return true;
}
