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

/** A tally's counts and first problems, as a worker sends them to be merged (replay --jobs). */
export interface TallyPart<Totals extends RecordTotals> {
  readonly totals: Totals;
  readonly problems: readonly Problem[];
}

export abstract class RecordTally {
  abstract readonly totals: RecordTotals;
  protected readonly problems: Problem[] = [];

  /**
   * Adds the tally of the input that follows: counts add up, and its problems come after these,
   * up to the same bound, so merging parts in input order gives what one tally would have.
   */
  protected mergeTally(part: TallyPart<RecordTotals>): void {
    const totals = this.totals as unknown as Record<string, number>;
    for (const [key, value] of Object.entries(part.totals)) totals[key]! += value;
    for (const problem of part.problems) this.note(problem.file, problem.line, problem.message);
  }

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
