import { describe, expect, it } from 'vitest';
import { wholeListRefusal } from './limits.js';
import type { AnalysisLimits, BundleInfo, VersionCounts } from './types.js';

const limits: AnalysisLimits = { maxPods: 2_000, maxPodsWithFocus: 100_000, maxFocusScope: 20_000, maxEndpoints: 500, maxPodsGrouped: 10_000 };

function infoWith(counts: VersionCounts | null): BundleInfo {
  return { name: 'm', active: 'sha256:a', versions: [{ version: 'sha256:a', createdAt: '2026-11-30T00:00:00Z', counts }] };
}

describe('whole list refused before asking', () => {
  it('refuses above the pod limit, counting workload-created pods, with the CLI command', () => {
    expect(wholeListRefusal(infoWith({ pods: 1_000, workloadPods: 1_001 }), 'sha256:a', limits)).toBe(
      'the version has 2001 pods; a whole-bundle connectivity answer is computed here for at most 2000. Run it locally: netpol-edge list --output json MANIFEST...',
    );
    expect(wholeListRefusal(infoWith({ pods: 2_001 }), 'sha256:a', limits)).toContain('2001 pods');
  });

  it('asks the Worker when at the limit, when the counts or limits are unknown, or for another version', () => {
    expect(wholeListRefusal(infoWith({ pods: 1_000, workloadPods: 1_000 }), 'sha256:a', limits)).toBeNull();
    expect(wholeListRefusal(infoWith({ pods: 5_000 }), 'sha256:a', null)).toBeNull();
    expect(wholeListRefusal(infoWith(null), 'sha256:a', limits)).toBeNull();
    expect(wholeListRefusal(infoWith({ pods: '5000' }), 'sha256:a', limits)).toBeNull();
    expect(wholeListRefusal(infoWith({ pods: 5_000 }), 'sha256:b', limits)).toBeNull();
  });
});
