import { describe, expect, it } from 'vitest';
import { decodeFlow, parseEndpointArgument } from './decode.js';
import { FlowError } from '../model/errors.js';

describe('decodeFlow', () => {
  it('reads the CLI flow format, protocol defaulting to TCP', () => {
    expect(decodeFlow({ src: 'ns1/a', dst: '10.0.0.1', port: 80 })).toEqual({
      src: { kind: 'ref', ref: 'ns1/a' },
      dst: { kind: 'ip', ip: '10.0.0.1' },
      protocol: 'TCP',
      port: 80,
    });
  });

  it('accepts protocol names in any case and IANA numbers', () => {
    expect(decodeFlow({ src: 'a/b', dst: 'c/d', protocol: 'udp', port: 53 }).protocol).toBe('UDP');
    expect(decodeFlow({ src: 'a/b', dst: 'c/d', protocol: 132, port: 1 }).protocol).toBe('SCTP');
  });

  it('canonicalises IPs and workload kinds', () => {
    expect(decodeFlow({ src: '2001:DB8::0:1', dst: 'ns/Deployment/web', port: 1 })).toMatchObject({
      src: { kind: 'ip', ip: '2001:db8::1' },
      dst: { kind: 'ref', ref: 'ns/deployment/web' },
    });
  });

  it('reads ad-hoc pods with prototype-free labels', () => {
    const flow = decodeFlow(JSON.parse('{"src":{"namespace":"ns","labels":{"constructor":"x"}},"dst":"1.2.3.4","port":1}'));
    expect(flow.src).toEqual({ kind: 'adhoc', pod: { namespace: 'ns', labels: { constructor: 'x' }, ports: [] } });
    expect(Object.getPrototypeOf((flow.src as { pod: { labels: object } }).pod.labels)).toBeNull();
  });

  it.each([
    [null, /a flow is a JSON object/],
    [[], /a flow is a JSON object/],
    [{ dst: 'a/b', port: 1 }, /^src: required/],
    [{ src: 'a/b', dst: 'c/d' }, /^port: required/],
    [{ src: 'a/b', dst: 'c/d', port: 0 }, /^port: 0 is not a port/],
    [{ src: 'a/b', dst: 'c/d', port: 65536 }, /^port: 65536 is not a port/],
    [{ src: 'a/b', dst: 'c/d', port: 1.5 }, /^port: 1.5 is not a port/],
    [{ src: 'a/b', dst: 'c/d', port: 80, protocol: 'ICMP' }, /^protocol: "ICMP" is not a protocol/],
    [{ src: 'a/b/c/d', dst: 'c/d', port: 80 }, /^src: "a\/b\/c\/d" is neither an IP address nor a pod reference/],
    [{ src: '999.1.1.1', dst: 'c/d', port: 80 }, /^src: "999.1.1.1" is neither/],
    [{ src: '::ffff:10.0.0.1', dst: 'c/d', port: 80 }, /^src: "::ffff:10.0.0.1" is an IPv4-mapped IPv6 address/],
    [{ src: { namespace: 'Bad' }, dst: 'c/d', port: 80 }, /^src.namespace: "Bad" is not a namespace name/],
    [{ src: { namespace: 'ns', labels: { k: 1 } }, dst: 'c/d', port: 80 }, /^src.labels.k: 1 is not a label value/],
    [{ src: { namespace: 'ns', ports: [{ name: 'HTTP', port: 80 }] }, dst: 'c/d', port: 80 }, /^src.ports\[0\].name/],
  ])('refuses %j', (value, message) => {
    expect(() => decodeFlow(value)).toThrow(FlowError);
    expect(() => decodeFlow(value)).toThrow(message);
  });
});

describe('parseEndpointArgument', () => {
  it('reads the ad-hoc short form, JSON, IPs and references', () => {
    expect(parseEndpointArgument('ns3:app=web,tier=fe', '--from')).toMatchObject({
      kind: 'adhoc',
      pod: { namespace: 'ns3', labels: { app: 'web', tier: 'fe' } },
    });
    expect(() => parseEndpointArgument('fd00:', '--from')).toThrow(/neither an IP address nor ns:key=value/);
    expect(parseEndpointArgument('{"namespace":"a","labels":{"x":"y"}}', '--to')).toMatchObject({ kind: 'adhoc' });
    expect(parseEndpointArgument('fd00::1', '--to')).toEqual({ kind: 'ip', ip: 'fd00::1' });
    expect(parseEndpointArgument('ns/pod', '--to')).toEqual({ kind: 'ref', ref: 'ns/pod' });
    expect(() => parseEndpointArgument('ns:novalue', '--to')).toThrow('--to: "novalue" is not key=value');
  });
});
