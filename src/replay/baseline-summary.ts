/**
 * @module The report of a baseline replay: every flow decided by the current (baseline) and the
 * proposed (new) bundle; what the change would break (baseline allows, new denies) and open (the
 * reverse); where the baseline disagrees with what the log recorded; and, from the caller, rule
 * hits, unused and shadowed rules. Memory is bounded (change-groups.ts, rule-hits.ts).
 */
import { MAX_CHANGE_GROUPS, ChangeGroups, type ChangeGroup, type ChangeGroupsPart, type ChangeListJSON, type ListedFlow } from './change-groups.js';
import { appendProblems, RecordTally, type TallyPart } from './record-tally.js';
import { describeRule, MAX_COUNTED_RULES, type PolicyRuleRef, type RuleHitsJSON } from './rule-hits.js';
import { sightingText } from './sighting.js';

export interface BaselineTotals {
  /** Records read (as in a single replay: headers and blank lines are not records). */
  records: number;
  /** Flow records: judged plus unresolved. */
  flows: number;
  /** Flows both bundles answered. */
  judged: number;
  /** The new bundle's verdicts on judged flows. */
  allowed: number;
  denied: number;
  /** The baseline's verdicts on judged flows. */
  baselineAllowed: number;
  baselineDenied: number;
  replies: number;
  notApplicable: number;
  /** Flows one bundle or both could not answer (an endpoint it does not know, ...). */
  unresolved: number;
  malformed: number;
}

/** A shadowed rule, and the earlier rules that together always decide first. */
export interface ShadowedRuleJSON extends PolicyRuleRef {
  readonly shadowedBy: readonly PolicyRuleRef[];
}

/** What the report needs besides the counts: the rules, when the bundles are known. */
export interface RuleReport {
  readonly rules: readonly RuleHitsJSON[];
  /** null when the bundle is on a service that does not list its rules (GET .../rules, an older version). */
  readonly unusedRules: readonly PolicyRuleRef[] | null;
  readonly shadowedRules: readonly ShadowedRuleJSON[] | null;
  /** Rule hits past MAX_COUNTED_RULES. */
  readonly otherRuleFlows: number;
}

export interface BaselineReportJSON extends RuleReport {
  readonly flows: number;
  readonly judged: number;
  readonly changes: { readonly break: ChangeListJSON; readonly open: ChangeListJSON };
  readonly totals: BaselineTotals;
  /** null when the log recorded no verdict for any judged flow. */
  readonly baselineDisagreesWithLog: ChangeListJSON | null;
  readonly bounds: { readonly groupsPerList: number; readonly rules: number; readonly reached: readonly string[] };
  readonly problems: readonly { readonly file: string; readonly line: number; readonly message: string }[];
}

/** A summary's content, to be merged into the summary of the input before it (replay --jobs). */
export interface BaselineSummaryPart extends TallyPart<BaselineTotals> {
  readonly observed: boolean;
  readonly breaks: ChangeGroupsPart;
  readonly opens: ChangeGroupsPart;
  readonly disagreements: ChangeGroupsPart;
}

export class BaselineSummary extends RecordTally {
  readonly totals: BaselineTotals = {
    records: 0, flows: 0, judged: 0, allowed: 0, denied: 0, baselineAllowed: 0, baselineDenied: 0,
    replies: 0, notApplicable: 0, unresolved: 0, malformed: 0,
  };
  private readonly breaks: ChangeGroups;
  private readonly opens: ChangeGroups;
  private readonly disagreements: ChangeGroups;
  private observedAny = false;

  /** `maxGroups` per list: MAX_CHANGE_GROUPS unless a test wants to reach it. */
  constructor(private readonly maxGroups = MAX_CHANGE_GROUPS) {
    super();
    this.breaks = new ChangeGroups(maxGroups);
    this.opens = new ChangeGroups(maxGroups);
    this.disagreements = new ChangeGroups(maxGroups);
  }

  /** An unresolved record is a flow too. */
  override countUnresolved(file: string, line: number, message: string): void {
    this.totals.flows++;
    super.countUnresolved(file, line, message);
  }

  /** Whether a judged flow goes in a list (a change, or the baseline against the log). */
  static isListed(allowed: boolean, baselineAllowed: boolean, observed: 'allowed' | 'denied' | undefined): boolean {
    return allowed !== baselineAllowed || (observed !== undefined && (observed === 'allowed') !== baselineAllowed);
  }

  /** A flow both bundles answered; `listing` is needed only when isListed says so. */
  countJudged(allowed: boolean, baselineAllowed: boolean, observed: 'allowed' | 'denied' | undefined, listing?: ListedFlow): void {
    this.countJudgedRun(1, allowed ? 1 : 0, baselineAllowed ? 1 : 0, observed !== undefined);
    if (listing) this.list(allowed, baselineAllowed, observed, listing);
  }

  /** `judged` flows both bundles answered, `allowed` of them allowed by the new bundle and `baselineAllowed` by the baseline; list the listed ones on their own. */
  countJudgedRun(judged: number, allowed: number, baselineAllowed: number, observedAny: boolean): void {
    const t = this.totals;
    t.records += judged;
    t.flows += judged;
    t.judged += judged;
    t.allowed += allowed;
    t.denied += judged - allowed;
    t.baselineAllowed += baselineAllowed;
    t.baselineDenied += judged - baselineAllowed;
    if (observedAny) this.observedAny = true;
  }

  /** Puts `flows` judged flows seen at `listing`'s place (ChangeGroups.add) in the lists they go in (isListed says whether there is any); their counts are countJudgedRun's. */
  list(allowed: boolean, baselineAllowed: boolean, observed: 'allowed' | 'denied' | undefined, listing: ListedFlow, flows = 1): void {
    if (baselineAllowed && !allowed) this.breaks.add(listing, undefined, flows);
    if (!baselineAllowed && allowed) this.opens.add(listing, undefined, flows);
    if (observed !== undefined && (observed === 'allowed') !== baselineAllowed) this.disagreements.add(listing, observed, flows);
  }

