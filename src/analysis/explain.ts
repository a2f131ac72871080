/**
 * @module Why a connection is allowed: per direction, the rules (or the reasons without a rule:
 * not isolated, the pod's own node, outside the cluster, loopback) that allow the representative
 * flows behind it, at each allowed port interval. Explanations as data; format/ renders them.
 */
import type { Bundle } from '../model/bundle.js';
import type { Verdict } from '../model/decision.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import { formatIP } from '../net/ip.js';
import type { Connection, ConnectivityResult } from './connectivity.js';
import type { Decider, RecordEndpoint } from './decider.js';
import type { PodPairs } from './pod-pairs.js';
import { RecentCache } from './recent-cache.js';

export interface ConnectionExplanation {
  readonly egress: readonly string[];
  readonly ingress: readonly string[];
}

export function explainConnections(bundle: Bundle, decider: Decider, result: ConnectivityResult): Map<Connection, ConnectionExplanation> {
  const explain = connectionExplainer(bundle, decider, result.pairs);
  return new Map(result.connections.map((connection) => [connection, explain(connection)]));
}

/**
 * How many representatives' verdicts the explainer keeps (twice this, in two generations): a full
 * list at size L has millions of connections, and every new representative would stay otherwise.
 */
export const EXPLAIN_CACHE_ENTRIES = 50_000;

/**
 * Explains connections one at a time, while the state behind them lives (a streamed list's
 * batch); the verdicts of each representative flow are kept for the connections after it, the
 * most recently used ones only (decided again when needed: the same verdicts).
 */
export function connectionExplainer(
  bundle: Bundle,
  decider: Decider,
  pairs: PodPairs,
  cacheEntries = EXPLAIN_CACHE_ENTRIES,
): (connection: Connection) => ConnectionExplanation {
  const spec = (endpoint: RecordEndpoint): EndpointSpec =>
    'pod' in endpoint ? { kind: 'ref', ref: bundle.pods[endpoint.pod]!.ref } : { kind: 'ip', ip: formatIP(endpoint.ip) };
  const cache = new RecentCache<string, Verdict[]>(cacheEntries);
  const decide = (key: string): Verdict[] => {
    const pattern = pairs.representativePattern(key);
    const flows: Flow[] = pairs.representativeFlows(key).flatMap(([src, dst]) =>
      pairs.store.intervals
        .filter((_, i) => pairs.store.allows(pattern, i))
        .map((interval) => ({ src: spec(src), dst: spec(dst), protocol: interval.protocol, port: interval.from })),
    );
    return decider.decideFlows(flows).filter((verdict) => verdict.allowed);
  };
  return (connection) => {
    const egress = new Set<string>();
    const ingress = new Set<string>();
    for (const key of connection.representatives ?? []) {
      if (key === 'loopback') {
        egress.add('loopback: a pod may always talk to itself');
        ingress.add('loopback: a pod may always talk to itself');
        continue;
      }
      for (const verdict of cache.get(key, decide)) {
        egress.add(sideText(verdict.egress));
        ingress.add(sideText(verdict.ingress));
      }
    }
    return { egress: [...egress].sort(), ingress: [...ingress].sort() };
  };
}

function sideText(side: Verdict['egress']): string {
  if (!side) return 'loopback';
  const passed = side.passedBy ? ` (after ${side.passedBy.kind} ${side.passedBy.name} rule ${side.passedBy.ruleName} passed)` : '';
  switch (side.reason) {
    case 'allowed-by-rule':
      return `NetworkPolicy ${side.allowedBy!.policy.namespace}/${side.allowedBy!.policy.name} ${side.direction} rule ${side.allowedBy!.rule}${passed}`;
    case 'admin-allowed':
    case 'baseline-allowed':
      return `${side.decidedBy!.kind} ${side.decidedBy!.name} ${side.direction} rule ${side.decidedBy!.ruleName}${passed}`;
    case 'not-isolated':
      return `not isolated for ${side.direction}${passed}`;
    case 'node':
      return `the pod's own node${passed}`;
    case 'host-network':
      return 'host network: no policy selects it';
    case 'outside-cluster':
      return 'outside the cluster: no policy of its own';
    default:
      return side.reason;
  }
}
