/**
 * @module The five examples of the article this project started from, each over the demo cluster,
 * with full truth tables. Rows are sources, columns destinations; `.` allowed, `X` denied.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BundleCase, CaseGroup } from './suite.js';
import { truthTable } from './suite.js';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(`../../examples/${path}`, import.meta.url)), 'utf8');
const cluster = read('demo-cluster.yaml');

function example(name: string, file: string, flows: BundleCase['flows']): BundleCase {
  return { name, source: 'the article, examples 1-5', manifests: [cluster, read(`article/${file}`)], flows };
}

const PODS = 'ns1/web ns1/db ns2/search ns3/frontend default/client default/server';

export const articleExamples: CaseGroup = {
  name: 'article examples',
  cases: [
    example('1 deny all ingress (default namespace)', '1-default-deny-ingress.yaml', [
      ...truthTable(
        `          ${PODS}
        ns1/web          .  .  .  .  X  X
        ns1/db           .  .  .  .  X  X
        ns2/search       .  .  .  .  X  X
        ns3/frontend     .  .  .  .  X  X
        default/client   .  .  .  .  .  X
        default/server   .  .  .  .  X  .`,
        80,
      ),
      { src: 'default/client', dst: 'default/server', port: 80, allowed: false, deniedBy: ['ingress'], ingress: 'no-rule-matched' },
      { src: '203.0.113.9', dst: 'default/server', port: 443, allowed: false, egress: 'outside-cluster' },
      { src: 'default/server', dst: 'default/server', port: 80, allowed: true, reason: 'loopback' },
    ]),
    example('2 allow all ingress (default namespace)', '2-allow-all-ingress.yaml', [
      ...truthTable(
        `          ${PODS}
        ns1/web          .  .  .  .  .  .
        ns1/db           .  .  .  .  .  .
        ns2/search       .  .  .  .  .  .
        ns3/frontend     .  .  .  .  .  .
        default/client   .  .  .  .  .  .
        default/server   .  .  .  .  .  .`,
        80,
      ),
      { src: '203.0.113.9', dst: 'default/server', protocol: 'SCTP', port: 9, allowed: true, reason: 'allowed', allowedByIngress: 'default/allow-all-ingress#0' },
      { src: 'ns1/web', dst: 'ns1/db', port: 5432, allowed: true, reason: 'no-policy' },
    ]),
    example('3 deny all egress (default namespace)', '3-default-deny-egress.yaml', [
      ...truthTable(
        `          ${PODS}
        ns1/web          .  .  .  .  .  .
        ns1/db           .  .  .  .  .  .
        ns2/search       .  .  .  .  .  .
        ns3/frontend     .  .  .  .  .  .
        default/client   X  X  X  X  .  X
        default/server   X  X  X  X  X  .`,
        80,
      ),
      { src: 'default/client', dst: '1.1.1.1', protocol: 'UDP', port: 53, allowed: false, deniedBy: ['egress'] },
    ]),
    example('4 "Allow all Egress" as printed: denies all egress', '4-allow-all-egress-as-printed.yaml', [
      // The printed policy has an ingress rule and policyTypes [Egress]: the rule is ignored, so the
      // default namespace's pods may send nothing, while ingress stays open.
      ...truthTable(
        `          ${PODS}
        ns1/web          .  .  .  .  .  .
        ns1/db           .  .  .  .  .  .
        ns2/search       .  .  .  .  .  .
        ns3/frontend     .  .  .  .  .  .
        default/client   X  X  X  X  .  X
        default/server   X  X  X  X  X  .`,
        80,
      ),
      { src: 'default/server', dst: '8.8.8.8', port: 443, allowed: false, deniedBy: ['egress'], egress: 'no-rule-matched' },
      { src: 'ns3/frontend', dst: 'default/server', port: 80, allowed: true, reason: 'no-policy', ingress: 'not-isolated' },
    ]),
    example('5 ns1 accepts only ns3, TCP 80', '5-ns1-from-ns3-tcp-80.yaml', [
      ...truthTable(
        `          ${PODS}
        ns1/web          .  X  .  .  .  .
        ns1/db           X  .  .  .  .  .
        ns2/search       X  X  .  .  .  .
        ns3/frontend     .  .  .  .  .  .
        default/client   X  X  .  .  .  .
        default/server   X  X  .  .  .  .`,
        80,
      ),
      ...truthTable(
        `          ${PODS}
        ns1/web          .  X  .  .  .  .
        ns1/db           X  .  .  .  .  .
        ns2/search       X  X  .  .  .  .
        ns3/frontend     X  X  .  .  .  .
        default/client   X  X  .  .  .  .
        default/server   X  X  .  .  .  .`,
        81,
      ),
      { src: 'ns3/frontend', dst: 'ns1/web', protocol: 'UDP', port: 80, allowed: false, deniedBy: ['ingress'] },
      { src: 'ns3/frontend', dst: 'ns1/web', port: 80, allowed: true, allowedByIngress: 'ns1/test-network-policy#0' },
      { src: { namespace: 'ns3', labels: { app: 'new' } }, dst: 'ns1/db', port: 80, allowed: true },
      { src: '10.1.3.10', dst: '10.1.1.20', port: 80, allowed: true },
      { src: '203.0.113.9', dst: 'ns1/web', port: 80, allowed: false, deniedBy: ['ingress'] },
    ]),
  ],
};
