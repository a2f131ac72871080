/**
 * @module The pod address index against brute force: the addresses of a chosen set of pods come
 * out ascending per family, each with the pod that claims it, from the one sort it makes; the
 * addresses two or more pods claim.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle, IPBlockPeer } from '../model/bundle.js';
import { parseIP } from '../net/ip.js';
import { PodAddressIndex } from './pod-address-index.js';

const ips = [['10.0.0.9', 'fd00::9'], ['10.0.0.1'], ['fd00::1:0', '9.255.255.255'], [], ['10.0.0.1', '::ffff:1.2.3.4'], ['255.255.255.255']];
const HOST_NETWORK_POD = 5;
const bundle = { pods: ips.map((list, p) => ({ ips: list, hostNetwork: p === HOST_NETWORK_POD })) } as unknown as Bundle;
const skipping = (owns: (pod: number) => boolean): Uint8Array => Uint8Array.from(ips, (_, p) => (owns(p) ? 0 : 1));

function bruteForce(owns: (pod: number) => boolean, family: 4 | 6): bigint[] {
  return ips
    .flatMap((list, p) => (owns(p) && p !== HOST_NETWORK_POD ? list.map((ip) => parseIP(ip)!) : []))
    .filter((ip) => ip.family === family)
    .map((ip) => ip.value)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('PodAddressIndex.ownedOutside', () => {
  const choices: [string, (pod: number) => boolean][] = [
    ['every pod', () => true],
    ['no pod', () => false],
    ['odd pods', (p) => p % 2 === 1],
    ['pods 0, 2 and 5', (p) => [0, 2, 5].includes(p)],
  ];
  for (const [label, owns] of choices) {
    it(`lists the addresses of ${label} but hostNetwork pods ascending per family`, () => {
      const owned = new PodAddressIndex(bundle).ownedOutside(skipping(owns));
      expect(owned[4].map(BigInt)).toEqual(bruteForce(owns, 4));
      expect(owned[6].map((hex) => BigInt(`0x${hex}`))).toEqual(bruteForce(owns, 6));
    });
  }

  it('answers holdsPod and ownedOutside from the same sort', () => {
    const index = new PodAddressIndex(bundle);
    const block: IPBlockPeer = { kind: 'ipBlock', cidr: { family: 4, base: parseIP('10.0.0.0')!.value, prefix: 8 }, except: [] };
    expect(index.holdsPod(block)).toBe(true);
    expect(index.ownedOutside(skipping((p) => p === 1))[4]).toEqual([Number(parseIP('10.0.0.1')!.value)]);
  });
});

describe('PodAddressIndex.sharedAddresses', () => {
  it('names the addresses two or more pods claim, hostNetwork pods claiming none', () => {
    const pods = [
      { ips: ['10.0.0.1', 'fd00::1'], hostNetwork: false },
      { ips: ['10.0.0.1'], hostNetwork: false },
      { ips: ['10.0.0.2', 'fd00::1'], hostNetwork: false },
      { ips: ['10.0.0.2', '10.0.0.3'], hostNetwork: true },
      { ips: ['10.0.0.3'], hostNetwork: false },
    ];
    const shared = new PodAddressIndex({ pods } as unknown as Bundle).sharedAddresses();
    expect([...shared].sort()).toEqual(['10.0.0.1', 'fd00::1']);
  });
});

