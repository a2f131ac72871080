/**
 * @module Rule hit counts: how many replayed flows each policy rule decided, first and last seen,
 * and the rules no replayed flow was decided by (unused).
 *
 * What "decided" means, per side of a judged flow (the verdicts carry it):
 * - a NetworkPolicy rule decided a side when it is that side's `allowedBy`: the FIRST rule that
 *   allows the flow, in policy order then rule order. A later rule that would also allow it is not
 *   counted; a side denied by a NetworkPolicy was decided by no rule (no rule matched).
 * - an AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy rule decided a side
 *   when it is that side's `decidedBy` (the first matching Allow or Deny of its tier) or its
 *   `passedBy` (the first matching admin rule, a Pass, that handed the flow to the tiers below).
 * A flow has two sides, so it can count for two rules (an egress rule and an ingress rule).
 * Unused rules are the bundle's rules that decided no replayed side: candidates for removal,
 * with the caveat above that a rule always preceded by another allowing rule never counts.
 */
import { DECISION_CODE, NONE, SIDE_CODE, VERDICT_RECORD, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import type { Bundle } from '../model/bundle.js';
import type { ClusterRuleRef, Direction, RuleRef, Verdict } from '../model/decision.js';
import { isEarlier, isLater, sightingJSON, type Sighting, type SightingJSON } from './sighting.js';

export type { Sighting } from './sighting.js';

/** A policy rule; `rule` indexes spec.ingress or spec.egress per `direction`. */
export interface PolicyRuleRef {
  readonly kind: 'NetworkPolicy' | ClusterRuleRef['kind'];
  /** NetworkPolicies only: cluster-wide policies have no namespace. */
  readonly namespace?: string;
  readonly name: string;
  readonly direction: Direction;
  readonly rule: number;
  /** Cluster-wide (v1alpha1/v1alpha2) rules only. */
  readonly ruleName?: string;
}

export interface RuleHitsJSON extends PolicyRuleRef {
  /** Sides of judged flows this rule decided (see the module comment). */
  readonly flows: number;
  /** By time when the log has times (see sighting.ts), else in reading order. */
  readonly firstSeen: SightingJSON;
  readonly lastSeen: SightingJSON;
}

/**
 * Distinct rules counted; past it, hits on new rules are only added to `otherFlows`. A bundle's
 * own rules are far fewer; the bound matters for remote verdicts, whose rules come from the service.
 */
export const MAX_COUNTED_RULES = 100_000;

interface Counter {
  readonly ref: PolicyRuleRef;
  flows: number;
  firstSeen: Sighting;
  lastFile: string;
  lastLine: number;
  lastTime: number | undefined;
}

/** Who names the rules of verdict records' rule ids: the engine whose image answered them. */
export interface RuleSource {
  networkRuleRef(rule: number): RuleRef;
  clusterRuleRef(rule: number): ClusterRuleRef;
}

export function ruleKey(ref: PolicyRuleRef): string {
  return `${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}\u0000${ref.direction}\u0000${ref.rule}`;
}

function networkPolicyRule(allowedBy: RuleRef, direction: Direction): PolicyRuleRef {
  return { kind: 'NetworkPolicy', namespace: allowedBy.policy.namespace, name: allowedBy.policy.name, direction, rule: allowedBy.rule };
}

function clusterRule(ref: ClusterRuleRef, direction: Direction): PolicyRuleRef {
  return { kind: ref.kind, name: ref.name, direction, rule: ref.rule, ruleName: ref.ruleName };
}

/** Every rule of a bundle, in bundle order: NetworkPolicies, then cluster-wide policies. */
export function bundleRules(bundle: Bundle): PolicyRuleRef[] {
  const rules: PolicyRuleRef[] = [];
  for (const policy of bundle.policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      policy[direction].forEach((_, rule) => rules.push({ kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name, direction, rule }));
    }
  }
  for (const policy of bundle.clusterPolicies) {
    for (const direction of ['ingress', 'egress'] as const) {
      policy[direction].forEach((r, rule) => rules.push({ kind: policy.kind, name: policy.name, direction, rule, ruleName: r.name }));
    }
  }
  return rules;
}

/** A counter as a worker hands it over: its sightings keep their numeric times (replay --jobs). */
export interface RuleCounterPart {
  readonly ref: PolicyRuleRef;
  readonly flows: number;
  readonly firstSeen: Sighting;
  readonly lastSeen: Sighting;
}

/** Rule counters in the order their rules first decided a flow (replay --jobs). */
export interface RuleHitsPart {
  readonly otherFlows: number;
  readonly counters: readonly RuleCounterPart[];
}

