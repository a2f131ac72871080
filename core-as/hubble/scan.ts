// The one-pass Hubble line scanner (the AssemblyScript twin of what src/replay/hubble-line-scan.ts
// describes): checks the whole line against JSON's grammar and notes where the few fields a judged
// flow needs are, as offsets in the host's bytes. It gives up (returns false) on any escape or
// byte outside printable ASCII in a string, any space but the space byte, any repeated key it
// reads, any of its fields with an unusual type, or another observer event; the host then reads
// the line as before. Pointers here are absolute addresses in linear memory.
import {
  END_LABELS, END_NAMESPACE, END_OBJECT, END_POD, END_STRIDE, END_WORKLOAD, FIELDS_AT, F_DST_IP, F_ENDS, F_IP_SEEN, F_IS_REPLY, F_L4, F_REPLY,
  F_SEEN, F_SRC_IP, F_STRIDE, F_TIME, F_TIME_KIND, F_TYPE, F_VERDICT, LINE_AT, MAX_DEPTH, SEEN_AT,
} from './layout';
import { at8, digitsValue, is16, is8, numberEnd, pack, prepareLine, space, stringClose, wholeNumberEnd } from './json';

const QUOTE: u32 = 0x22;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const OPEN_OBJECT: u32 = 0x7b;
const CLOSE_OBJECT: u32 = 0x7d;
const OPEN_ARRAY: u32 = 0x5b;
const CLOSE_ARRAY: u32 = 0x5d;
const LOWER_T: u32 = 0x74;
const LOWER_F: u32 = 0x66;
const LOWER_N: u32 = 0x6e;

/** Object roles: what its members mean. */
const ROLE_OTHER = 0;
const ROLE_FLOW = 1;
const ROLE_IP = 2;
const ROLE_L4 = 3;
const ROLE_PORTS = 4;
const ROLE_FLAGS = 5;
const ROLE_END = 6;
const ROLE_WORKLOAD = 7;

/** Flow keys read, as bits of F_SEEN. */
const KEY_TYPE = 1;
const KEY_TIME = 2;
const KEY_IP = 4;
const KEY_L4 = 8;
const KEY_SOURCE = 16;
const KEY_DESTINATION = 32;
const KEY_VERDICT = 64;
const KEY_IS_REPLY = 128;
const KEY_REPLY = 256;

/** Where LINE_AT would be in the host's bytes: positions are written as offsets there. */
let origin: i32 = 0;
let flowKey = false;

/** The words the scanner compares, packed little-endian as the line's bytes load (8 bytes each half). */
const W_ACK: u64 = pack('ACK', 0);
const W_IP: u64 = pack('IP', 0);
const W_SCTP: u64 = pack('SCTP', 0);
const W_SYN: u64 = pack('SYN', 0);
const W_TCP: u64 = pack('TCP', 0);
const W_TYPE: u64 = pack('Type', 0);
const W_UDP: u64 = pack('UDP', 0);
const W_AGENT_EVENT: u64 = pack('agent_event', 0);
const W_AGENT_EVENT_HI: u64 = pack('agent_event', 8);
const W_DEBUG_EVENT: u64 = pack('debug_event', 0);
const W_DEBUG_EVENT_HI: u64 = pack('debug_event', 8);
const W_DESTINATION: u64 = pack('destination', 0);
const W_DESTINATION_HI: u64 = pack('destination', 8);
const W_DESTINATION_PORT: u64 = pack('destination_port', 0);
const W_DESTINATION_PORT_HI: u64 = pack('destination_port', 8);
const W_FALSE: u64 = pack('false', 0);
const W_FLAGS: u64 = pack('flags', 0);
const W_FLOW: u64 = pack('flow', 0);
const W_IS_REPLY: u64 = pack('is_reply', 0);
const W_L4: u64 = pack('l4', 0);
const W_LABELS: u64 = pack('labels', 0);
const W_LOST_EVENTS: u64 = pack('lost_events', 0);
const W_LOST_EVENTS_HI: u64 = pack('lost_events', 8);
const W_NAME: u64 = pack('name', 0);
const W_NAMESPACE: u64 = pack('namespace', 0);
const W_NAMESPACE_HI: u64 = pack('namespace', 8);
const W_NODE_STATUS: u64 = pack('node_status', 0);
const W_NODE_STATUS_HI: u64 = pack('node_status', 8);
const W_NULL: u64 = pack('null', 0);
const W_POD_NAME: u64 = pack('pod_name', 0);
const W_REPLY: u64 = pack('reply', 0);
const W_SOURCE: u64 = pack('source', 0);
const W_TIME: u64 = pack('time', 0);
const W_TRUE: u64 = pack('true', 0);
const W_VERDICT: u64 = pack('verdict', 0);
const W_WORKLOADS: u64 = pack('workloads', 0);
const W_WORKLOADS_HI: u64 = pack('workloads', 8);

