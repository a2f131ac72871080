/**
 * @module A one-pass scanner for the records-first Hubble path, on the line's bytes: it checks the
 * whole line against JSON's grammar (json-bytes.ts) and notes where the few fields a judged flow
 * needs are (Type, time, verdict, the addresses, each end's namespace, pod name, first workload
 * and labels, the L4 headers' destination ports and SYN/ACK flags, is_reply, reply), as positions
 * in the bytes: no string, object or token is made. It is stricter than the field scanner
 * (hubble-scan.ts): any escape or byte outside printable ASCII in a string, any space but the
 * space byte, any repeated key it reads, any of its fields with an unusual type, or another
 * observer event, and it gives up; the line is then decoded and read by readHubbleLine, as before.
 */
import { digitsValue, isWord, numberEnd, spaceEnd, stringClose, wholeNumberEnd } from './json-bytes.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MAX_DEPTH = 64;

/** Positions kept per flow object (0: the line's own object, 1: the wrapper's `flow`): start, end pairs. */
export const F = {
  TYPE: 0,
  TIME: 2,
  VERDICT: 4,
  SRC_IP: 6,
  DST_IP: 8,
  /** Each end: namespace, pod name, workload name, labels, the whole object (END positions, source first). */
  ENDS: 10,
  /** Per protocol (TCP, UDP, SCTP): present (1), destination port (-1: none), SYN, ACK. */
  L4: 30,
  /** is_reply: -1 absent, 0 false, 1 true; reply: 0 or 1; time: 0 absent, 1 null, 2 a string. */
  IS_REPLY: 42,
  REPLY: 43,
  TIME_KIND: 44,
  /** Keys read, one bit each, to give up on a repeated one. */
  SEEN: 45,
  IP_SEEN: 46,
  STRIDE: 47,
} as const;
export const END = { NAMESPACE: 0, POD: 2, WORKLOAD: 4, LABELS: 6, OBJECT: 8, STRIDE: 10 } as const;

/** The positions of the last line scanned (both flow objects). */
export const fields = new Int32Array(2 * F.STRIDE);
/** `fields` before a scan: no positions, nothing seen, no L4 header, no reply, no time. */
const EMPTY = new Int32Array(2 * F.STRIDE).fill(-1);
for (const base of [0, F.STRIDE]) {
  EMPTY[base + F.REPLY] = EMPTY[base + F.TIME_KIND] = EMPTY[base + F.SEEN] = EMPTY[base + F.IP_SEEN] = 0;
  for (let p = 0; p < 3; p++) EMPTY[base + F.L4 + 4 * p] = 0;
}
/** Seen-key masks of the objects below a flow (ends, workloads, headers, flags), by nesting. */
const seen = new Int32Array(MAX_DEPTH);
let bytes: Uint8Array = new Uint8Array(0);
let limit = 0;
let flowKey = false;

/**
 * Scans the line [start, end) of `line` (the byte at `end` a line feed, a carriage return or
 * past the array); true when it is a flow object (or a wrapper with one) read in full. Then
 * `flowAt()` says which, and `fields` holds positions in `line`.
 */
export function scanLine(line: Uint8Array, start: number, end: number): boolean {
  bytes = line;
  limit = end;
  flowKey = false;
  fields.set(EMPTY);
  let at = space(start);
  if (bytes[at] !== OPEN_OBJECT) return false;
  at = object(at, Role.Flow, 0, 0);
  return at >= 0 && space(at) === end;
}

/** The base in `fields` of the scanned line's flow. */
export function flowAt(): number {
  return flowKey ? F.STRIDE : 0;
}

/** Object roles: what its members mean. */
const enum Role {
  Other,
  Flow,
  IP,
  L4,
  Ports,
  Flags,
  End,
  Workload,
}

/**
 * The object at `at` (an open brace) in role `role`; `base` is its flow's base in `fields`, `arg`
 * the end (0, 1) or protocol (0-2) it belongs to. Returns the position after it, or -1.
 */
function object(at: number, role: Role, base: number, arg: number, depth = 0): number {
  if (depth >= MAX_DEPTH) return -1;
  seen[depth] = 0;
  at = space(at + 1);
  if (bytes[at] === CLOSE_OBJECT) return at + 1;
  for (;;) {
    if (bytes[at] !== QUOTE) return -1;
    const keyStart = at + 1;
    const keyEnd = stringEnd(keyStart);
    if (keyEnd < 0) return -1;
    at = space(keyEnd + 1);
    if (bytes[at] !== COLON) return -1;
    at = space(at + 1);
    at = role === Role.Other ? value(at, depth + 1) : member(at, role, base, arg, keyStart, keyEnd, depth);
    if (at < 0) return -1;
    at = space(at);
    const c = bytes[at]!;
    if (c === CLOSE_OBJECT) return at + 1;
    if (c !== COMMA) return -1;
    at = space(at + 1);
  }
}

