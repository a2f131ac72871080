/**
 * @module The port space cut into intervals that every rule treats alike: per protocol, cut at each
 * numeric port and range (endPort, v1alpha2 ranges) of every rule, and at the number of every named
 * container port a rule can name (named ports resolve on the destination pod). A decision taken at
 * an interval's first port holds for the whole interval.
 */
import { PROTOCOLS, type Bundle, type Protocol } from '../model/bundle.js';
import { MAX_PORT } from './conn-set.js';

export interface PortInterval {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
}

/** Every interval of every protocol, TCP first, each protocol's in port order. */
export function portIntervals(bundle: Bundle): PortInterval[] {
  const starts: Record<Protocol, Set<number>> = { TCP: new Set([1]), UDP: new Set([1]), SCTP: new Set([1]) };
  const cut = (protocol: Protocol, from: number, to: number): void => {
    starts[protocol].add(from);
    if (to < MAX_PORT) starts[protocol].add(to + 1);
  };
  const names = new Set<string>();
  for (const policy of bundle.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const port of rule.ports ?? []) {
        if (port.kind === 'range') cut(port.protocol, port.from, port.to);
        else if (port.kind === 'named') names.add(port.name);
      }
    }
  }
  for (const policy of bundle.clusterPolicies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const port of rule.ports ?? []) {
        if (port.kind === 'number') cut(port.protocol, port.port, port.port);
        else if (port.kind === 'range') cut(port.protocol, port.from, port.to);
        else names.add(port.name);
      }
    }
  }
  for (const pod of bundle.pods) {
    for (const port of pod.ports) if (port.name !== undefined && names.has(port.name)) cut(port.protocol, port.port, port.port);
  }
  return PROTOCOLS.flatMap((protocol) => {
    const sorted = [...starts[protocol]].sort((a, b) => a - b);
    return sorted.map((from, i) => ({ protocol, from, to: i + 1 < sorted.length ? sorted[i + 1]! - 1 : MAX_PORT }));
  });
}

/** Port names some rule refers to: only these make a pod's container ports matter. */
export function referencedPortNames(bundle: Bundle): Set<string> {
  const names = new Set<string>();
  for (const policy of [...bundle.policies, ...bundle.clusterPolicies]) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const port of rule.ports ?? []) if (port.kind === 'named') names.add(port.name);
    }
  }
  return names;
}
