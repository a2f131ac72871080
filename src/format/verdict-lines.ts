/**
 * @module Verdict lines without explanation: one of a handful of strings (`{"allowed":true,
 * "reason":"allowed"}`, ...), each made once, found by a verdict's outline or by the codes of its
 * verdict record; and the error line that stands in for a line that cannot be answered.
 */
import { VERDICT_RECORD, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import { verdictOutline, type VerdictOutline } from '../engine/records.js';

/** Without explanation a verdict line is one of a handful of strings: made once each. */
const compactLines = new Map<string, string>();

/** The verdict line without explanation: it says only whether, why, and which sides denied. */
export function compactLine(verdict: VerdictOutline): string {
  const key = `${verdict.reason}:${verdict.deniedBy.join(',')}`;
  let line = compactLines.get(key);
  if (line === undefined) {
    line = JSON.stringify(
      verdict.allowed
        ? { allowed: true, reason: verdict.reason }
        : { allowed: false, reason: verdict.reason, deniedBy: verdict.deniedBy },
    );
    compactLines.set(key, line);
  }
  return line;
}

/** Bits of each code (decision, egress and ingress reasons) in the key of linesByCodes. */
const CODE_BITS = 4;
/** Compact verdict lines by the codes of a verdict record (decision, egress reason, ingress reason). */
const linesByCodes: (string | undefined)[] = new Array<string | undefined>(1 << (3 * CODE_BITS)).fill(undefined);

/** The compact line of verdict record k (status OK) of `verdicts` (`output`: the same bytes): made once per distinct set of codes. */
export function recordLine(verdicts: Uint8Array, output: DataView, k: number): string {
  const at = k * VERDICT_RECORD_BYTES;
  const decision = verdicts[at + VERDICT_RECORD.DECISION]!;
  const egress = verdicts[at + VERDICT_RECORD.EGRESS_REASON]!;
  const ingress = verdicts[at + VERDICT_RECORD.INGRESS_REASON]!;
  if ((decision | egress | ingress) >>> CODE_BITS !== 0) return compactLine(verdictOutline(output, k));
  const key = (((decision << CODE_BITS) | egress) << CODE_BITS) | ingress;
  return (linesByCodes[key] ??= compactLine(verdictOutline(output, k)));
}

export function errorJSON(line: number, message: string): string {
  return JSON.stringify({ error: `line ${line}: ${message}` });
}
