import { describe, expect, it } from 'vitest';
import { classifyProtocol, endpointLabel, parseObserved, readLines } from './records.js';

describe('records', () => {
  it('reads verdicts as logs spell them, in any case', () => {
    expect(['allowed', 'ACCEPT', 'Forwarded'].map((v) => parseObserved(v, 'v'))).toEqual(['allowed', 'allowed', 'allowed']);
    expect(['denied', 'REJECT', 'dropped'].map((v) => parseObserved(v, 'v'))).toEqual(['denied', 'denied', 'denied']);
    expect([undefined, null, '', '-'].map((v) => parseObserved(v, 'v'))).toEqual([undefined, undefined, undefined, undefined]);
    expect(() => parseObserved('AUDIT', 'verdict')).toThrow('verdict: "AUDIT" is not a verdict');
    expect(() => parseObserved(true, 'verdict')).toThrow('verdict: true is not a verdict');
    expect(() => parseObserved('constructor', 'verdict')).toThrow('verdict: "constructor" is not a verdict');
  });

  it('classifies protocols: TCP, UDP and SCTP by name or number; other IP protocols are not applicable', () => {
    expect(classifyProtocol(undefined, 'p')).toEqual({ protocol: 'TCP' });
    expect(classifyProtocol('udp', 'p')).toEqual({ protocol: 'UDP' });
    expect(classifyProtocol('132', 'p')).toEqual({ protocol: 'SCTP' });
    expect(classifyProtocol(6, 'p')).toEqual({ protocol: 'TCP' });
    expect(classifyProtocol(1, 'p')).toEqual({ notApplicable: 'protocol ICMP (1)' });
    expect(classifyProtocol('icmpv6', 'p')).toEqual({ notApplicable: 'protocol ICMPv6 (58)' });
    expect(classifyProtocol('253', 'p')).toEqual({ notApplicable: 'protocol 253' });
    expect(() => classifyProtocol('256', 'p')).toThrow('p: "256" is not an IP protocol name or number');
    expect(() => classifyProtocol(6.5, 'p')).toThrow('p: 6.5 is not an IP protocol name or number');
  });

  it('names endpoints as the CLI writes them', () => {
    expect(endpointLabel({ kind: 'ref', ref: 'ns/web' })).toBe('ns/web');
    expect(endpointLabel({ kind: 'ip', ip: 'fd00::1' })).toBe('fd00::1');
    expect(endpointLabel({ kind: 'adhoc', pod: { namespace: 'ns', labels: { app: 'web', tier: 'fe' }, ports: [] } })).toBe('ns:app=web,tier=fe');
  });

  it('turns unreadable lines and refused lines into error records, skips blank lines, and lets bugs through', () => {
    const reader = (text: string, line: number) => {
      if (text === 'boom') throw new TypeError('a bug');
      return { line, kind: 'skipped' as const, reason: text };
    };
    expect(
      readLines(
        [
          { number: 1, text: 'a' },
          { number: 2, text: '  ' },
          { number: 3, error: 'line is not valid UTF-8' },
        ],
        reader,
      ),
    ).toEqual([
      { line: 1, kind: 'skipped', reason: 'a' },
      { line: 3, kind: 'error', error: 'line is not valid UTF-8' },
    ]);
    expect(() => readLines([{ number: 1, text: 'boom' }], reader)).toThrow(TypeError);
  });
});
