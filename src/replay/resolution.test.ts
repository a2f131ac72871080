import { describe, expect, it } from 'vitest';
import { ingestSources } from '../ingest/bundle.js';
import type { AdHocPod, EndpointSpec } from '../model/flow.js';
import { EndpointDirectory, resolveEndpoint } from './endpoint-directory.js';

const pod = (name: string, ip: string, hostNetwork = false) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ns, labels: {app: ${name}}}
spec: {hostNetwork: ${hostNetwork}, containers: [{name: c, image: i}]}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}
`;
const text = [pod('a', '10.0.0.1'), pod('b', 'fd00::1'), pod('node-agent', '10.0.0.9', true), pod('twin-1', '10.0.0.5'), pod('twin-2', '10.0.0.5')].join('---');
const bundle = ingestSources([{ name: 'pods.yaml', text }]).bundle!;
const directory = new EndpointDirectory(bundle);
const ref = (name: string): EndpointSpec => ({ kind: 'ref', ref: name });
const adhoc: AdHocPod = { namespace: 'ns', labels: { app: 'x' }, ports: [] };

describe('local replay resolution order', () => {
  it('knows the pods the engine resolves, and the addresses exactly one non-hostNetwork pod owns', () => {
    expect(directory.knowsRef('ns/a')).toBe(true);
    expect(directory.knowsRef('ns/c')).toBe(false);
    expect(directory.ownsIP('10.0.0.1')).toBe(true);
    expect(directory.ownsIP('10.0.0.9')).toBe(false);
    expect(directory.ownsIP('10.0.0.5')).toBe(false);
  });

  it('a name alone is itself, known or not (the engine refuses an unknown one)', () => {
    const spec = ref('ns/nope');
    expect(resolveEndpoint(spec, undefined, undefined, directory)).toBe(spec);
  });

  it('an owned address first (any spelling, one shared spec per address), then the name, then labels, then the address', () => {
    const owned = resolveEndpoint(ref('ns/a'), '10.0.0.1', adhoc, directory);
    expect(owned).toEqual({ kind: 'ip', ip: '10.0.0.1' });
    expect(resolveEndpoint(ref('ns/b'), 'FD00:0::1', undefined, directory)).toEqual({ kind: 'ip', ip: 'fd00::1' });
    // The same spec object each time: verdict reuse keys on it.
    expect(resolveEndpoint(ref('ns/x'), '10.0.0.1', undefined, directory)).toBe(owned);
    const known = ref('ns/a');
    expect(resolveEndpoint(known, '10.0.0.5', adhoc, directory)).toBe(known);
    expect(resolveEndpoint(ref('ns/gone'), '10.0.0.5', adhoc, directory)).toEqual({ kind: 'adhoc', pod: adhoc });
    expect(resolveEndpoint(ref('ns/gone'), '10.0.0.9', undefined, directory)).toEqual({ kind: 'ip', ip: '10.0.0.9' });
    const unknown = ref('ns/gone');
    expect(resolveEndpoint(unknown, 'not-an-ip', undefined, directory)).toBe(unknown);
    expect(resolveEndpoint(unknown, 'not-an-ip', undefined, undefined)).toBe(unknown);
  });
});
