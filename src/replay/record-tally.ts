/**
 * @module What every replay report counts the same way: records that are not judged (replies, out
 * of scope, malformed) and flows that cannot be answered, with the first problems by line.
 */

/** The counts every report has. */
export interface RecordTotals {
  records: number;
  replies: number;
  notApplicable: number;
  unresolved: number;
  malformed: number;
}

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const MAX_PROBLEMS = 20;

export abstract class RecordTally {
  abstract readonly totals: RecordTotals;
  protected readonly problems: Problem[] = [];

  countReply(): void {
    this.totals.records++;
    this.totals.replies++;
  }

  countNotApplicable(): void {
    this.totals.records++;
    this.totals.notApplicable++;
  }

  countMalformed(file: string, line: number, message: string): void {
    this.totals.records++;
    this.totals.malformed++;
    this.note(file, line, message);
  }

  countUnresolved(file: string, line: number, message: string): void {
    this.totals.records++;
    this.totals.unresolved++;
    this.note(file, line, message);
  }

  private note(file: string, line: number, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ file, line, message });
  }
}

/** The problems part of a text report. */
export function appendProblems(lines: string[], problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  lines.push('', 'problems (first ones):');
  for (const p of problems) lines.push(`  ${p.file}:${p.line}: ${p.message}`);
}
