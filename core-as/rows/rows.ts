// Many rows a call (index.ts's readLines): the lines of the line area from a place, each found by
// its line feed, split and read as the host's fast path on one line reads it (CSV:
// src/replay/csv-bytes.ts, VPC: src/replay/vpc-bytes.ts), its conversation looked up by its
// endpoints' bytes (conversations.ts), written as one result per line, until a line the host must
// see itself: one the fast path would not take, or (written, then the call ends) one whose
// conversation was not met, which the host looks up, remembers and reads on its own.
import {
  COLUMNS_AT, COLUMN_DST, COLUMN_PACKET_DST, COLUMN_PACKET_SRC, COLUMN_PORT, COLUMN_PROTOCOL, COLUMN_SRC, COLUMN_SRC_PORT, COLUMN_STATUS, COLUMN_TCP_CODE, COLUMN_TCP_FLAGS,
  COLUMN_TIME, COLUMN_TIME_END, COLUMN_VERDICT, COLUMN_WIDTH, LINES_AT, LINES_HEADER, LINE_AT, LINE_DST, LINE_DST_ENTRY, LINE_NOTED, LINE_OBSERVED, LINE_RECORD, LINE_SERVICE, LINE_SRC,
  LINE_INDEX, LINE_SRC_ENTRY, LINE_START, LINE_UNKNOWN, LINE_STRIDE, LINE_TIME, LINE_TIME_END, LINE_TIME_END_VALUE, LINE_TIME_VALUE, MAX_LINES, WORDS_OBSERVED, WORDS_PROTOCOL, WORDS_STATUS,
} from './layout';
import { codeOf, cut, fieldEnd, fieldStart, HOST_TIME, isDash, nextLine, NOT_A_TIME, portOf, smallNumberOf, split, timeOf } from './fields';
import { addConversation, dstEntryOf, findConversation, notedService, srcEntryOf } from './conversations';
import { findEndpoint, REFUSED, UNKNOWN } from './endpoints';
import { startTallies, tallied, tallies, tally, tallyIndex } from './tally';

export const FORMAT_CSV: i32 = 0;
export const FORMAT_VPC: i32 = 1;
const COMMA: i32 = 0x2c;
const SPACE: i32 = 0x20;
const QUOTE: i32 = 0x22;
const LF: i32 = 0x0a;
/** What a line's reading gives: the host must read it; taken; read, but an endpoint text must be taught first. */
const STOP: i32 = 0;
const TAKEN: i32 = 1;
const NEW: i32 = 2;
/** What readLines stops at besides: a line it would tally after one whose time the host reads (a call from it goes on). */
const MORE: i32 = 3;
/** LINE_OBSERVED of a reply (nothing else of it is read). */
const REPLY: i32 = 3;
const TCP_SYN: i32 = 2;
const TCP_ACK: i32 = 16;
const EPHEMERAL_PORT_MIN: i32 = 32768;

@inline function column(c: i32): i32 {
  return load<i32>(COLUMNS_AT + (<usize>c << 2));
}

@inline function put(result: usize, slot: i32, value: i32): void {
  store<i32>(result + (<usize>slot << 2), value);
}

/** The observed verdict of field `f`: 0 (none) for empty and "-", -1 for a spelling the host does not read here. */
function observedOf(f: i32): i32 {
  const start = fieldStart(f);
  const end = fieldEnd(f);
  return start == end || isDash(start, end) ? 0 : codeOf(WORDS_OBSERVED, start, end, -1);
}

/** The time of column `c` into the result (its value, or its bounds for the host); false when it cannot be a time. */
function putTime(c: i32, result: usize, boundsSlot: i32, valueSlot: i32, zero: usize): bool {
  const f = column(c);
  let time: f64 = NaN;
  if (f >= 0) {
    time = timeOf(fieldStart(f), fieldEnd(f));
    if (time == NOT_A_TIME) return false;
  }
  if (time == HOST_TIME) {
    put(result, boundsSlot, <i32>(fieldStart(f) - zero));
    put(result, boundsSlot + 1, <i32>(fieldEnd(f) - zero));
  } else {
    put(result, boundsSlot, -1);
    store<f64>(result + (<usize>valueSlot << 2), time);
  }
  return true;
}

/**
 * The flow's conversation between fields `src` and `dst` into the result (its service `key`):
 * TAKEN when met, or made here between two texts met before; NEW with their bounds when the host
 * must teach a text first; STOP when it refused one (its lines are the host's to read).
 */