/** A member's value at `at`, read as its key (bytes [keyStart, keyEnd)) means in `role`. */
function member(at: number, role: Role, base: number, arg: number, keyStart: number, keyEnd: number, depth: number): number {
  const length = keyEnd - keyStart;
  const c = bytes[at]!;
  switch (role) {
    case Role.Flow:
      if (length === 4 && is('flow', keyStart)) {
        // Only the line's own object wraps a flow.
        if (base !== 0 || flowKey || c !== OPEN_OBJECT) return -1;
        flowKey = true;
        return object(at, Role.Flow, F.STRIDE, 0, depth + 1);
      }
      return flowMember(at, c, base, keyStart, length, depth);
    case Role.IP: {
      const bit = length === 6 && is('source', keyStart) ? 1 : length === 11 && is('destination', keyStart) ? 2 : 0;
      if (bit === 0) return value(at, depth + 1);
      if ((fields[base + F.IP_SEEN]! & bit) !== 0 || c !== QUOTE) return -1;
      fields[base + F.IP_SEEN] = fields[base + F.IP_SEEN]! | bit;
      return stringAt(at, base + (bit === 1 ? F.SRC_IP : F.DST_IP));
    }
    case Role.L4: {
      const protocol = length === 3 && is('TCP', keyStart) ? 0 : length === 3 && is('UDP', keyStart) ? 1 : length === 4 && is('SCTP', keyStart) ? 2 : -1;
      if (protocol < 0) return value(at, depth + 1);
      if (!once(depth, 1 << protocol)) return -1;
      if (c !== OPEN_OBJECT) return value(at, depth + 1);
      fields[base + F.L4 + 4 * protocol] = 1;
      return object(at, Role.Ports, base, protocol, depth + 1);
    }
    case Role.Ports:
      if (length === 16 && is('destination_port', keyStart)) {
        if (!once(depth, 1)) return -1;
        const end = wholeNumberEnd(bytes, at);
        if (end < 0) return -1;
        fields[base + F.L4 + 4 * arg + 1] = digitsValue(bytes, at, end);
        return end;
      }
      if (length === 5 && is('flags', keyStart)) {
        if (!once(depth, 2)) return -1;
        return c === OPEN_OBJECT ? object(at, Role.Flags, base, arg, depth + 1) : value(at, depth + 1);
      }
      return value(at, depth + 1);
    case Role.Flags: {
      const flag = length === 3 && is('SYN', keyStart) ? 2 : length === 3 && is('ACK', keyStart) ? 3 : 0;
      if (flag === 0) return value(at, depth + 1);
      if (!once(depth, 1 << flag)) return -1;
      if (c === 0x74 && is('true', at)) {
        fields[base + F.L4 + 4 * arg + flag] = 1;
        return at + 4;
      }
      return value(at, depth + 1);
    }
    case Role.End:
      return endMember(at, c, base + F.ENDS + END.STRIDE * arg, keyStart, length, depth);
    case Role.Workload:
      if (length !== 4 || !is('name', keyStart)) return value(at, depth + 1);
      if (!once(depth, 1)) return -1;
      return c === QUOTE ? stringAt(at, base + END.WORKLOAD) : value(at, depth + 1);
    default:
      return value(at, depth + 1);
  }
}

/** True the first time `bit` is seen in the object at `depth`. */
function once(depth: number, bit: number): boolean {
  if ((seen[depth]! & bit) !== 0) return false;
  seen[depth] = seen[depth]! | bit;
  return true;
}

/** Flow keys read, as bits of F.SEEN. */
const enum Key {
  Type = 1,
  Time = 2,
  IP = 4,
  L4 = 8,
  Source = 16,
  Destination = 32,
  Verdict = 64,
  IsReply = 128,
  Reply = 256,
}

/** The flow key of `length` bytes at `keyStart` (0: one the scanner skips; -1: another observer event, left to readHubbleLine). */
function flowKeyOf(base: number, keyStart: number, length: number): number {
  switch (length) {
    case 2:
      return is('IP', keyStart) ? Key.IP : is('l4', keyStart) ? Key.L4 : 0;
    case 4:
      return is('Type', keyStart) ? Key.Type : is('time', keyStart) ? Key.Time : 0;
    case 5:
      return is('reply', keyStart) ? Key.Reply : 0;
    case 6:
      return is('source', keyStart) ? Key.Source : 0;
    case 7:
      return is('verdict', keyStart) ? Key.Verdict : 0;
    case 8:
      return is('is_reply', keyStart) ? Key.IsReply : 0;
    case 11:
      if (is('destination', keyStart)) return Key.Destination;
      return base === 0 && (is('node_status', keyStart) || is('lost_events', keyStart) || is('agent_event', keyStart) || is('debug_event', keyStart)) ? -1 : 0;
    default:
      return 0;
  }
}

