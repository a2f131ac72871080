/** @module IPv4/IPv6 addresses and CIDR blocks, parsed strictly and printed canonically. */

export type IPFamily = 4 | 6;

/** An address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IP {
  readonly family: IPFamily;
  readonly value: bigint;
}

export interface CIDR {
  readonly family: IPFamily;
  /** The network address: host bits are always zero. */
  readonly base: bigint;
  readonly prefix: number;
}

export const familyBits = (family: IPFamily): number => (family === 4 ? 32 : 128);

/**
 * Leading zeros ("010.0.0.1") are rejected: some parsers read them as octal, so the address is
 * ambiguous. Upstream Kubernetes rejects them too in new objects (k8s.io/apimachinery
 * pkg/util/validation/ip.go, IsValidIP with strict parsing since 1.33). A character loop rather
 * than split and regexes: flow logs parse millions of these.
 */
export function parseIPv4Number(text: string): number | undefined {
  const length = text.length;
  if (length < 7 || length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // a leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || dots !== 3) return undefined;
  return value * 256 + octet;
}

function parseIPv4(text: string): bigint | undefined {
  const value = parseIPv4Number(text);
  return value === undefined ? undefined : BigInt(value);
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseIPv6(text: string): bigint | undefined {
  if (text.length > 45) return undefined;
  let head = text;
  let tail = '';
  const gap = text.indexOf('::');
  if (gap !== -1) {
    if (text.indexOf('::', gap + 1) !== -1) return undefined;
    head = text.slice(0, gap);
    tail = text.slice(gap + 2);
  }
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const words: number[] = [];
  // An embedded IPv4 tail is allowed only at the very end of the address, never before `::`.
  const pushGroups = (groups: string[], endsAddress: boolean): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      const isLast = endsAddress && i === groups.length - 1;
      if (isLast && group.includes('.')) {
        // An embedded IPv4 tail such as ::ffff:10.0.0.1 takes two 16-bit words.
        const v4 = parseIPv4(group);
        if (v4 === undefined) return false;
        words.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (HEXTET.test(group)) {
        words.push(parseInt(group, 16));
      } else {
        return false;
      }
    }
    return true;
  };
  if (!pushGroups(headGroups, gap === -1)) return undefined;
  const headWords = words.length;
  if (!pushGroups(tailGroups, true)) return undefined;
  const tailWords = words.length - headWords;
  if (gap === -1) {
    if (words.length !== 8) return undefined;
  } else {
    if (words.length > 7) return undefined;
    words.splice(headWords, 0, ...new Array<number>(8 - headWords - tailWords).fill(0));
  }
  let value = 0n;
  for (const word of words) value = (value << 16n) | BigInt(word);
  return value;
}

/** Parses an address; undefined when it is not a valid IPv4 or IPv6 address. */
export function parseIP(text: string): IP | undefined {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * `::ffff:a.b.c.d` names an IPv4 host in IPv6 clothing. Upstream's strict validation refuses it
 * (apimachinery's IsValidIP: "must not be an IPv4-mapped IPv6 address"); so does netpol-edge, since
 * matching it against IPv4 blocks or not would each surprise someone.
 */
export function isIPv4Mapped(ip: IP): boolean {
  return ip.family === 6 && ip.value >> 32n === 0xffffn;
}

export interface ParsedCIDR {
  readonly cidr: CIDR;
  /** True when the text had host bits set (10.0.0.1/8); `cidr` has them cleared. */
  readonly hadHostBits: boolean;
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/** Parses `address/prefix`; undefined when malformed. */
export function parseCIDR(text: string): ParsedCIDR | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !PREFIX.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > familyBits(ip.family)) return undefined;
  const base = ip.value & prefixMask(ip.family, prefix);
  return { cidr: { family: ip.family, base, prefix }, hadHostBits: base !== ip.value };
}

function prefixMask(family: IPFamily, prefix: number): bigint {
  const bits = BigInt(familyBits(family));
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** True when `ip` lies inside `cidr`; addresses of different families never match. */
export function cidrContains(cidr: CIDR, ip: IP): boolean {
  return cidr.family === ip.family && (ip.value & prefixMask(cidr.family, cidr.prefix)) === cidr.base;
}

/** True when `inner` is a strict subset of `outer` (same family, longer prefix, inside). */
export function cidrStrictlyInside(inner: CIDR, outer: CIDR): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix > outer.prefix &&
    cidrContains(outer, { family: inner.family, value: inner.base })
  );
}

export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((shift) => Number((v >> shift) & 0xffn)).join('.');
  }
  const words: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) words.push(Number((ip.value >> shift) & 0xffffn));
  // RFC 5952: compress the longest run (the first on a tie) of two or more zero words.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatCIDR(cidr: CIDR): string {
  return `${formatIP({ family: cidr.family, value: cidr.base })}/${cidr.prefix}`;
}

/** An IPv6 address as four u32 words, most significant first (the image's and flow records' form). */
export function ipv6Words(value: bigint): [number, number, number, number] {
  return [
    Number((value >> 96n) & 0xffffffffn),
    Number((value >> 64n) & 0xffffffffn),
    Number((value >> 32n) & 0xffffffffn),
    Number(value & 0xffffffffn),
  ];
}
