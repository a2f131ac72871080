/**
 * @module NDJSON flow logs in the CLI's flow format, as `netpol-edge eval` reads them:
 * `{"src", "dst", "protocol"?, "port"}`, decoded by decodeFlow, with an optional "observed" (or
 * "verdict") field saying what really happened: allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED,
 * and an optional "time" (or "timestamp", or "start") saying when: RFC 3339 text, or epoch seconds
 * or milliseconds as a number or a string of digits (record-time.ts).
 * A protocol other than TCP, UDP and SCTP ("ICMP", 1) is not applicable rather than an error, so
 * that logs converted from other tools keep their ICMP lines.
 */
import { decodeFlow } from '../flow/decode.js';
import type { EndpointSpec } from '../model/flow.js';
import { parseTimeValue } from './record-time.js';
import { classifyProtocol, endpointLabel, parseJSONObject, parseObserved, type LogRecord } from './records.js';

/** When a flow happened: the first of these fields the line has. */
const TIME_FIELDS = ['time', 'timestamp', 'start'];

/** True when a parsed line is a flow in the CLI's format. */
export function isNdjsonObject(object: Record<string, unknown>): boolean {
  return Object.hasOwn(object, 'src') || Object.hasOwn(object, 'dst');
}

/** NDJSON lines are independent of each other: one reader serves any number of inputs. */
export function readNdjsonLine(text: string, line: number): LogRecord {
  const object = parseJSONObject(text);
  const observedField = Object.hasOwn(object, 'observed') ? 'observed' : 'verdict';
  const observed = parseObserved(Object.hasOwn(object, observedField) ? object[observedField] : undefined, observedField);
  const timeField = TIME_FIELDS.find((field) => Object.hasOwn(object, field));
  const time = timeField === undefined ? undefined : parseTimeValue(object[timeField], timeField);
  const protocol = classifyProtocol(object.protocol, 'protocol');
  if ('notApplicable' in protocol) {
    return {
      line,
      time,
      kind: 'not-applicable',
      reason: protocol.notApplicable,
      observed,
      srcLabel: typeof object.src === 'string' ? object.src : undefined,
      dstLabel: typeof object.dst === 'string' ? object.dst : undefined,
    };
  }
  const flow = decodeFlow(object);
  return {
    line,
    time,
    kind: 'flow',
    flow,
    observed,
    srcLabel: labelOf(object.src, flow.src),
    dstLabel: labelOf(object.dst, flow.dst),
  };
}

/** The endpoint as the line wrote it, when it wrote a string. */
function labelOf(given: unknown, spec: EndpointSpec): string {
  return typeof given === 'string' ? given : endpointLabel(spec);
}
