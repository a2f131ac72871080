import { describe, expect, it } from 'vitest';
import { ingestSources } from '../ingest/bundle.js';
import { FlowError } from '../model/errors.js';
import type { ResolvedEndpoint } from '../model/pod-index.js';
import { EndpointRefusal, placeFlow } from './endpoints.js';

const bundle = ingestSources([
  {
    name: 'pods.yaml',
    text: `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns}
status: {podIPs: [{ip: "fd00::5"}, {ip: 10.0.0.5}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns}
status: {podIP: 10.0.0.6}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: ns}
status: {podIP: 10.0.0.6}
`,
  },
]).bundle!;

const v4 = (value: number): ResolvedEndpoint => ({ kind: 'ipv4', value });
const v6 = (value: bigint): ResolvedEndpoint => ({ kind: 'ipv6', value });
const pod = (index: number): ResolvedEndpoint => ({ kind: 'pod', index });
const flow = (src: ResolvedEndpoint, dst: ResolvedEndpoint) => ({ src, dst, protocol: 'TCP' as const, port: 1 });

describe('placeFlow', () => {
  it('finds the pod that owns an address', () => {
    const { src } = placeFlow(bundle, flow(v6(0xfd00n << 112n | 5n), v6(1n)));
    expect(src.kind === 'pod' && src.pod?.ref).toBe('ns/a');
  });

  it('uses the pod IP of the flow family: the destination primary by default', () => {
    expect(bundle.pods.map((p) => p.ref)).toEqual(['ns/a', 'ns/b', 'ns/c']);
    const { src } = placeFlow(bundle, flow(pod(0), pod(1)));
    expect(src.ip).toEqual({ family: 4, value: 0x0a000005n });
  });

  it('refuses an IP two pods claim, addresses of different families, and a pod index out of range', () => {
    const ambiguous = () => placeFlow(bundle, flow(v4(0x0a000006), v4(0x01010101)));
    expect(ambiguous).toThrow(FlowError);
    expect(ambiguous).toThrow(/claimed by 2 pods \(ns\/b, ns\/c\)/);
    expect(ambiguous).toThrow(expect.objectContaining({ refusal: 'ambiguous', field: 'src' }));
    expect(() => placeFlow(bundle, flow(v4(0x0a000001), v6(1n)))).toThrow(/different families/);
    expect(() => placeFlow(bundle, flow(v4(0x0a000001), v6(1n)))).toThrow(EndpointRefusal);
    expect(() => placeFlow(bundle, flow(pod(0), pod(3)))).toThrow(/dst: pod index 3 is not in the bundle/);
  });
});
