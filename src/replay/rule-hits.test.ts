import { describe, expect, it } from 'vitest';
import type { SideVerdict, Verdict } from '../model/decision.js';
import { RuleHits } from './rule-hits.js';

const allowedBy = (name: string, rule: number): Omit<SideVerdict, 'isolatedBy'> => ({
  direction: 'ingress', allowed: true, reason: 'allowed-by-rule', allowedBy: { policy: { namespace: 'ns', name }, rule },
});
const verdict = (ingress: Omit<SideVerdict, 'isolatedBy'>): Verdict => ({ allowed: true, reason: 'allowed', deniedBy: [], ingress });

describe('RuleHits', () => {
  it('counts the deciding and passing rules of each side, bounded', () => {
    const hits = new RuleHits(1);
    const pass = { kind: 'AdminNetworkPolicy', name: 'a', rule: 2, ruleName: 'r', action: 'Pass' } as const;
    hits.count({ ...verdict(allowedBy('p', 0)), ingress: { ...allowedBy('p', 0), passedBy: pass } }, 'f', 1);
    expect(hits.toJSON()).toEqual([
      { kind: 'AdminNetworkPolicy', name: 'a', direction: 'ingress', rule: 2, ruleName: 'r', flows: 1, firstSeen: { file: 'f', line: 1 }, lastSeen: { file: 'f', line: 1 } },
    ]);
    expect(hits.otherFlows).toBe(1); // the NetworkPolicy rule, past the bound of one rule
    expect(hits.boundReached).toBe(true);
  });
});
