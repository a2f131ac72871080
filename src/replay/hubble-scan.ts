/**
 * @module A field scanner for Hubble flow lines: reads the fields a replay needs (hubble-fields.ts)
 * straight from the line's text, stepping over everything else without building it, where
 * JSON.parse would build the whole flow (ethernet, labels, workloads, summary...) per line. It
 * takes only lines whose reading it is sure of: valid JSON (checked in full), a `{"flow": {...}}`
 * wrapper or a bare flow object, no repeated or escaped keys among those it reads, plain values
 * where it needs them. Anything else, and every line it gives up on, is read by JSON.parse instead,
 * so both readings agree (hubble-scan.test.ts compares them).
 */
import type { Protocol } from '../model/bundle.js';
import { CLOSE_ARRAY, COMMA, DIGIT_0, DIGIT_9, MINUS, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from '../model/json-chars.js';
import { DIRECTIONS, OBSERVED, type EndFields, type FlowFields } from './hubble-fields.js';
import { JsonCursor } from './json-cursor.js';

/** One bit per key a scan reads in an object: a key seen twice makes the scanner give up. */
const enum Key {
  Type = 1 << 0,
  Time = 1 << 1,
  IP = 1 << 2,
  L4 = 1 << 3,
  Source = 1 << 4,
  Destination = 1 << 5,
  Verdict = 1 << 6,
  DropReason = 1 << 7,
  Direction = 1 << 8,
  IsReply = 1 << 9,
  Reply = 1 << 10,
  Flow = 1 << 11,
  // Only whether they are there: keys that make a bare object a flow, or another observer event.
  EventType = 1 << 12,
  OtherEvent = 1 << 13,
}

/** Keys only a flow object has (as hubble.ts's FLOW_KEYS). */
const FLOW_KEYS = Key.IP | Key.L4 | Key.Type | Key.Verdict | Key.EventType;

class EndScan implements EndFields {
  namespace: string | undefined = undefined;
  podName: string | undefined = undefined;
  workload: string | undefined = undefined;
  labels = 'null';
  seen = 0;

  reset(): void {
    this.namespace = this.podName = this.workload = undefined;
    this.labels = 'null';
    this.seen = 0;
  }
}

/** A protocol header in `l4`: its destination port (undefined: none, NaN: not a plain whole number) and flags. */
class PortsScan {
  present = false;
  port: number | undefined = undefined;
  synAck = false;
  seen = 0;
  syn = false;
  ack = false;

  reset(): void {
    this.present = this.synAck = this.syn = this.ack = false;
    this.port = undefined;
    this.seen = 0;
  }
}

class FlowScan implements FlowFields {
  type: string | undefined = undefined;
  time: unknown = undefined;
  srcIP: string | undefined = undefined;
  dstIP: string | undefined = undefined;
  observed: FlowFields['observed'] = undefined;
  dropReason: string | undefined = undefined;
  direction: FlowFields['direction'] = undefined;
  readonly source = new EndScan();
  readonly destination = new EndScan();
  protocol: Protocol | undefined = undefined;
  firstL4: string | undefined = undefined;
  port: unknown = undefined;
  synAck = false;
  isReply: boolean | undefined = undefined;
  reply = false;
  readonly tcp = new PortsScan();
  readonly udp = new PortsScan();
  readonly sctp = new PortsScan();
  /** Keys seen in this object, and in its IP object. */
  seen = 0;
  ipSeen = 0;

  constructor(readonly outer: boolean) {}

  reset(): void {
    this.type = this.srcIP = this.dstIP = this.dropReason = this.firstL4 = undefined;
    this.time = this.port = this.observed = this.direction = this.protocol = this.isReply = undefined;
    this.synAck = this.reply = false;
    this.source.reset();
    this.destination.reset();
    this.tcp.reset();
    this.udp.reset();
    this.sctp.reset();
    this.seen = this.ipSeen = 0;
  }

  /** Picks the protocol as hubble-fields.ts does: the first of TCP, UDP, SCTP given as an object. */
  settle(): boolean {
    const ports = this.tcp.present ? this.tcp : this.udp.present ? this.udp : this.sctp.present ? this.sctp : undefined;
    if (ports === undefined) return true;
    this.protocol = ports === this.tcp ? 'TCP' : ports === this.udp ? 'UDP' : 'SCTP';
    if (Number.isNaN(ports.port)) return false;
    this.port = ports.port;
    this.synAck = ports.synAck;
    return true;
  }
}

const cursor = new JsonCursor();
const outer = new FlowScan(true);
const inner = new FlowScan(false);

/**
 * The fields of a Hubble flow line, or undefined when the scanner does not take the line (then
 * JSON.parse reads it). The result is reused by the next call: read it before scanning again.
 */
export function scanHubbleFlow(text: string): FlowFields | undefined {
  cursor.reset(text);
  outer.reset();
  inner.reset();
  if (cursor.peek() !== OPEN_OBJECT || !flowObject(cursor, outer) || !cursor.done()) return undefined;
  if ((outer.seen & Key.Flow) !== 0) {
    if (inner.time === undefined || inner.time === null) inner.time = outer.time;
    return inner.settle() ? inner : undefined;
  }
  // Other observer events, and objects that are no flow at all, are left to JSON.parse's reading.
  if ((outer.seen & Key.OtherEvent) !== 0 || (outer.seen & FLOW_KEYS) === 0) return undefined;
  return outer.settle() ? outer : undefined;
}

function flowMember(c: JsonCursor, s: FlowScan): boolean {
  if (c.escaped) return false;
  const key = keyOf(c);
  if (key === 0) return c.value();
  if (key !== Key.OtherEvent && (s.seen & key) !== 0) return false;
  s.seen |= key;
  switch (key) {
    case Key.Type: {
      const type = optionalString(c);
      s.type = type ?? undefined;
      return type !== null;
    }
    case Key.Time:
      return timeValue(c, s);
    case Key.IP:
      return c.peek() === OPEN_OBJECT ? ipObject(c, s) : c.value();
    case Key.L4:
      return c.peek() === OPEN_OBJECT ? l4Object(c, s) : c.value();
    case Key.Source:
      return c.peek() === OPEN_OBJECT ? endObject(c, s.source) : c.value();
    case Key.Destination:
      return c.peek() === OPEN_OBJECT ? endObject(c, s.destination) : c.value();
    case Key.Verdict: {
      const verdict = optionalString(c);
      s.observed = verdict === null ? undefined : OBSERVED.get(verdict);
      return verdict !== null;
    }
    case Key.DropReason: {
      const reason = optionalString(c);
      s.dropReason = reason ?? undefined;
      return reason !== null;
    }
    case Key.Direction: {
      const direction = optionalString(c);
      s.direction = direction === null ? undefined : DIRECTIONS.get(direction);
      return direction !== null;
    }
    case Key.IsReply:
      return booleanValue(c, (value) => (s.isReply = value));
    case Key.Reply:
      return booleanValue(c, (value) => (s.reply = value));
    case Key.Flow:
      // Only the wrapper's `flow` is the flow; the wrapper has no business being inside one.
      return s.outer && c.peek() === OPEN_OBJECT ? flowObject(c, inner) : false;
    default:
      return c.value();
  }
}

/** The object at the cursor, member by member (each walker its own loop: one member function per call site). */
function flowObject(c: JsonCursor, state: FlowScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!flowMember(c, state)) return false;
  return c.closed;
}