function flowMember(at: number, c: number, base: number, keyStart: number, length: number, depth: number): number {
  const key = flowKeyOf(base, keyStart, length);
  if (key < 0) return -1;
  if (key === 0) return value(at, depth + 1);
  if ((fields[base + F.SEEN]! & key) !== 0) return -1;
  fields[base + F.SEEN] = fields[base + F.SEEN]! | key;
  switch (key) {
    case Key.Type:
      return c === QUOTE ? stringAt(at, base + F.TYPE) : -1;
    case Key.Verdict:
      return c === QUOTE ? stringAt(at, base + F.VERDICT) : -1;
    case Key.Time:
      if (c === 0x6e && is('null', at)) {
        fields[base + F.TIME_KIND] = 1;
        return at + 4;
      }
      fields[base + F.TIME_KIND] = 2;
      return c === QUOTE ? stringAt(at, base + F.TIME) : -1;
    case Key.IP:
      return c === OPEN_OBJECT ? object(at, Role.IP, base, 0, depth + 1) : -1;
    case Key.L4:
      return c === OPEN_OBJECT ? object(at, Role.L4, base, 0, depth + 1) : -1;
    case Key.Source:
    case Key.Destination: {
      if (c !== OPEN_OBJECT) return -1;
      const end = base + F.ENDS + (key === Key.Source ? 0 : END.STRIDE);
      const after = object(at, Role.End, base, key === Key.Source ? 0 : 1, depth + 1);
      fields[end + END.OBJECT] = at;
      fields[end + END.OBJECT + 1] = after;
      return after;
    }
    default: {
      const flag = c === 0x74 && is('true', at) ? 1 : c === 0x66 && is('false', at) ? 0 : -1;
      if (flag < 0) return -1;
      fields[base + (key === Key.IsReply ? F.IS_REPLY : F.REPLY)] = flag;
      return at + (flag === 1 ? 4 : 5);
    }
  }
}

/** A member of an end object; `end` is the end's base in `fields`. */
function endMember(at: number, c: number, end: number, keyStart: number, length: number, depth: number): number {
  const field =
    length === 9 && is('namespace', keyStart) ? END.NAMESPACE
    : length === 8 && is('pod_name', keyStart) ? END.POD
    : length === 9 && is('workloads', keyStart) ? END.WORKLOAD
    : length === 6 && is('labels', keyStart) ? END.LABELS
    : -1;
  if (field < 0) return value(at, depth + 1);
  if (!once(depth, 1 << field)) return -1;
  if (field === END.LABELS) {
    if (c !== OPEN_ARRAY) return value(at, depth + 1);
    const after = value(at, depth + 1);
    fields[end + END.LABELS] = at;
    fields[end + END.LABELS + 1] = after;
    return after;
  }
  if (field === END.WORKLOAD) return c === OPEN_ARRAY ? workloads(at, end, depth + 1) : value(at, depth + 1);
  return c === QUOTE ? stringAt(at, end + field) : value(at, depth + 1);
}

/** `workloads`: the first one's name, when it is an object. */
function workloads(at: number, end: number, depth: number): number {
  at = space(at + 1);
  if (bytes[at] === CLOSE_ARRAY) return at + 1;
  at = bytes[at] === OPEN_OBJECT ? object(at, Role.Workload, end, 0, depth + 1) : value(at, depth + 1);
  for (;;) {
    if (at < 0) return -1;
    at = space(at);
    const c = bytes[at]!;
    if (c === CLOSE_ARRAY) return at + 1;
    if (c !== COMMA) return -1;
    at = value(space(at + 1), depth + 1);
  }
}

/** The string at `at` (a quote), its content's bounds noted at `slot` when it is not empty. */
function stringAt(at: number, slot: number): number {
  const close = stringEnd(at + 1);
  if (close < 0) return -1;
  if (close > at + 1) {
    fields[slot] = at + 1;
    fields[slot + 1] = close;
  }
  return close + 1;
}

/** Where the string whose content starts at `at` closes (its quote), or -1 (json-bytes.ts). */
function stringEnd(at: number): number {
  return stringClose(bytes, at, limit);
}

/** Any value at `at`, checked and stepped over. */
function value(at: number, depth: number): number {
  const c = bytes[at]!;
  switch (c) {
    case QUOTE: {
      const close = stringEnd(at + 1);
      return close < 0 ? -1 : close + 1;
    }
    case OPEN_OBJECT:
      return object(at, Role.Other, 0, 0, depth);
    case OPEN_ARRAY: {
      if (depth >= MAX_DEPTH) return -1;
      at = space(at + 1);
      if (bytes[at] === CLOSE_ARRAY) return at + 1;
      for (;;) {
        at = value(at, depth + 1);
        if (at < 0) return -1;
        at = space(at);
        const next = bytes[at];
        if (next === CLOSE_ARRAY) return at + 1;
        if (next !== COMMA) return -1;
        at = space(at + 1);
      }
    }
    case 0x74:
      return is('true', at) ? at + 4 : -1;
    case 0x66:
      return is('false', at) ? at + 5 : -1;
    case 0x6e:
      return is('null', at) ? at + 4 : -1;
    default:
      return numberEnd(bytes, at);
  }
}

function is(word: string, at: number): boolean {
  return isWord(bytes, at, word);
}

function space(at: number): number {
  return spaceEnd(bytes, at);
}