/** The host's offset of address `p`. */
@inline function offset(p: usize): i32 {
  return <i32>(p - LINE_AT) + origin;
}

@inline function field(slot: i32): i32 {
  return load<i32>(FIELDS_AT + (<usize>slot << 2));
}

@inline function setField(slot: i32, value: i32): void {
  store<i32>(FIELDS_AT + (<usize>slot << 2), value);
}

/**
 * Scans the line of `length` bytes at LINE_AT + `at` (a line feed is written after it while it
 * is read, in place of what is there: a carriage return, or the next line), which starts at `from`
 * in the host's bytes; true when it is a flow object (or a wrapper with one) read in full.
 */
export function scanLine(at: usize, length: i32, from: i32): bool {
  origin = from - <i32>at;
  const limit = LINE_AT + at + <usize>length;
  const kept = load<u8>(limit);
  store<u8>(limit, 0x0a);
  const taken = prepareLine(LINE_AT + at, limit) && scanObject(LINE_AT + at, limit);
  // The line area holds the host's bytes as they are: its lines may be read again, one by one or many at once.
  store<u8>(limit, kept);
  return taken;
}

/** scanLine's reading of the line [start, limit). */
function scanObject(start: usize, limit: usize): bool {
  flowKey = false;
  for (let base = 0; base <= F_STRIDE; base += F_STRIDE) {
    for (let i = 0; i < F_STRIDE; i++) setField(base + i, -1);
    setField(base + F_REPLY, 0);
    setField(base + F_TIME_KIND, 0);
    setField(base + F_SEEN, 0);
    setField(base + F_IP_SEEN, 0);
    for (let p = 0; p < 3; p++) setField(base + F_L4 + 4 * p, 0);
  }
  const p = space(start);
  if (at8(p) != OPEN_OBJECT) return false;
  const after = object(p, ROLE_FLOW, 0, 0, 0);
  return after != 0 && space(after) == limit;
}

/** The base in the positions of the scanned line's flow. */
export function flowBase(): i32 {
  return flowKey ? F_STRIDE : 0;
}

// Every reader returns the address after what it read, or 0 when it gives up (no line starts at 0).

function object(p: usize, role: i32, base: i32, arg: i32, depth: i32): usize {
  if (depth >= MAX_DEPTH) return 0;
  store<i32>(SEEN_AT + (<usize>depth << 2), 0);
  p = space(p + 1);
  if (at8(p) == CLOSE_OBJECT) return p + 1;
  for (;;) {
    if (at8(p) != QUOTE) return 0;
    const keyStart = p + 1;
    const keyEnd = stringClose(keyStart);
    if (keyEnd == 0) return 0;
    p = space(keyEnd + 1);
    if (at8(p) != COLON) return 0;
    p = space(p + 1);
    p = role == ROLE_OTHER ? value(p, depth + 1) : member(p, role, base, arg, keyStart, <i32>(keyEnd - keyStart), depth);
    if (p == 0) return 0;
    p = space(p);
    const c = at8(p);
    if (c == CLOSE_OBJECT) return p + 1;
    if (c != COMMA) return 0;
    p = space(p + 1);
  }
  return 0;
}

