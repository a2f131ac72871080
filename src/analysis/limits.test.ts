import { describe, expect, it } from 'vitest';
import type { Bundle } from '../model/bundle.js';
import { ANALYSIS_LIMITS, AnalysisTooLarge, analysisCacheKey, checkAnalysisSize, checkFocusScope } from './limits.js';

const bundleOf = (pods: number) => ({ pods: new Array(pods).fill({}) }) as unknown as Bundle;

describe('analysis limits', () => {
  it('answers up to the limit and names the CLI command above it', () => {
    expect(() => checkAnalysisSize(bundleOf(ANALYSIS_LIMITS.maxPods), 'connectivity')).not.toThrow();
    const error = (() => {
      try {
        checkAnalysisSize(bundleOf(ANALYSIS_LIMITS.maxPods + 1), 'diff');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AnalysisTooLarge);
    expect((error as AnalysisTooLarge).code).toBe('too-large');
    expect((error as AnalysisTooLarge).command).toBe('netpol-edge diff --output json OLD NEW');
    expect(() => checkAnalysisSize(bundleOf(ANALYSIS_LIMITS.maxPods + 1), 'connectivity', true)).not.toThrow();
  });

  it('takes other limits when given', () => {
    const limits = { maxPods: 2, maxPodsWithFocus: 3, maxFocusScope: 3, maxEndpoints: 10, maxPodsGrouped: 3 };
    expect(() => checkAnalysisSize(bundleOf(2), 'exposure', false, limits)).not.toThrow();
    expect(() => checkAnalysisSize(bundleOf(3), 'exposure', false, limits)).toThrow(/at most 2\. Run it locally: netpol-edge exposure/);
    expect(() => checkAnalysisSize(bundleOf(3), 'connectivity', true, limits)).not.toThrow();
    expect(() => checkAnalysisSize(bundleOf(4), 'connectivity', true, limits)).toThrow(AnalysisTooLarge);
  });

  it('bounds the endpoints of a whole-bundle answer: workloads, and pods no workload owns', () => {
    const pod = (name: string, owner?: string) => ({ namespace: 'ns', name, labels: {}, ...(owner ? { owner: { kind: 'Deployment', name: owner } } : {}) });
    const owned = { pods: [pod('a-1', 'a'), pod('a-2', 'a'), pod('b-1', 'b')] } as unknown as Bundle;
    const bare = { pods: [pod('a-1'), pod('a-2'), pod('b-1')] } as unknown as Bundle;
    const limits = { maxPods: 10, maxPodsWithFocus: 10, maxFocusScope: 10, maxEndpoints: 2, maxPodsGrouped: 10 };
    expect(() => checkAnalysisSize(owned, 'connectivity', false, limits)).not.toThrow();
    expect(() => checkAnalysisSize(bare, 'connectivity', false, limits)).toThrow(/3 workloads and unowned pods; .* at most 2\. Run it locally: netpol-edge list/);
    expect(() => checkAnalysisSize(bare, 'connectivity', true, limits)).not.toThrow();
  });

  it('bounds a grouped answer by pods only: its size does not grow with the endpoints', () => {
    const pod = (name: string) => ({ namespace: 'ns', name, labels: {} });
    const bare = { pods: [pod('a'), pod('b'), pod('c')] } as unknown as Bundle;
    const limits = { maxPods: 1, maxPodsWithFocus: 1, maxFocusScope: 1, maxEndpoints: 1, maxPodsGrouped: 3 };
    expect(() => checkAnalysisSize(bare, 'connectivity-grouped', false, limits)).not.toThrow();
    expect(() => checkAnalysisSize(bare, 'connectivity-grouped', false, { ...limits, maxPodsGrouped: 2 })).toThrow(
      /3 pods; a namespace-grouped connectivity answer is computed here for at most 2\. Run it locally: netpol-edge list/,
    );
  });

  it('bounds the scope a focus is decided on, and names the focused command above it', () => {
    expect(ANALYSIS_LIMITS.maxFocusScope).toBeLessThan(ANALYSIS_LIMITS.maxPodsWithFocus);
    const limits = { ...ANALYSIS_LIMITS, maxFocusScope: 3 };
    expect(() => checkFocusScope(bundleOf(3), 'ns1/web', limits)).not.toThrow();
    const error = (() => {
      try {
        checkFocusScope(bundleOf(4), 'ns1/web', limits);
      } catch (e) {
        return e;
      }
    })() as AnalysisTooLarge;
    expect(error).toBeInstanceOf(AnalysisTooLarge);
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/focus=ns1\/web is decided on 4 pods .* at most 3\. Run it locally: netpol-edge list --focus ns1\/web/);
    expect(error.command).toBe('netpol-edge list --focus ns1/web --output json MANIFEST...');
  });

  it('keys answers by kind, versions, parameters in a fixed order, and the limits', () => {
    const limits = 'maxEndpoints:500,maxFocusScope:10000,maxPods:2000,maxPodsGrouped:10000,maxPodsWithFocus:20000';
    expect(analysisCacheKey('connectivity', ['sha256:a'], { format: 'svg', focus: 'ns/web', version: undefined }, ANALYSIS_LIMITS)).toBe(
      `analysis/connectivity/sha256:a?focus=ns%2Fweb&format=svg&limits=${limits}`,
    );
    expect(analysisCacheKey('diff', ['sha256:a', 'sha256:b'], {}, ANALYSIS_LIMITS)).toBe(`analysis/diff/sha256:a..sha256:b?limits=${limits}`);
    for (const name of Object.keys(ANALYSIS_LIMITS) as (keyof typeof ANALYSIS_LIMITS)[]) {
      const tighter = { ...ANALYSIS_LIMITS, [name]: ANALYSIS_LIMITS[name] - 1 };
      expect(analysisCacheKey('exposure', ['sha256:a'], {}, tighter), name).not.toBe(analysisCacheKey('exposure', ['sha256:a'], {}, ANALYSIS_LIMITS));
    }
  });

});