function ipObject(c: JsonCursor, state: FlowScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!ipMember(c, state)) return false;
  return c.closed;
}

function l4Object(c: JsonCursor, state: FlowScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!l4Member(c, state)) return false;
  return c.closed;
}

function portsObject(c: JsonCursor, state: PortsScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!portsMember(c, state)) return false;
  return c.closed;
}

function flagsObject(c: JsonCursor, state: PortsScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!flagsMember(c, state)) return false;
  return c.closed;
}

function endObject(c: JsonCursor, state: EndScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!endMember(c, state)) return false;
  return c.closed;
}

function workloadObject(c: JsonCursor, state: EndScan): boolean {
  for (let more = c.firstMember(); more; more = c.nextMember()) if (!workloadMember(c, state)) return false;
  return c.closed;
}

/** Which key of a flow object the key just read is (0: one the replay does not read). */
function keyOf(c: JsonCursor): Key | 0 {
  switch (c.end - c.start) {
    case 2:
      return c.stringIs('IP') ? Key.IP : c.stringIs('l4') ? Key.L4 : 0;
    case 4:
      return c.stringIs('Type') ? Key.Type : c.stringIs('time') ? Key.Time : c.stringIs('flow') ? Key.Flow : 0;
    case 5:
      return c.stringIs('reply') ? Key.Reply : 0;
    case 6:
      return c.stringIs('source') ? Key.Source : 0;
    case 7:
      return c.stringIs('verdict') ? Key.Verdict : 0;
    case 8:
      return c.stringIs('is_reply') ? Key.IsReply : 0;
    case 10:
      return c.stringIs('event_type') ? Key.EventType : 0;
    case 11:
      if (c.stringIs('destination')) return Key.Destination;
      return c.stringIs('node_status') || c.stringIs('lost_events') || c.stringIs('agent_event') || c.stringIs('debug_event') ? Key.OtherEvent : 0;
    case 16:
      return c.stringIs('drop_reason_desc') ? Key.DropReason : 0;
    case 17:
      return c.stringIs('traffic_direction') ? Key.Direction : 0;
    default:
      return 0;
  }
}

function ipMember(c: JsonCursor, s: FlowScan): boolean {
  const key = c.stringIs('source') ? 1 : c.stringIs('destination') ? 2 : 0;
  if (key === 0) return !c.escaped && c.value();
  if ((s.ipSeen & key) !== 0) return false;
  s.ipSeen |= key;
  const address = optionalString(c);
  if (key === 1) s.srcIP = address ?? undefined;
  else s.dstIP = address ?? undefined;
  return address !== null;
}