function member(p: usize, role: i32, base: i32, arg: i32, key: usize, length: i32, depth: i32): usize {
  const c = at8(p);
  switch (role) {
    case ROLE_FLOW: {
      if (length == 4 && is8(key, W_FLOW, 4)) {
        // Only the line's own object wraps a flow.
        if (base != 0 || flowKey || c != OPEN_OBJECT) return 0;
        flowKey = true;
        return object(p, ROLE_FLOW, F_STRIDE, 0, depth + 1);
      }
      return flowMember(p, c, base, key, length, depth);
    }
    case ROLE_IP: {
      const bit = length == 6 && is8(key, W_SOURCE, 6) ? 1 : length == 11 && is16(key, W_DESTINATION, W_DESTINATION_HI, 11) ? 2 : 0;
      if (bit == 0) return value(p, depth + 1);
      if ((field(base + F_IP_SEEN) & bit) != 0 || c != QUOTE) return 0;
      setField(base + F_IP_SEEN, field(base + F_IP_SEEN) | bit);
      return stringAt(p, base + (bit == 1 ? F_SRC_IP : F_DST_IP));
    }
    case ROLE_L4: {
      const protocol = length == 3 && is8(key, W_TCP, 3) ? 0 : length == 3 && is8(key, W_UDP, 3) ? 1 : length == 4 && is8(key, W_SCTP, 4) ? 2 : -1;
      if (protocol < 0) return value(p, depth + 1);
      if (!once(depth, 1 << protocol)) return 0;
      if (c != OPEN_OBJECT) return value(p, depth + 1);
      setField(base + F_L4 + 4 * protocol, 1);
      return object(p, ROLE_PORTS, base, protocol, depth + 1);
    }
    case ROLE_PORTS: {
      if (length == 16 && is16(key, W_DESTINATION_PORT, W_DESTINATION_PORT_HI, 16)) {
        if (!once(depth, 1)) return 0;
        const end = wholeNumberEnd(p);
        if (end == 0) return 0;
        setField(base + F_L4 + 4 * arg + 1, digitsValue(p, end));
        return end;
      }
      if (length == 5 && is8(key, W_FLAGS, 5)) {
        if (!once(depth, 2)) return 0;
        return c == OPEN_OBJECT ? object(p, ROLE_FLAGS, base, arg, depth + 1) : value(p, depth + 1);
      }
      return value(p, depth + 1);
    }
    case ROLE_FLAGS: {
      const flag = length == 3 && is8(key, W_SYN, 3) ? 2 : length == 3 && is8(key, W_ACK, 3) ? 3 : 0;
      if (flag == 0) return value(p, depth + 1);
      if (!once(depth, 1 << flag)) return 0;
      if (c == LOWER_T && is8(p, W_TRUE, 4)) {
        setField(base + F_L4 + 4 * arg + flag, 1);
        return p + 4;
      }
      return value(p, depth + 1);
    }
    case ROLE_END:
      return endMember(p, c, base + F_ENDS + END_STRIDE * arg, key, length, depth);
    case ROLE_WORKLOAD: {
      if (length != 4 || !is8(key, W_NAME, 4)) return value(p, depth + 1);
      if (!once(depth, 1)) return 0;
      return c == QUOTE ? stringAt(p, base + END_WORKLOAD) : value(p, depth + 1);
    }
    default:
      return value(p, depth + 1);
  }
}

/** True the first time `bit` is seen in the object at `depth`. */
function once(depth: i32, bit: i32): bool {
  const at = SEEN_AT + (<usize>depth << 2);
  const seen = load<i32>(at);
  if ((seen & bit) != 0) return false;
  store<i32>(at, seen | bit);
  return true;
}

/** The flow key of `length` bytes at `key` (0: one the scanner skips; -1: another observer event, left to the host's reader). */
function flowKeyOf(base: i32, key: usize, length: i32): i32 {
  switch (length) {
    case 2:
      return is8(key, W_IP, 2) ? KEY_IP : is8(key, W_L4, 2) ? KEY_L4 : 0;
    case 4:
      return is8(key, W_TYPE, 4) ? KEY_TYPE : is8(key, W_TIME, 4) ? KEY_TIME : 0;
    case 5:
      return is8(key, W_REPLY, 5) ? KEY_REPLY : 0;
    case 6:
      return is8(key, W_SOURCE, 6) ? KEY_SOURCE : 0;
    case 7:
      return is8(key, W_VERDICT, 7) ? KEY_VERDICT : 0;
    case 8:
      return is8(key, W_IS_REPLY, 8) ? KEY_IS_REPLY : 0;
    case 11:
      if (is16(key, W_DESTINATION, W_DESTINATION_HI, 11)) return KEY_DESTINATION;
      return base == 0 && (is16(key, W_NODE_STATUS, W_NODE_STATUS_HI, 11) || is16(key, W_LOST_EVENTS, W_LOST_EVENTS_HI, 11) || is16(key, W_AGENT_EVENT, W_AGENT_EVENT_HI, 11) || is16(key, W_DEBUG_EVENT, W_DEBUG_EVENT_HI, 11)) ? -1 : 0;
    default:
      return 0;
  }
}

