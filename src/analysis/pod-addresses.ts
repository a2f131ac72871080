/**
 * @module Each pod's addresses, parsed once per bundle: classes, candidates, the outside world's
 * pieces and the pod pairs all read them, and parsing 10,000s of texts again for each is costly.
 */
import type { Bundle } from '../model/bundle.js';
import { parseIP, type IP } from '../net/ip.js';

export interface PodAddresses {
  /** Per pod: its IPs (status.podIPs), in order. */
  readonly ips: readonly (readonly IP[])[];
  /** Per pod: its node's addresses (status.hostIPs). */
  readonly hostIPs: readonly (readonly IP[])[];
}

const parsed = new WeakMap<Bundle, PodAddresses>();

export function podAddresses(bundle: Bundle): PodAddresses {
  let found = parsed.get(bundle);
  if (found) return found;
  // Many pods share a node address: each text is parsed once (ingest validated them all).
  const byText = new Map<string, IP>();
  const parse = (text: string): IP => {
    let ip = byText.get(text);
    if (!ip) byText.set(text, (ip = parseIP(text)!));
    return ip;
  };
  found = {
    ips: bundle.pods.map((pod) => pod.ips.map(parse)),
    hostIPs: bundle.pods.map((pod) => pod.hostIPs.map(parse)),
  };
  parsed.set(bundle, found);
  return found;
}