export class RuleHits {
  /**
   * Counters by the policy's namespace (NetworkPolicies) or kind (cluster-wide policies: a kind
   * is never a namespace name), then its name, then `2 * rule + (egress ? 1 : 0)`: a hit looks up
   * strings the verdict already holds, and builds nothing unless the rule is new.
   */
  private readonly counters = new Map<string, Map<string, Counter[]>>();
  /** The same counters, in the order their rules first decided a flow. */
  private readonly order: Counter[] = [];
  /** Hits on rules past MAX_COUNTED_RULES. */
  otherFlows = 0;
  /** For countRecord: the image whose rule ids `byNetworkRule` and `byClusterRule` index (`2 * id + egress`). */
  private codeSource: RuleSource | undefined;
  private byNetworkRule: Counter[] = [];
  private byClusterRule: Counter[] = [];
  /** A view of the verdict records countRecord last read. */
  private viewed: Uint8Array | undefined;
  private view: DataView | undefined;

  constructor(private readonly maxRules = MAX_COUNTED_RULES) {}

  /**
   * Counts the rules that decided one judged flow (see the module comment), read at `file`:`line`,
   * at `time` (until `timeEnd`, a VPC record's window) when the record has one.
   */
  count(verdict: Verdict, file: string, line: number, time?: number, timeEnd?: number): void {
    const until = timeEnd ?? time;
    for (const side of [verdict.egress, verdict.ingress]) {
      if (!side) continue;
      const { direction } = side;
      if (side.passedBy) this.hit(side.passedBy.kind, side.passedBy.name, direction, side.passedBy.rule, 1, file, line, time, until, side.passedBy);
      if (side.decidedBy) this.hit(side.decidedBy.kind, side.decidedBy.name, direction, side.decidedBy.rule, 1, file, line, time, until, side.decidedBy);
      const allowed = side.allowedBy;
      if (allowed) this.hit(allowed.policy.namespace, allowed.policy.name, direction, allowed.rule, 1, file, line, time, until, allowed);
    }
  }

  /**
   * `count` for `flows` flows of verdict record i of `verdicts` (status OK), answered by
   * `source`'s image, all seen at `file`:`line` (ServiceRuns counts many flows at one place, and
   * none at others where they move only sightings): the same rules counted in the same order,
   * found by the record's rule ids; a rule's counter is looked up by name only the first time its
   * id is met.
   */
  countRecord(source: RuleSource, verdicts: Uint8Array, i: number, flows: number, file: string, line: number, time?: number, timeEnd?: number): void {
    const at = i * VERDICT_RECORD_BYTES;
    if (verdicts[at + VERDICT_RECORD.DECISION] === DECISION_CODE.LOOPBACK) return;
    if (source !== this.codeSource) {
      this.codeSource = source;
      this.byNetworkRule = [];
      this.byClusterRule = [];
    }
    if (verdicts !== this.viewed) {
      this.viewed = verdicts;
      this.view = new DataView(verdicts.buffer, verdicts.byteOffset, verdicts.byteLength);
    }
    const view = this.view!;
    const until = timeEnd ?? time;
    for (let egress = 1; egress >= 0; egress--) {
      const passed = view.getUint32(at + (egress ? VERDICT_RECORD.EGRESS_PASSED : VERDICT_RECORD.INGRESS_PASSED), true);
      const rule = view.getUint32(at + (egress ? VERDICT_RECORD.EGRESS_RULE : VERDICT_RECORD.INGRESS_RULE), true);
      if (passed !== NONE) this.hitCode(false, passed, egress, flows, file, line, time, until);
      if (rule === NONE) continue;
      const code = verdicts[at + (egress ? VERDICT_RECORD.EGRESS_REASON : VERDICT_RECORD.INGRESS_REASON)];
      this.hitCode(code === SIDE_CODE.ALLOWED_BY_RULE, rule, egress, flows, file, line, time, until);
    }
  }

  private hitCode(network: boolean, id: number, egress: number, flows: number, file: string, line: number, time: number | undefined, until: number | undefined): void {
    const cache = network ? this.byNetworkRule : this.byClusterRule;
    const slot = 2 * id + egress;
    const known = cache[slot];
    if (known !== undefined) {
      touch(known, flows, file, line, time, until);
      return;
    }
    const source = this.codeSource!;
    const direction: Direction = egress ? 'egress' : 'ingress';
    let counter: Counter | undefined;
    if (network) {
      const ref = source.networkRuleRef(id);
      counter = this.hit(ref.policy.namespace, ref.policy.name, direction, ref.rule, flows, file, line, time, until, ref);
    } else {
      const ref = source.clusterRuleRef(id);
      counter = this.hit(ref.kind, ref.name, direction, ref.rule, flows, file, line, time, until, ref);
    }
    if (counter !== undefined) cache[slot] = counter;
  }

