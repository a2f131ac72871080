import { describe, expect, it } from 'vitest';
import { loadCoreModule } from '../engine/node-core.js';
import { ingestSources } from '../ingest/bundle.js';
import { analyzeConnectivity } from './connectivity.js';
import { wasmDecider } from './decider.js';
import { endpointLabel } from './endpoints.js';
import { connSetOf, unionConnSets, connSetKey } from './conn-set.js';
import { podYaml as pod } from '../../test/cases/manifests.js';

function list(yaml: string): Map<string, string> {
  const bundle = ingestSources([{ name: 'test.yaml', text: yaml }]).bundle!;
  const { connections } = analyzeConnectivity(bundle, wasmDecider(loadCoreModule(), bundle));
  return new Map(connections.map((c) => [`${endpointLabel(c.src)} => ${endpointLabel(c.dst)}`, JSON.stringify(c.set.ports)]));
}

describe('connectivity details', () => {
  it('cuts the port space at a named port on the destination, and only there', () => {
    const yaml = `${pod('a', 'client', '{app: client}', '10.0.0.1')}${pod('a', 'server', '{app: server}', '10.0.0.2', '[{name: http, containerPort: 8081}]')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: http-only, namespace: a}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{ports: [{port: http}]}]
`;
    expect(list(yaml).get('a/client[Pod] => a/server[Pod]')).toBe(JSON.stringify({ TCP: [[8081, 8081]], UDP: [], SCTP: [] }));
  });

  it('groups replicas under their Deployment (through the ReplicaSet named in ownerReferences)', () => {
    const owned = (name: string, ip: string) =>
      pod('a', name, '{app: web, pod-template-hash: 5d8f7c9b4}', ip).replace('metadata: {', 'metadata: {ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7c9b4, uid: u1}], ');
    const yaml = `${owned('web-5d8f7c9b4-aaaaa', '10.0.0.1')}${owned('web-5d8f7c9b4-bbbbb', '10.0.0.2')}${pod('a', 'lone', '{}', '10.0.0.3')}`;
    const keys = [...list(yaml).keys()];
    expect(keys).toContain('a/web[Deployment] => a/lone[Pod]');
    expect(keys).not.toContain('a/web[Deployment] => a/web[Deployment]');
  });

  it('splits the IPv6 outside world at an ipBlock and its except', () => {
    const yaml = `${pod('a', 'db', '{app: db}', 'fd00::5')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-corp, namespace: a}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: '2001:db8::/32', except: ['2001:db8:1::/48']}}], ports: [{port: 5432}]}]
`;
    const got = list(yaml);
    expect(got.get('2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:ffff,2001:db8:2::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff => a/db[Pod]')).toBe(
      JSON.stringify({ TCP: [[5432, 5432]], UDP: [], SCTP: [] }),
    );
  });

  it('merges port ranges and knows "all"', () => {
    const set = unionConnSets(connSetOf({ TCP: [[1, 79]] }), connSetOf({ TCP: [[80, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] }));
    expect(set.all).toBe(true);
    expect(connSetKey(connSetOf({ UDP: [[53, 53], [54, 60], [10, 20]] }))).toBe('|10-20,53-60|');
  });
});
