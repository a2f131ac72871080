/**
 * @module Which node relations with a focus the scope may group (focus-relations.ts), on small
 * hand-made bundles: open relations give the focused workloads related to (ALL for every one), a
 * cluster-wide subject or a node that is not the peer's every address keeps the pod, and a pod
 * with no relation has no key.
 */
import { describe, expect, it } from 'vitest';
import { ingestObjects } from '../ingest/bundle.js';
import { groupWorkloads } from './endpoints.js';
import { ALL, focusRelationKeys, KEEP } from './focus-relations.js';

const NODE = { v4: '192.168.1.1', v6: 'fd00:1::1' };

function pod(name: string, ips: string[], options: { hostNetwork?: boolean; hostIPs?: string[]; labels?: Record<string, string> } = {}) {
  const hostIPs = options.hostIPs ?? [NODE.v4, NODE.v6];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'alpha', labels: options.labels ?? { app: name } },
    spec: { ...(options.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'c' }] },
    status: { phase: 'Running', hostIPs: hostIPs.map((ip) => ({ ip })), podIPs: ips.map((ip) => ({ ip })) },
  };
}

/** Isolates the pods it selects for ingress and egress, allowing nothing. */
const denyAll = (app: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: `deny-${app}`, namespace: 'alpha' },
  spec: { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress', 'Egress'] },
});

const adminSubject = (app: string) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name: `admin-${app}` },
  spec: {
    priority: 1,
    subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app } } } },
    ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
  },
});

/** The relation key of each pod by name, focused on the pods named in `focus` (each its own workload). */
function keysOf(objects: unknown[], focus: string[]): Record<string, unknown> {
  const bundle = ingestObjects(objects).bundle!;
  const groups = groupWorkloads(bundle);
  const focused = focus.map((name) => bundle.pods.findIndex((p) => p.name === name));
  const keys = focusRelationKeys(bundle, focused, groups.workloadOf);
  return Object.fromEntries(bundle.pods.map((p, i) => [p.name, keys[i]]));
}

describe('focus relation keys', () => {
  const agent = pod('agent', [NODE.v4, NODE.v6], { hostNetwork: true });

  it('groups a pod on the focus node, isolated or not, and leaves unrelated pods alone', () => {
    const keys = keysOf([agent, pod('web', ['10.0.0.1', 'fd00::1']), pod('db', ['10.0.0.2']), denyAll('db'), pod('far', ['10.0.0.3'], { hostIPs: ['192.168.1.2'] })], ['agent']);
    expect(keys).toEqual({ agent: undefined, web: ALL, db: ALL, far: undefined });
  });

  it('keeps a cluster-wide subject, and an isolated pod whose node is not the peer in its every family', () => {
    const v4Agent = pod('agent', [NODE.v4], { hostNetwork: true });
    const keys = keysOf([v4Agent, pod('web', ['10.0.0.1', 'fd00::1']), pod('db', ['10.0.0.2', 'fd00::2']), denyAll('db'), pod('api', ['10.0.0.4']), adminSubject('api')], ['agent']);
    expect(keys).toEqual({ agent: undefined, web: ALL, db: KEEP, api: KEEP });
  });

  it('names the focused workloads related to when not every one is', () => {
    const other = pod('other', ['10.0.0.9'], { hostIPs: ['192.168.1.2'] });
    const bundle = ingestObjects([agent, other, pod('web', ['10.0.0.1'])]).bundle!;
    const groups = groupWorkloads(bundle);
    const keys = keysOf([agent, other, pod('web', ['10.0.0.1'])], ['agent', 'other']);
    expect(keys.web).toBe(String(groups.workloadOf[bundle.pods.findIndex((p) => p.name === 'agent')]));
  });
});
