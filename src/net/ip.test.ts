import { describe, expect, it } from 'vitest';
import { cidrContains, cidrStrictlyInside, formatCIDR, formatIP, parseCIDR, parseIP } from './ip.js';

const ip = (text: string) => parseIP(text)!;
const cidr = (text: string) => parseCIDR(text)!.cidr;

describe('parseIP', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['fd00:0:0:1:0:0:0:0', 'fd00:0:0:1::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
  ])('reads %s as %s', (text, canonical) => {
    expect(formatIP(ip(text))).toBe(canonical);
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.04', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.-1',
    ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'fe80::1%eth0', 'g::1', '::1.2.3',
    '1:2:3:4:5:6:7::8', '1.2.3.4/32', '0x1.2.3.4',
  ])('rejects %j', (text) => {
    expect(parseIP(text)).toBeUndefined();
  });

  it('keeps IPv4 and IPv6 apart, IPv4-mapped addresses included', () => {
    expect(ip('10.0.0.1').family).toBe(4);
    expect(ip('::ffff:10.0.0.1').family).toBe(6);
    expect(cidrContains(cidr('10.0.0.0/8'), ip('::ffff:10.0.0.1'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('10.0.0.1'))).toBe(false);
  });
});

describe('parseCIDR', () => {
  it('masks host bits and says so', () => {
    expect(parseCIDR('10.0.0.1/8')).toEqual({ cidr: cidr('10.0.0.0/8'), hadHostBits: true });
    expect(parseCIDR('10.0.0.0/8')?.hadHostBits).toBe(false);
    expect(formatCIDR(cidr('2001:db8::1/32'))).toBe('2001:db8::/32');
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '::/129', '10.0.0.0/', '/8', '10.0.0.0/8/8'])(
    'rejects %j',
    (text) => expect(parseCIDR(text)).toBeUndefined(),
  );

  it('contains what lies inside, at both edges', () => {
    const block = cidr('192.168.0.0/16');
    expect(cidrContains(block, ip('192.168.0.0'))).toBe(true);
    expect(cidrContains(block, ip('192.168.255.255'))).toBe(true);
    expect(cidrContains(block, ip('192.169.0.0'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), ip('8.8.8.8'))).toBe(true);
    expect(cidrContains(cidr('10.1.2.3/32'), ip('10.1.2.3'))).toBe(true);
    expect(cidrContains(cidr('fd00::/8'), ip('fdff:ffff::1'))).toBe(true);
    expect(cidrContains(cidr('fd00::/8'), ip('fe00::'))).toBe(false);
  });

  it('knows a strict subset', () => {
    expect(cidrStrictlyInside(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(true);
    expect(cidrStrictlyInside(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrStrictlyInside(cidr('11.0.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrStrictlyInside(cidr('::/16'), cidr('10.0.0.0/8'))).toBe(false);
  });
});