/** `l4`: its first key (Object.keys order: keys that look like array indexes would come first, so none is taken) and its headers. */
function l4Member(c: JsonCursor, s: FlowScan): boolean {
  const code = c.text.charCodeAt(c.start);
  if (c.escaped || (code >= DIGIT_0 && code <= DIGIT_9)) return false;
  if (s.firstL4 === undefined) s.firstL4 = c.text.slice(c.start, c.end);
  const ports = c.stringIs('TCP') ? s.tcp : c.stringIs('UDP') ? s.udp : c.stringIs('SCTP') ? s.sctp : undefined;
  if (ports === undefined) return c.value();
  if (ports.seen !== 0) return false;
  ports.seen = 1;
  if (c.peek() !== OPEN_OBJECT) return c.value();
  ports.present = true;
  if (!portsObject(c, ports)) return false;
  ports.synAck = ports.syn && ports.ack;
  return true;
}

function portsMember(c: JsonCursor, p: PortsScan): boolean {
  if (c.escaped) return false;
  if (c.stringIs('destination_port')) {
    if ((p.seen & 2) !== 0) return false;
    p.seen |= 2;
    // Anything but a number is left to JSON.parse's reading (its error quotes the value).
    const next = c.peek();
    if (!(next === MINUS || (next >= DIGIT_0 && next <= DIGIT_9)) || !c.number()) return false;
    p.port = c.wholeNumber();
    return true;
  }
  if (c.stringIs('flags')) {
    if ((p.seen & 4) !== 0) return false;
    p.seen |= 4;
    return c.peek() === OPEN_OBJECT ? flagsObject(c, p) : c.value();
  }
  return c.value();
}

function flagsMember(c: JsonCursor, p: PortsScan): boolean {
  if (c.escaped) return false;
  const flag = c.stringIs('SYN') ? 8 : c.stringIs('ACK') ? 16 : 0;
  if (flag === 0) return c.value();
  if ((p.seen & flag) !== 0) return false;
  p.seen |= flag;
  const set = c.peek() === 0x74 && c.literal('true');
  if (flag === 8) p.syn = set;
  else p.ack = set;
  return set || c.value();
}

function endMember(c: JsonCursor, end: EndScan): boolean {
  if (c.escaped) return false;
  const key = c.stringIs('namespace') ? 1 : c.stringIs('pod_name') ? 2 : c.stringIs('workloads') ? 4 : c.stringIs('labels') ? 8 : 0;
  if (key === 0) return c.value();
  if ((end.seen & key) !== 0) return false;
  end.seen |= key;
  if (key === 4) return workloads(c, end);
  if (key === 8) {
    if (c.peek() !== OPEN_ARRAY) return c.value();
    const start = c.at;
    if (!c.value()) return false;
    end.labels = c.text.slice(start, c.at);
    return true;
  }
  const text = optionalString(c);
  if (key === 1) end.namespace = text ?? undefined;
  else end.podName = text ?? undefined;
  return text !== null;
}

/** `workloads`: the first one's name, when it is an object. */
function workloads(c: JsonCursor, end: EndScan): boolean {
  if (c.peek() !== OPEN_ARRAY) return c.value();
  c.at++;
  if (c.take(CLOSE_ARRAY)) return true;
  if (!(c.peek() === OPEN_OBJECT ? workloadObject(c, end) : c.value())) return false;
  while (c.take(COMMA)) if (!c.value()) return false;
  return c.take(CLOSE_ARRAY);
}

function workloadMember(c: JsonCursor, end: EndScan): boolean {
  if (c.escaped) return false;
  if (!c.stringIs('name')) return c.value();
  if ((end.seen & 16) !== 0) return false;
  end.seen |= 16;
  const name = optionalString(c);
  end.workload = name ?? undefined;
  return name !== null;
}

/** The value at the cursor, stepped over: a non-empty string's content, undefined for any other value, null when it is not valid JSON. */
function optionalString(c: JsonCursor): string | undefined | null {
  if (c.peek() !== QUOTE) return c.value() ? undefined : null;
  if (!c.string()) return null;
  return c.end === c.start ? undefined : c.stringValue();
}

/** A time value the scanner takes: a string or null (other values are left to JSON.parse's reading and its error). */
function timeValue(c: JsonCursor, s: FlowScan): boolean {
  const next = c.peek();
  if (next === QUOTE) {
    if (!c.string()) return false;
    s.time = c.stringValue();
    return true;
  }
  if (next !== 0x6e || !c.literal('null')) return false;
  s.time = null;
  return true;
}

/** true or false sets the field; any other value leaves it as it is. */
function booleanValue(c: JsonCursor, set: (value: boolean) => void): boolean {
  const next = c.peek();
  if (next === 0x74 && c.literal('true')) set(true);
  else if (next === 0x66 && c.literal('false')) set(false);
  else return c.value();
  return true;
}