  /** Counts `flows` hits seen at one place; the rule's counter, or undefined when it is past the bound. */
  private hit(
    scope: string,
    name: string,
    direction: Direction,
    rule: number,
    flows: number,
    file: string,
    line: number,
    time: number | undefined,
    until: number | undefined,
    source: RuleRef | ClusterRuleRef,
  ): Counter | undefined {
    const slots = this.slotsOf(scope, name);
    const slot = 2 * rule + (direction === 'egress' ? 1 : 0);
    const counter = slots[slot];
    if (counter) {
      touch(counter, flows, file, line, time, until);
      return counter;
    }
    if (this.order.length < this.maxRules) {
      const ref = 'policy' in source ? networkPolicyRule(source, direction) : clusterRule(source, direction);
      const created = { ref, flows, firstSeen: { file, line, time }, lastFile: file, lastLine: line, lastTime: until };
      this.order.push((slots[slot] = created));
      return created;
    }
    this.otherFlows += flows;
    return undefined;
  }

  private slotsOf(scope: string, name: string): Counter[] {
    let byName = this.counters.get(scope);
    if (!byName) this.counters.set(scope, (byName = new Map()));
    let slots = byName.get(name);
    if (!slots) byName.set(name, (slots = []));
    return slots;
  }

  toPart(): RuleHitsPart {
    return { otherFlows: this.otherFlows, counters: this.order.map((c) => ({ ref: c.ref, flows: c.flows, firstSeen: c.firstSeen, lastSeen: lastSighting(c) })) };
  }

  /**
   * Adds the hits of the input that follows, sightings combined as `hit` would have combined them
   * one flow at a time. Exact when `part` was counted without a bound (as workers count): its rules
   * come in first-hit order, so the bound keeps the rules one counter reading everything would.
   */
  merge(part: RuleHitsPart): void {
    this.otherFlows += part.otherFlows;
    for (const { ref, flows, firstSeen, lastSeen } of part.counters) {
      const slots = this.slotsOf(ref.namespace ?? ref.kind, ref.name);
      const slot = 2 * ref.rule + (ref.direction === 'egress' ? 1 : 0);
      const counter = slots[slot];
      if (counter) {
        counter.flows += flows;
        if (isEarlier(firstSeen, counter.firstSeen)) counter.firstSeen = firstSeen;
        if (isLater(lastSeen.time, counter.lastTime)) {
          counter.lastFile = lastSeen.file;
          counter.lastLine = lastSeen.line;
          counter.lastTime = lastSeen.time;
        }
      } else if (this.order.length < this.maxRules) {
        this.order.push((slots[slot] = { ref, flows, firstSeen, lastFile: lastSeen.file, lastLine: lastSeen.line, lastTime: lastSeen.time }));
      } else {
        this.otherFlows += flows;
      }
    }
  }

  get boundReached(): boolean {
    return this.otherFlows > 0;
  }

  /** Rules that decided at least one flow, most flows first (ties in rule order). */
  toJSON(): RuleHitsJSON[] {
    return [...this.order]
      .sort((a, b) => b.flows - a.flows || (ruleKey(a.ref) < ruleKey(b.ref) ? -1 : 1))
      .map((c) => ({ ...c.ref, flows: c.flows, firstSeen: sightingJSON(c.firstSeen), lastSeen: sightingJSON(lastSighting(c)) }));
  }

  /** Of a bundle's rules (bundleRules, here or from a service), those that decided no replayed flow, in order. */
  unusedAmong(rules: readonly PolicyRuleRef[]): PolicyRuleRef[] {
    const hit = new Set(this.order.map((c) => ruleKey(c.ref)));
    return rules.filter((ref) => !hit.has(ruleKey(ref)));
  }
}

/** `flows` more hits of a counted rule, seen at `file`:`line` at `time` (until `until`). */
function touch(counter: Counter, flows: number, file: string, line: number, time: number | undefined, until: number | undefined): void {
  counter.flows += flows;
  if (time !== undefined && (counter.firstSeen.time === undefined || time < counter.firstSeen.time)) counter.firstSeen = { file, line, time };
  if (isLater(until, counter.lastTime)) {
    counter.lastFile = file;
    counter.lastLine = line;
    counter.lastTime = until;
  }
}

function lastSighting(c: Counter): Sighting {
  return { file: c.lastFile, line: c.lastLine, time: c.lastTime };
}

/** `NetworkPolicy prod/web ingress rule 0`, `AdminNetworkPolicy a egress rule 2 (deny-all)`. */
export function describeRule(ref: PolicyRuleRef): string {
  const name = ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`;
  return `${ref.kind} ${name} ${ref.direction} rule ${ref.rule}${ref.ruleName ? ` (${ref.ruleName})` : ''}`;
}
