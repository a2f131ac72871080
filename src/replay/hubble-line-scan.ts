/**
 * @module The one-pass scanner of the records-first Hubble path, in WASM (core-as/hubble, loaded by
 * hubble-wasm.ts): it checks the whole line against JSON's grammar and notes where the few fields a
 * judged flow needs are (Type, time, verdict, the addresses, each end's namespace, pod name, first
 * workload and labels, the L4 headers' destination ports and SYN/ACK flags, is_reply, reply), as
 * positions in the line's bytes, and looks up each end by the bytes of its address and end object
 * among the ends remembered before: no string, object or token is made. It is stricter than the
 * field scanner (hubble-scan.ts): any escape or byte outside printable ASCII in a string, any
 * space but the space byte, any repeated key it reads, any of its fields with an unusual type, or
 * another observer event, and it gives up; the line is then decoded and read by readHubbleLine.
 * This module says what the positions mean (core-as/hubble/layout.ts is its twin, checked on load).
 */
import { hubbleScanner, type HubbleScanner } from './hubble-wasm.js';

/** Positions kept per flow object (0: the line's own object, 1: the wrapper's `flow`): start, end pairs (-1: absent). */
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
/** After a scan that took a line: where the scanner's result says the flow's base in the positions is, and each end's id. */
export const RESULT = { BASE: 0, SOURCE_ID: 1, DESTINATION_ID: 2 } as const;
/**
 * After scanLines: HubbleScanner.lines holds the offset past the last line read (END), then from
 * FIRST each line's fields, STRIDE apart: its start, its ends' ids, protocol (0 TCP, 1 UDP, 2
 * SCTP), port, observed verdict (OBSERVED_CODE, or REPLY for a reply: its other fields are not
 * read), its time's bounds (-1: none).
 */
export const LINE = { END: 0, FIRST: 4, START: 0, SOURCE: 1, DESTINATION: 2, PROTOCOL: 3, PORT: 4, OBSERVED: 5, TIME: 6, STRIDE: 8, REPLY: 3 } as const;

/** The bits kept of the ends' hashes by scanners made from now on (cutEndHashes). */
let hashMask = -1;

/** A new scanner with its own memory of ends (ids are the caller's: HubbleScanner.remember). */
export function lineScanner(): HubbleScanner {
  // As core-as/hubble/layout.ts's LAYOUT_CHECK: its millions are the version of the exports' arguments and results.
  const scanner = hubbleScanner(2 * F.STRIDE, LINE.STRIDE, 3_000_000 + F.STRIDE * 1000 + F.L4 * 10 + END.STRIDE);
  if (hashMask !== -1) scanner.cutHash(hashMask);
  return scanner;
}

/** For tests: scanners made from now on keep only the bits of `mask` of the ends' hashes (-1: all), so that ends collide and their bytes must decide. */
export function cutEndHashes(mask: number): void {
  hashMask = mask;
}
