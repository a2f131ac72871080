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

/** Bits of each code (decision, egress and ingress reasons) in the key of templatesByCodes. */
const CODE_BITS = 4;
/** Template of each compact line (recordTemplate's numbers): its text, and its bytes with the line's LF. */
const templateTexts: string[] = [];
const templateLines: Uint8Array[] = [];
const templateByText = new Map<string, number>();
/** Template + 1 by the codes of a verdict record (decision, egress reason, ingress reason); 0: not made yet. */
const templatesByCodes = new Int32Array(1 << (3 * CODE_BITS));
const encoder = new TextEncoder();

/**
 * The template of the compact line of verdict record k (status OK) of `verdicts` (`output`: the
 * same bytes): a small number, the same for the same line, made once per distinct set of codes.
 */
export function recordTemplate(verdicts: Uint8Array, output: DataView, k: number): number {
  const at = k * VERDICT_RECORD_BYTES;
  const decision = verdicts[at + VERDICT_RECORD.DECISION]!;
  const egress = verdicts[at + VERDICT_RECORD.EGRESS_REASON]!;
  const ingress = verdicts[at + VERDICT_RECORD.INGRESS_REASON]!;
  if ((decision | egress | ingress) >>> CODE_BITS !== 0) return templateOf(compactLine(verdictOutline(output, k)));
  const key = (((decision << CODE_BITS) | egress) << CODE_BITS) | ingress;
  const known = templatesByCodes[key]!;
  if (known !== 0) return known - 1;
  const template = templateOf(compactLine(verdictOutline(output, k)));
  templatesByCodes[key] = template + 1;
  return template;
}

function templateOf(line: string): number {
  let template = templateByText.get(line);
  if (template === undefined) {
    template = templateTexts.length;
    templateTexts.push(line);
    templateLines.push(encoder.encode(`${line}\n`));
    templateByText.set(line, template);
  }
  return template;
}

/** The text of template `template` (without its LF). */
export function templateText(template: number): string {
  return templateTexts[template]!;
}

/** The UTF-8 bytes of template `template`'s line, its LF included. */
export function templateLine(template: number): Uint8Array {
  return templateLines[template]!;
}

/** The compact line of verdict record k (status OK) of `verdicts` (`output`: the same bytes). */
export function recordLine(verdicts: Uint8Array, output: DataView, k: number): string {
  return templateTexts[recordTemplate(verdicts, output, k)]!;
}

export function errorJSON(line: number, message: string): string {
  return JSON.stringify({ error: `line ${line}: ${message}` });
}