  toPart(): BaselineSummaryPart {
    return {
      totals: { ...this.totals },
      problems: [...this.problems],
      observed: this.observedAny,
      breaks: this.breaks.toPart(),
      opens: this.opens.toPart(),
      disagreements: this.disagreements.toPart(),
    };
  }

  /** Adds the summary of the input that follows (see ChangeGroups.merge for when it is exact). */
  merge(part: BaselineSummaryPart): void {
    this.mergeTally(part);
    this.observedAny ||= part.observed;
    this.breaks.merge(part.breaks);
    this.opens.merge(part.opens);
    this.disagreements.merge(part.disagreements);
  }

  /** Flows the change would break: the CLI exits 3 when there is any. */
  get breakFlows(): number {
    return this.breaks.flows;
  }

  /** The report; `top` cuts the group lists (JSON consumers usually want them all). */
  toJSON(rules: RuleReport, top = Infinity): BaselineReportJSON {
    const reached: string[] = [];
    if (this.breaks.boundReached) reached.push('would-break groups');
    if (this.opens.boundReached) reached.push('would-open groups');
    if (this.disagreements.boundReached) reached.push('baseline-disagrees groups');
    if (rules.otherRuleFlows > 0) reached.push('rule counters');
    return {
      flows: this.totals.flows,
      judged: this.totals.judged,
      changes: { break: this.breaks.toJSON(top), open: this.opens.toJSON(top) },
      ...rules,
      totals: { ...this.totals },
      baselineDisagreesWithLog: this.observedAny ? this.disagreements.toJSON(top) : null,
      bounds: { groupsPerList: this.maxGroups, rules: MAX_COUNTED_RULES, reached },
      problems: [...this.problems],
    };
  }

  /** The report for people: `top` groups and rules per list. */
  toText(rules: RuleReport, top = 10): string {
    const report = this.toJSON(rules, top);
    const t = report.totals;
    const lines = [
      `records ${t.records}: flows ${t.flows}, judged ${t.judged} by both bundles ` +
        `(new: allowed ${t.allowed}, denied ${t.denied}; baseline: allowed ${t.baselineAllowed}, denied ${t.baselineDenied}), ` +
        `replies ${t.replies}, not applicable ${t.notApplicable}, unresolved ${t.unresolved}, malformed ${t.malformed}`,
    ];
    listGroups(lines, 'WOULD BREAK: the baseline allows, the new bundle denies', report.changes.break);
    listGroups(lines, 'would open: the baseline denies, the new bundle allows', report.changes.open);
    if (report.baselineDisagreesWithLog) {
      listGroups(lines, 'baseline disagrees with the log (is the baseline what the cluster runs?)', report.baselineDisagreesWithLog);
    } else {
      lines.push('', 'the log records no verdicts, so the baseline cannot be checked against it');
    }
    appendRules(lines, report, top);
    if (report.bounds.reached.length > 0) {
      lines.push('', `bounds reached (counted, not listed): ${report.bounds.reached.join(', ')}`);
    }
    appendProblems(lines, report.problems);
    return lines.join('\n');
  }
}

function listGroups(lines: string[], title: string, list: ChangeListJSON): void {
  lines.push('', `${title} (${list.flows} flows)`);
  if (list.groups.length === 0) lines.push('  none');
  const width = Math.max(...list.groups.map((g) => String(g.flows).length), 1);
  const pad = ' '.repeat(width + 4);
  for (const g of list.groups) {
    const observed = g.observed ? `  (log: ${g.observed})` : '';
    lines.push(`  ${String(g.flows).padStart(width)}  ${g.src} -> ${g.dst} : ${g.protocol}/${g.port}${observed}  ${seenText(g)}`);
    lines.push(`${pad}baseline: ${g.old}`, `${pad}new:      ${g.new}`);
  }
  if (list.groups.length < list.flows && list.otherFlows > 0) lines.push(`  ... ${list.otherFlows} flows in groups past the bound`);
}

/** `[file:line]` or `[first .. last]`, each with its time when the log has times. */
function seenText(g: ChangeGroup): string {
  const first = sightingText(g.firstSeen);
  const last = sightingText(g.lastSeen);
  return first === last ? `[${first}]` : `[${first} .. ${last}]`;
}

/** Rule hits, unused and shadowed rules, shared with the single replay's rule report. */
export function appendRules(lines: string[], report: RuleReport, top: number): void {
  lines.push('', `rules that decided flows (${report.rules.length} rules; top ${Math.min(top, report.rules.length)})`);
  if (report.rules.length === 0) lines.push('  none');
  for (const r of report.rules.slice(0, top)) lines.push(`  ${String(r.flows).padStart(6)}  ${describeRule(r)}`);
  if (report.unusedRules === null) {
    lines.push('', 'unused rules: unknown (the service does not list its rules; replay its manifests locally to list them)');
  } else {
    lines.push('', `unused rules: no replayed flow was decided by them (${report.unusedRules.length})`);
    for (const r of report.unusedRules.slice(0, top)) lines.push(`  ${describeRule(r)}`);
    if (report.unusedRules.length > top) lines.push(`  ... and ${report.unusedRules.length - top} more (--summary json lists them all)`);
  }
  if (report.shadowedRules !== null) {
    lines.push('', `shadowed rules: an earlier rule always decides first (${report.shadowedRules.length})`);
    for (const r of report.shadowedRules) lines.push(`  ${describeRule(r)}, behind ${r.shadowedBy.map(describeRule).join(' and ')}`);
  }
}

