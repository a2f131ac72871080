/**
 * @module Scenarios transcribed from the upstream e2e suite (kubernetes/kubernetes
 * test/e2e/network/netpol/network_policy.go): each keeps the upstream test's title, its policies
 * as YAML, and its full truth table.
 */
import type { BundleCase, CaseGroup } from '../cases/suite.js';
import { clusterManifest, Reachability } from './cluster.js';

const cluster = clusterManifest();

function scenario(name: string, policies: string, probes: BundleCase['flows']): BundleCase {
  return { name, source: 'test/e2e/network/netpol/network_policy.go', manifests: [cluster, policies], flows: probes };
}

export const upstreamE2E: CaseGroup = {
  name: 'upstream e2e netpol',
  cases: [
    scenario(
      "should support a 'default-deny-ingress' policy",
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-ingress
  namespace: x
spec:
  podSelector: {}
  policyTypes: [Ingress]`,
      new Reachability(true).expectPeer({}, { namespace: 'x' }, false).allowLoopback().flows(80),
    ),
  ],
};
