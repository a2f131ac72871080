import { describe, expect, it } from 'vitest';
import { ingestSources } from '../ingest/bundle.js';
import { FlowError } from '../model/errors.js';
import { resolveFlow } from './endpoints.js';

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

describe('resolveFlow', () => {
  it('finds a pod by any spelling of its IP', () => {
    for (const ip of ['fd00::5', 'FD00::5', 'fd00:0:0::5']) {
      const { src } = resolveFlow(bundle, { src: { kind: 'ip', ip }, dst: { kind: 'ip', ip: '::1' }, protocol: 'TCP', port: 1 });
      expect(src.kind === 'pod' && src.pod?.ref).toBe('ns/a');
    }
  });

  it('uses the pod IP of the flow family: the destination primary by default', () => {
    const { src } = resolveFlow(bundle, { src: { kind: 'ref', ref: 'ns/a' }, dst: { kind: 'ref', ref: 'ns/b' }, protocol: 'TCP', port: 1 });
    expect(src.ip).toEqual({ family: 4, value: 0x0a000005n });
  });

  it('refuses an IP two pods claim, and addresses of different families', () => {
    const flow = (src: string, dst: string) => ({ src: { kind: 'ip' as const, ip: src }, dst: { kind: 'ip' as const, ip: dst }, protocol: 'TCP' as const, port: 1 });
    expect(() => resolveFlow(bundle, flow('10.0.0.6', '1.1.1.1'))).toThrow(FlowError);
    expect(() => resolveFlow(bundle, flow('10.0.0.6', '1.1.1.1'))).toThrow(/claimed by 2 pods \(ns\/b, ns\/c\)/);
    expect(() => resolveFlow(bundle, flow('10.0.0.1', '::1'))).toThrow(/different families/);
  });
});