function putConversation(src: i32, dst: i32, key: i32, result: usize, zero: usize): i32 {
  const srcStart = fieldStart(src);
  const srcEnd = fieldEnd(src);
  const dstStart = fieldStart(dst);
  const dstEnd = fieldEnd(dst);
  let record = findConversation(srcStart, srcEnd, dstStart, dstEnd);
  if (record == 0) {
    const from = findEndpoint(srcStart, srcEnd);
    const to = findEndpoint(dstStart, dstEnd);
    if (from == REFUSED || to == REFUSED) return STOP;
    if (from == UNKNOWN || to == UNKNOWN) {
      put(result, LINE_UNKNOWN, (from == UNKNOWN ? 1 : 0) | (to == UNKNOWN ? 2 : 0));
      put(result, LINE_SRC, <i32>(srcStart - zero));
      put(result, LINE_SRC + 1, <i32>(srcEnd - zero));
      put(result, LINE_DST, <i32>(dstStart - zero));
      put(result, LINE_DST + 1, <i32>(dstEnd - zero));
      return NEW;
    }
    record = addConversation(srcStart, srcEnd, dstStart, dstEnd, from, to);
    if (record == 0) return STOP;
  }
  put(result, LINE_NOTED, notedService(record, key));
  put(result, LINE_RECORD, <i32>record);
  put(result, LINE_SRC_ENTRY, srcEntryOf(record));
  put(result, LINE_DST_ENTRY, dstEntryOf(record));
  return TAKEN;
}

/** A CSV row from `p`, read as readCsvRowBytes reads it. */
function csvLine(p: usize, last: usize, maxLine: usize, zero: usize, result: usize): i32 {
  const width = column(COLUMN_WIDTH);
  // Quotes and bytes outside printable ASCII anywhere: the host's path (for the endpoints, newConversation's check).
  if (split(p, last, maxLine, COMMA, SPACE, QUOTE, width) != width) return STOP;
  // Fields with spaces around them are trimmed by the full path (endpoints with them are refused by newConversation).
  for (let f = 0; f < width; f++) {
    const start = fieldStart(f);
    const end = fieldEnd(f);
    if (end > start && (<i32>load<u8>(start) == SPACE || <i32>load<u8>(end - 1) == SPACE)) return STOP;
  }
  const verdict = column(COLUMN_VERDICT);
  const observed = verdict < 0 ? 0 : observedOf(verdict);
  if (observed < 0) return STOP;
  const protocolAt = column(COLUMN_PROTOCOL);
  const tcp = column(COLUMN_TCP_CODE);
  let protocol = tcp;
  if (protocolAt >= 0) {
    const start = fieldStart(protocolAt);
    const end = fieldEnd(protocolAt);
    if (end > start) protocol = codeOf(WORDS_PROTOCOL, start, end, 0);
  }
  const portAt = column(COLUMN_PORT);
  const port = portOf(fieldStart(portAt), fieldEnd(portAt));
  if (protocol == 0 || port == 0) return STOP;
  if (!putTime(COLUMN_TIME, result, LINE_TIME, LINE_TIME_VALUE, zero) || !putTime(COLUMN_TIME_END, result, LINE_TIME_END, LINE_TIME_END_VALUE, zero)) return STOP;
  const key = (protocol << 16) | port;
  put(result, LINE_SERVICE, key);
  put(result, LINE_OBSERVED, observed);
  return putConversation(column(COLUMN_SRC), column(COLUMN_DST), key, result, zero);
}

/** Field `f` is absent (-1) or "-". */
@inline function isNone(f: i32): bool {
  return f < 0 || isDash(fieldStart(f), fieldEnd(f));
}

/** The address field: the packet's when present and not "-", else the interface's; -1 when that is "-" or absent. */
function addressAt(packet: i32, own: i32): i32 {
  if (!isNone(packet)) return packet;
  return isNone(own) ? -1 : own;
}

