/**
 * @module Warnings about valid bundles that probably do not do what their author meant. They never
 * change a decision; `netpol-edge validate` prints them.
 */
import type { Bundle, NetworkPolicy, PortMatch } from '../model/bundle.js';
import type { Diagnostic } from './diagnostics.js';

const DNS_PORT = 53;
/** The port names kube-dns and CoreDNS give port 53, which named-port rules use. */
const DNS_PORT_NAMES = new Set(['dns', 'dns-tcp']);

export function lintBundle(bundle: Bundle): Diagnostic[] {
  return warnAboutEgressWithoutDNS(bundle.policies);
}

function allowsDNS(port: PortMatch): boolean {
  if (port.protocol !== 'UDP' && port.protocol !== 'TCP') return false;
  if (port.kind === 'all') return true;
  if (port.kind === 'named') return DNS_PORT_NAMES.has(port.name);
  return port.from <= DNS_PORT && DNS_PORT <= port.to;
}

/**
 * A policy that isolates pods for egress, in a namespace where no egress rule allows port 53: the
 * pods cannot resolve names, the most common surprise of a default-deny-egress.
 */
function warnAboutEgressWithoutDNS(policies: readonly NetworkPolicy[]): Diagnostic[] {
  const namespacesWithDNS = new Set<string>();
  for (const policy of policies) {
    if (!policy.affectsEgress) continue;
    if (policy.egress.some((rule) => rule.ports === null || rule.ports.some(allowsDNS))) {
      namespacesWithDNS.add(policy.namespace);
    }
  }
  return policies
    .filter((policy) => policy.affectsEgress && !namespacesWithDNS.has(policy.namespace))
    .map((policy) => ({
      severity: 'warning',
      code: 'suspicious',
      object: { kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name },
      path: 'spec.policyTypes',
      message:
        `isolates pods for egress, and no egress rule in namespace ${policy.namespace} allows DNS ` +
        `(port ${DNS_PORT}); the pods it selects cannot resolve names`,
    }));
}