function flowMember(p: usize, c: u32, base: i32, keyAt: usize, length: i32, depth: i32): usize {
  const key = flowKeyOf(base, keyAt, length);
  if (key < 0) return 0;
  if (key == 0) return value(p, depth + 1);
  if ((field(base + F_SEEN) & key) != 0) return 0;
  setField(base + F_SEEN, field(base + F_SEEN) | key);
  switch (key) {
    case KEY_TYPE:
      return c == QUOTE ? stringAt(p, base + F_TYPE) : 0;
    case KEY_VERDICT:
      return c == QUOTE ? stringAt(p, base + F_VERDICT) : 0;
    case KEY_TIME: {
      if (c == LOWER_N && is8(p, W_NULL, 4)) {
        setField(base + F_TIME_KIND, 1);
        return p + 4;
      }
      setField(base + F_TIME_KIND, 2);
      return c == QUOTE ? stringAt(p, base + F_TIME) : 0;
    }
    case KEY_IP:
      return c == OPEN_OBJECT ? object(p, ROLE_IP, base, 0, depth + 1) : 0;
    case KEY_L4:
      return c == OPEN_OBJECT ? object(p, ROLE_L4, base, 0, depth + 1) : 0;
    case KEY_SOURCE:
    case KEY_DESTINATION: {
      if (c != OPEN_OBJECT) return 0;
      const end = base + F_ENDS + (key == KEY_SOURCE ? 0 : END_STRIDE);
      const after = object(p, ROLE_END, base, key == KEY_SOURCE ? 0 : 1, depth + 1);
      setField(end + END_OBJECT, offset(p));
      setField(end + END_OBJECT + 1, after == 0 ? -1 : offset(after));
      return after;
    }
    default: {
      const flag = c == LOWER_T && is8(p, W_TRUE, 4) ? 1 : c == LOWER_F && is8(p, W_FALSE, 5) ? 0 : -1;
      if (flag < 0) return 0;
      setField(base + (key == KEY_IS_REPLY ? F_IS_REPLY : F_REPLY), flag);
      return p + (flag == 1 ? 4 : 5);
    }
  }
}

/** A member of an end object; `end` is the end's base in the positions. */
function endMember(p: usize, c: u32, end: i32, key: usize, length: i32, depth: i32): usize {
  const slot =
    length == 9 && is16(key, W_NAMESPACE, W_NAMESPACE_HI, 9) ? END_NAMESPACE
    : length == 8 && is8(key, W_POD_NAME, 8) ? END_POD
    : length == 9 && is16(key, W_WORKLOADS, W_WORKLOADS_HI, 9) ? END_WORKLOAD
    : length == 6 && is8(key, W_LABELS, 6) ? END_LABELS
    : -1;
  if (slot < 0) return value(p, depth + 1);
  if (!once(depth, 1 << slot)) return 0;
  if (slot == END_LABELS) {
    if (c != OPEN_ARRAY) return value(p, depth + 1);
    const after = value(p, depth + 1);
    setField(end + END_LABELS, offset(p));
    setField(end + END_LABELS + 1, after == 0 ? -1 : offset(after));
    return after;
  }
  if (slot == END_WORKLOAD) return c == OPEN_ARRAY ? workloads(p, end, depth + 1) : value(p, depth + 1);
  return c == QUOTE ? stringAt(p, end + slot) : value(p, depth + 1);
}

/** `workloads`: the first one's name, when it is an object. */
function workloads(p: usize, end: i32, depth: i32): usize {
  p = space(p + 1);
  if (at8(p) == CLOSE_ARRAY) return p + 1;
  p = at8(p) == OPEN_OBJECT ? object(p, ROLE_WORKLOAD, end, 0, depth + 1) : value(p, depth + 1);
  for (;;) {
    if (p == 0) return 0;
    p = space(p);
    const c = at8(p);
    if (c == CLOSE_ARRAY) return p + 1;
    if (c != COMMA) return 0;
    p = value(space(p + 1), depth + 1);
  }
  return 0;
}

/** The string at `p` (a quote), its content's bounds noted at `slot` when it is not empty. */
function stringAt(p: usize, slot: i32): usize {
  const close = stringClose(p + 1);
  if (close == 0) return 0;
  if (close > p + 1) {
    setField(slot, offset(p + 1));
    setField(slot + 1, offset(close));
  }
  return close + 1;
}

/** Any value at `p`, checked and stepped over. */
function value(p: usize, depth: i32): usize {
  const c = at8(p);
  if (c == QUOTE) {
    const close = stringClose(p + 1);
    return close == 0 ? 0 : close + 1;
  }
  if (c == OPEN_OBJECT) return object(p, ROLE_OTHER, 0, 0, depth);
  if (c == OPEN_ARRAY) {
    if (depth >= MAX_DEPTH) return 0;
    p = space(p + 1);
    if (at8(p) == CLOSE_ARRAY) return p + 1;
    for (;;) {
      p = value(p, depth + 1);
      if (p == 0) return 0;
      p = space(p);
      const next = at8(p);
      if (next == CLOSE_ARRAY) return p + 1;
      if (next != COMMA) return 0;
      p = space(p + 1);
    }
  }
  if (c == LOWER_T) return is8(p, W_TRUE, 4) ? p + 4 : 0;
  if (c == LOWER_F) return is8(p, W_FALSE, 5) ? p + 5 : 0;
  if (c == LOWER_N) return is8(p, W_NULL, 4) ? p + 4 : 0;
  return numberEnd(p);
}

