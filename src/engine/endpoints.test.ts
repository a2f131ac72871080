import { describe, expect, it } from 'vitest';
import { FlowError } from '../model/errors.js';
import type { EndpointSpec } from '../model/flow.js';
import { EndpointResolver } from './endpoints.js';

const resolver = new EndpointResolver([
  { ref: 'ns/a', namespace: 'ns', name: 'a' },
  { ref: 'ns/deployment/web', namespace: 'ns', name: 'web', workload: 'Deployment' },
  { ref: 'ns/deployment/db', namespace: 'ns', name: 'db', workload: 'Deployment' },
  { ref: 'ns/statefulset/db', namespace: 'ns', name: 'db', workload: 'StatefulSet' },
]);
const ref = (text: string): EndpointSpec => ({ kind: 'ref', ref: text });
const ip = (text: string): EndpointSpec => ({ kind: 'ip', ip: text });

describe('EndpointResolver', () => {
  it('names pods by index: by reference, or by the name of the one workload so named', () => {
    expect(resolver.resolveEndpoint(ref('ns/a'), 'src')).toEqual({ kind: 'pod', index: 0 });
    expect(resolver.resolveEndpoint(ref('ns/web'), 'src')).toEqual({ kind: 'pod', index: 1 });
    expect(resolver.resolveEndpoint(ref('ns/statefulset/db'), 'src')).toEqual({ kind: 'pod', index: 3 });
  });

  it('refuses an unknown name, a name several workloads share, and text that is no address', () => {
    expect(() => resolver.resolveEndpoint(ref('ns/b'), 'dst')).toThrow(FlowError);
    expect(() => resolver.resolveEndpoint(ref('ns/b'), 'dst')).toThrow('dst: no pod or workload "ns/b" in the bundle');
    expect(() => resolver.resolveEndpoint(ref('ns/db'), 'src')).toThrow(/names several workloads \(ns\/deployment\/db, ns\/statefulset\/db\)/);
    expect(() => resolver.resolveEndpoint(ip('10.0.0.256'), 'src')).toThrow('src: "10.0.0.256" is not an IP address');
  });

  it('knows exactly the references it resolves', () => {
    for (const text of ['ns/a', 'ns/web', 'ns/deployment/db', 'ns/statefulset/db']) expect(resolver.knows(text), text).toBe(true);
    // Unknown, ambiguous (two workloads named db), and a kind-qualified name that is not there.
    for (const text of ['ns/b', 'ns/db', 'ns/deployment/a', 'other/a']) expect(resolver.knows(text), text).toBe(false);
  });

  it('reads any spelling of an address as the same one', () => {
    for (const text of ['fd00::5', 'FD00::5', 'fd00:0:0::5']) {
      expect(resolver.resolveEndpoint(ip(text), 'src')).toEqual({ kind: 'ipv6', value: (0xfd00n << 112n) | 5n });
    }
    expect(resolver.resolveEndpoint(ip('10.0.0.5'), 'src')).toEqual({ kind: 'ipv4', value: 0x0a000005 });
    expect(resolver.resolveEndpoint(ip('::ffff:10.0.0.5'), 'src')).toEqual({ kind: 'ipv6', value: 0xffff0a000005n });
  });
});
