/**
 * @module The shared case suites (upstream e2e truth tables, the concept page, tiers, the article,
 * semantics.md) through the connectivity analysis: for each case's flows between pods and outside
 * addresses, `list` allows the flow's port exactly when the case says it is allowed.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity } from '../src/analysis/connectivity.js';
import { connSetAllows } from '../src/analysis/conn-set.js';
import { wasmDecider } from '../src/analysis/decider.js';
import { endpointKey, isExternal, type AnalysisEndpoint } from '../src/analysis/endpoints.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { decodeFlow } from '../src/flow/decode.js';
import { ingestSources } from '../src/ingest/bundle.js';
import { formatIP, parseIP } from '../src/net/ip.js';
import { EndpointResolver } from '../src/engine/endpoints.js';
import { placeFlow, type Endpoint } from '../src/reference/endpoints.js';
import { articleExamples } from './cases/article.js';
import { semanticsCases } from './cases/semantics.js';
import { describeFlow, type BundleCase, type CaseGroup } from './cases/suite.js';
import { tierCases } from './cases/tiers.js';
import { conceptPage } from './conformance/concept-page.js';
import { tierConformance } from './conformance/tiers.js';
import { upstreamE2E } from './conformance/upstream-e2e.js';

const GROUPS: readonly CaseGroup[] = [upstreamE2E, conceptPage, tierConformance, articleExamples, semanticsCases, tierCases];

function mismatches(testCase: BundleCase): { problems: string[]; checked: number } {
  const ingested = ingestSources(testCase.manifests.map((text, i) => ({ name: `${testCase.name}#${i + 1}`, text })), { options: testCase.options });
  const bundle = ingested.bundle;
  if (!bundle) return { problems: ['bundle does not ingest'], checked: 0 };
  const result = analyzeConnectivity(bundle, wasmDecider(loadCoreModule(), bundle), { includeSelf: true });
  const podIndex = new Map(bundle.pods.map((p, i) => [p, i]));
  const externals = [...new Set(result.connections.flatMap((c) => [c.src, c.dst]).filter(isExternal))];
  const endpointOf = (endpoint: Endpoint): AnalysisEndpoint | 'none' | undefined => {
    if (endpoint.kind === 'external') {
      const { family, value } = endpoint.ip;
      const found = externals.find((e) =>
        e.external.some((range) => {
          const [lo, hi] = range.split('-').map((t) => parseIP(t)!);
          return lo!.family === family && lo!.value <= value && value <= hi!.value;
        }),
      );
      return found ?? 'none';
    }
    if (!endpoint.pod) return undefined; // an ad-hoc pod is not in the analysis
    return result.groups.workloads[result.groups.workloadOf[podIndex.get(endpoint.pod)!]!];
  };
  const sets = new Map(result.connections.map((c) => [`${endpointKey(c.src)} ${endpointKey(c.dst)}`, c.set]));
  const problems: string[] = [];
  let checked = 0;
  const resolver = new EndpointResolver(bundle.pods);
  for (const flowCase of testCase.flows) {
    const flow = decodeFlow(flowCase);
    const { src, dst } = placeFlow(bundle, resolver.resolve(flow));
    if (src.kind === 'external' && dst.kind === 'external') continue;
    const from = endpointOf(src);
    const to = endpointOf(dst);
    if (from === undefined || to === undefined) continue;
    const single = [src, dst].every((e) => e.kind === 'external' || result.groups.pods[result.groups.workloadOf[podIndex.get(e.pod!)!]!]!.length === 1);
    // Between two dual-stack pods the list holds what either family allows (docs/semantics.md).
    const families = new Set([src, dst].flatMap((e) => (e.kind === 'pod' && e.pod && !e.pod.hostNetwork ? e.pod.ips.map((ip) => parseIP(ip)!.family) : [])));
    const uniform = single && (src.kind === 'external' || dst.kind === 'external' || families.size <= 1);
    const set = from === 'none' || to === 'none' ? undefined : sets.get(`${endpointKey(from)} ${endpointKey(to)}`);
    const listed = set !== undefined && connSetAllows(set, flow.protocol, flow.port);
    checked++;
    // A workload of several pods lists what any pod pair allows: a denied pair may still be listed;
    // so does a pair of dual-stack pods in the family the case's flow did not use.
    if (listed !== flowCase.allowed && (uniform || flowCase.allowed)) {
      const at = (e: Endpoint) => (e.kind === 'external' ? formatIP(e.ip) : e.pod!.ref);
      problems.push(`${describeFlow(flowCase)} (${at(src)} -> ${at(dst)}): case says ${flowCase.allowed}, list says ${listed}`);
    }
  }
  return { problems, checked };
}

describe('connectivity of every shared case equals its truth table', () => {
  for (const group of GROUPS) {
    describe(group.name, () => {
      for (const testCase of group.cases) {
        it(testCase.name, () => {
          const { problems } = mismatches(testCase);
          expect(problems, problems.join('\n')).toEqual([]);
        });
      }
    });
  }

  it('checks most flows of the suites (ad-hoc pods and outside-to-outside flows are not in the analysis)', () => {
    const totals = GROUPS.flatMap((g) => g.cases).reduce(
      (acc, c) => ({ flows: acc.flows + c.flows.length, checked: acc.checked + mismatches(c).checked }),
      { flows: 0, checked: 0 },
    );
    expect(totals.checked).toBeGreaterThan(totals.flows * 0.8);
  });
});
