/**
 * @module A focus's scope against the classes of the whole bundle, on random bundles (plain and
 * tiered, up to 14 pods): pods share a peer key exactly when they share a class; every pod is
 * stood for by a pod of its class that is itself when it has a node relation with a focused pod;
 * kept pods of one class stay in one class of the scope (nothing a class key reads is lost with the
 * pods left out; the scope may join classes, since it keeps fewer policies); and every pod that
 * claims an address a kept pod claims is kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestObjects } from '../ingest/bundle.js';
import { bundleObjectsArbitrary } from '../../test/fuzz/arbitraries.js';
import { ruleCuts } from './address-space.js';
import { groupWorkloads } from './endpoints.js';
import { focusScope } from './focus-scope.js';
import { peerKeys } from './peer-keys.js';
import { podClasses } from './pod-classes.js';
import type { Bundle } from '../model/bundle.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

const classesOf = (bundle: Bundle) => podClasses(bundle, { 4: ruleCuts(bundle, 4), 6: ruleCuts(bundle, 6) }).classOf;

function problems(bundle: Bundle): string[] {
  const out: string[] = [];
  const classOf = classesOf(bundle);
  const keys = peerKeys(bundle);
  const { pods } = bundle;
  for (let p = 0; p < pods.length; p++) {
    for (let q = 0; q < p; q++) {
      if ((keys[p] === keys[q]) !== (classOf[p] === classOf[q])) out.push(`${pods[p]!.ref} and ${pods[q]!.ref}: same key ${keys[p] === keys[q]}, same class ${classOf[p] === classOf[q]}`);
    }
  }
  const groups = groupWorkloads(bundle);
  groups.pods.forEach((focused) => {
    const scope = focusScope(bundle, focused);
    const related = (p: number, q: number): boolean =>
      pods[p]!.hostIPs.some((ip) => pods[q]!.ips.includes(ip)) || pods[q]!.hostIPs.some((ip) => pods[p]!.ips.includes(ip));
    const scopedClass = classesOf(scope.bundle);
    const inScope = new Set(scope.original);
    pods.forEach((pod, p) => {
      const standing = scope.original[scope.standsFor[p]!]!;
      if (classOf[standing] !== classOf[p]) out.push(`${pod.ref} stood for by ${pods[standing]!.ref} of another class`);
      if (focused.some((f) => f !== p && related(f, p)) && standing !== p) out.push(`${pod.ref} is node-related to the focus but stood for`);
      if (!inScope.has(p) && pod.ips.some((ip) => scope.original.some((k) => pods[k]!.ips.includes(ip)))) out.push(`${pod.ref} shares an address with the scope but is left out`);
    });
    // Classes of the scope, compared pod by pod with the whole bundle's.
    scope.original.forEach((p, i) => {
      scope.original.forEach((q, j) => {
        if (classOf[p] === classOf[q] && scopedClass[i] !== scopedClass[j]) out.push(`${pods[p]!.ref} and ${pods[q]!.ref} part in the scope`);
      });
    });
  });
  return out;
}

describe('focus scope', () => {
  for (const tiers of [false, true]) {
    it(`keeps every pod's class and node relations with the focus, on ${RUNS} random ${tiers ? 'tiered ' : ''}bundles`, () => {
      fc.assert(
        fc.property(bundleObjectsArbitrary({ tiers, maxPods: 14 }), (objects) => {
          const bundle = ingestObjects(objects).bundle;
          if (!bundle) return;
          const found = problems(bundle);
          if (found.length > 0) throw new Error(found.slice(0, 5).join('\n'));
        }),
        { seed: SEED + (tiers ? 1 : 0), numRuns: RUNS },
      );
    }, 120_000);
  }

  it('stands one pod in for others: some random bundle has a scope smaller than the bundle', () => {
    const smaller = fc.sample(bundleObjectsArbitrary({ maxPods: 14 }), { seed: SEED, numRuns: 20 }).some((objects) => {
      const bundle = ingestObjects(objects).bundle;
      if (!bundle) return false;
      const groups = groupWorkloads(bundle);
      return groups.pods.some((focused) => focusScope(bundle, focused).original.length < bundle.pods.length);
    });
    expect(smaller).toBe(true);
  });
});