/** A VPC record from `p`, read as readVpcRecordBytes reads it. */
function vpcLine(p: usize, last: usize, maxLine: usize, zero: usize, result: usize): i32 {
  const width = column(COLUMN_WIDTH);
  if (split(p, last, maxLine, SPACE, 0x21, LF, width) != width) return STOP;
  // A header's first token starts with a letter; records start with a version or a value.
  if (<u32>((<i32>load<u8>(p) | 0x20) - 0x61) < 26) return STOP;
  for (let f = 0; f < width; f++) if (fieldEnd(f) == fieldStart(f)) return STOP;
  const status = column(COLUMN_STATUS);
  if (status >= 0 && codeOf(WORDS_STATUS, fieldStart(status), fieldEnd(status), 0) != 0) return STOP;
  // By IANA number only.
  const protocolAt = column(COLUMN_PROTOCOL);
  const protocolStart = fieldStart(protocolAt);
  if (<u32>(<i32>load<u8>(protocolStart) - 0x30) > 9) return STOP;
  const protocol = codeOf(WORDS_PROTOCOL, protocolStart, fieldEnd(protocolAt), 0);
  if (protocol == 0) return STOP;
  const src = addressAt(column(COLUMN_PACKET_SRC), column(COLUMN_SRC));
  const dst = addressAt(column(COLUMN_PACKET_DST), column(COLUMN_DST));
  if (src < 0 || dst < 0) return STOP;
  const action = column(COLUMN_VERDICT);
  const observed = action < 0 ? 0 : observedOf(action);
  if (observed < 0) return STOP;
  const portAt = column(COLUMN_PORT);
  const port = portAt < 0 ? 0 : portOf(fieldStart(portAt), fieldEnd(portAt));
  if (port == 0) return STOP;
  const srcPortAt = column(COLUMN_SRC_PORT);
  const srcPort = isNone(srcPortAt) ? -1 : portOf(fieldStart(srcPortAt), fieldEnd(srcPortAt));
  if (srcPort == 0) return STOP;
  const flagsAt = column(COLUMN_TCP_FLAGS);
  const flags = isNone(flagsAt) ? -2 : smallNumberOf(fieldStart(flagsAt), fieldEnd(flagsAt));
  if (flags == -1 || flags > 255) return STOP;
  if (!putTime(COLUMN_TIME, result, LINE_TIME, LINE_TIME_VALUE, zero) || !putTime(COLUMN_TIME_END, result, LINE_TIME_END, LINE_TIME_END_VALUE, zero)) return STOP;
  // vpc.ts's isVpcReply.
  const reply = flags >= 0 && (flags & TCP_SYN) != 0 ? (flags & TCP_ACK) != 0 : srcPort >= 0 && srcPort < EPHEMERAL_PORT_MIN && port >= EPHEMERAL_PORT_MIN;
  if (reply) {
    put(result, LINE_OBSERVED, REPLY);
    return TAKEN;
  }
  const key = (protocol << 16) | port;
  put(result, LINE_SERVICE, key);
  put(result, LINE_OBSERVED, observed);
  return putConversation(src, dst, key, result, zero);
}

/** The i32 at `slot` of a line's result. */
@inline function got(result: usize, slot: i32): i32 {
  return load<i32>(result + (<usize>slot << 2));
}

/**
 * Rows of `format` from LINE_AT + `at` up to LINE_AT + `end` (the bytes the host copied, which
 * start at host offset `origin`), none longer than `maxLine` bytes: the number of lines written,
 * times eight, plus one when the line after them was read but has an endpoint text the host must
 * teach first (its result follows theirs), or plus two when that line has no line feed before the
 * area's end, or plus four when it stopped before a line it would tally, after a line whose time
 * the host reads (the host may stop at that one: a call from the line goes on). A line the host
 * counts per service (tally.ts) is not written, only tallied. Results at LINES_AT +
 * LINES_HEADER, at most MAX_LINES; the header: the offset past the last line read, the lines read
 * (tallied ones included), the tallies written.
 */
export function readLines(format: i32, at: usize, end: usize, origin: i32, maxLine: usize): i32 {
  const zero = LINE_AT - <usize>origin;
  const last = LINE_AT + end;
  let p = LINE_AT + at;
  let count = 0;
  let read = 0;
  let status = STOP;
  let more = true;
  startTallies();
  while (count < MAX_LINES) {
    const result = LINES_AT + LINES_HEADER + (<usize>(count * LINE_STRIDE) << 2);
    status = format == FORMAT_CSV ? csvLine(p, last, maxLine, zero, result) : vpcLine(p, last, maxLine, zero, result);
    if (status == STOP) break;
    put(result, LINE_START, <i32>(p - zero));
    if (status == NEW) break;
    const hostTime = got(result, LINE_TIME) >= 0 || got(result, LINE_TIME_END) >= 0;
    const observed = got(result, LINE_OBSERVED);
    const service = observed == REPLY ? -1 : got(result, LINE_NOTED);
    const i = tallyIndex(service, observed);
    if (!hostTime && service >= 0 && tallies(i)) {
      // A line the host reads the time of may stop it: none after it is tallied in the same call.
      if (!more) {
        status = MORE;
        break;
      }
      tally(i);
      p = nextLine;
      read++;
      continue;
    }
    if (hostTime) more = false;
    p = nextLine;
    put(result, LINE_INDEX, read);
    read++;
    count++;
  }
  store<i32>(LINES_AT, <i32>(p - zero));
  store<i32>(LINES_AT, read, 4);
  store<i32>(LINES_AT, tallied, 8);
  return count * 8 + (status == NEW ? 1 : 0) + (status == STOP && cut ? 2 : 0) + (status == MORE ? 4 : 0);
}
