import { describe, expect, it } from 'vitest';
import { podLabels, readHubbleLine } from './hubble.js';
import { fixture, recordsOf, summarize } from './test-support.js';

const FRONTEND = 'prod/frontend-7d9f8b6c4-x2kqp';
const BACKEND = 'prod/backend-5c6d7f8b9-4mzlw';
const PAYMENTS = 'prod/payments-6b8c9d7f5-q9trn';
const JOB = 'staging/job-runner-28391045-7xk2p';

describe('Hubble flow logs', () => {
  it('reads `hubble observe -o json` output: flows, replies, drops, IPv6, world, ICMP, L7, other events', async () => {
    const records = await recordsOf(fixture('hubble-observe.jsonl'), { format: 'hubble' });
    expect(records.map(summarize)).toEqual([
      `1 flow ${FRONTEND} -> ${BACKEND} TCP/8080 allowed`,
      '2 reply prod/backend -> prod/frontend allowed',
      `3 flow ${FRONTEND} -> ${BACKEND} TCP/8080 allowed`,
      `4 flow ${FRONTEND} -> ${PAYMENTS} TCP/9090 denied`,
      `5 flow ${FRONTEND} -> ${PAYMENTS} TCP/9090 denied`,
      `6 flow ${FRONTEND} -> kube-system/coredns-5d78c9869d-8zjwx UDP/53 allowed`,
      '7 skipped flow type L7',
      `8 flow ${FRONTEND} -> 93.184.215.14 TCP/443 allowed`,
      `9 flow 198.51.100.23 -> ${FRONTEND} TCP/8443 denied`,
      `10 flow 2001:db8:4006:812::200e -> ${FRONTEND} TCP/8443 allowed`,
      `11 flow ${JOB} -> ${BACKEND} TCP/8080 allowed`,
      '12 not-applicable ICMPv4 allowed',
      '13 not-applicable ICMPv6 allowed',
      `14 flow ${JOB} -> telecom/amf-0 SCTP/38412 allowed`,
      `15 flow ${FRONTEND} -> ${BACKEND} TCP/9100`,
      '16 reply prod/backend -> staging/job-runner allowed',
      '17 skipped lost_events event',
      `18 flow 172.18.0.3 -> ${FRONTEND} TCP/8080 allowed`,
      '19 skipped flow type SOCK',
    ]);
  });

  it('names the ends by workload, exposes pod labels as ad-hoc pods, and keeps the drop reason and direction', async () => {
    const records = await recordsOf(fixture('hubble-observe.jsonl'), { format: 'hubble' });
    expect(records[0]).toEqual({
      line: 1,
      // 2024-05-14T09:21:07.412503109Z, to the nanosecond as far as a double holds it.
      time: expect.closeTo(Date.UTC(2024, 4, 14, 9, 21, 7, 412) + 0.503109, 3) as number,
      kind: 'flow',
      flow: { src: { kind: 'ref', ref: FRONTEND }, dst: { kind: 'ref', ref: BACKEND }, protocol: 'TCP', port: 8080 },
      observed: 'allowed',
      direction: 'ingress',
      srcLabel: 'prod/frontend',
      dstLabel: 'prod/backend',
      srcAdhoc: { namespace: 'prod', labels: { app: 'frontend', tier: 'web' }, ports: [] },
      dstAdhoc: { namespace: 'prod', labels: { app: 'backend', tier: 'api' }, ports: [] },
      srcIP: '10.244.1.17',
      dstIP: '10.244.2.31',
    });
    expect(records[3]).toMatchObject({ observed: 'denied', dropReason: 'POLICY_DENIED', direction: 'ingress' });
    expect(records[10]).toMatchObject({
      srcLabel: 'staging/job-runner',
      srcAdhoc: { namespace: 'staging', labels: { app: 'job-runner', team: 'data' }, ports: [] },
    });
    // World and host ends have no namespace: named and judged by address, with no ad-hoc pod.
    expect(records[7]).toMatchObject({ dstLabel: '93.184.215.14', flow: { dst: { kind: 'ip', ip: '93.184.215.14' } } });
    expect(records[7]!.dstAdhoc).toBeUndefined();
    expect(records[17]!.srcAdhoc).toBeUndefined();
  });

  it('reads the legacy output, a flow object per line, with the deprecated reply field', async () => {
    const records = await recordsOf(fixture('hubble-legacy.jsonl'), { format: 'hubble' });
    expect(records.map(summarize)).toEqual([
      `1 flow ${FRONTEND} -> ${BACKEND} TCP/8080 allowed`,
      '2 reply prod/backend-5c6d7f8b9-4mzlw -> prod/frontend-7d9f8b6c4-x2kqp allowed',
      `3 flow ${FRONTEND} -> ${PAYMENTS} TCP/9090 denied`,
    ]);
  });

  it('reports malformed lines with their numbers and reads the rest', async () => {
    const records = await recordsOf(fixture('hubble-malformed.jsonl'), { format: 'hubble' });
    expect(records.map(summarize)).toEqual([
      `1 flow ${FRONTEND} -> ${BACKEND} TCP/8080 allowed`,
      expect.stringMatching(/^2 error not valid JSON \(/),
      '3 error expected a JSON object, not [{"flow":{}}]',
      '4 error not a Hubble flow: expected {"flow": {...}} or a flow object with "IP", "l4" and "Type"',
      '5 error IP: no source and destination addresses',
      '6 error l4.TCP.destination_port: missing, not a port (1-65535)',
      expect.stringMatching(/^7 error source: "prod\/Frontend_1" is neither an IP address nor a pod reference/),
      `8 flow ${FRONTEND} -> ${BACKEND} TCP/8080 denied`,
    ]);
  });

  describe('replies', () => {
    const line = (flow: object): string => JSON.stringify({ flow: { Type: 'L3_L4', IP: { source: '10.0.0.1', destination: '10.0.0.2' }, ...flow } });
    const tcp = (flags: object) => ({ l4: { TCP: { source_port: 40000, destination_port: 80, flags } } });

    it.each([
      ['is_reply true wins over a SYN', { is_reply: true, ...tcp({ SYN: true }) }, 'reply'],
      ['is_reply false wins over a SYN-ACK', { is_reply: false, ...tcp({ SYN: true, ACK: true }) }, 'flow'],
      ['without is_reply, a SYN-ACK is a reply', tcp({ SYN: true, ACK: true }), 'reply'],
      ['without is_reply, a SYN is an attempt', tcp({ SYN: true }), 'flow'],
      ['without is_reply or flags, the forward direction', tcp({}), 'flow'],
      ['the deprecated reply field', { reply: true, ...tcp({ ACK: true }) }, 'reply'],
    ])('%s', (_name, flow, kind) => {
      expect(readHubbleLine(line(flow), 1).kind).toBe(kind);
    });
  });

  it('observes only FORWARDED and DROPPED, and reads directions by name only', () => {
    const line = (verdict: string, direction: string) =>
      JSON.stringify({ flow: { Type: 'L3_L4', verdict, traffic_direction: direction, IP: { source: '10.0.0.1', destination: '10.0.0.2' }, l4: { UDP: { destination_port: 53 } } } });
    expect(readHubbleLine(line('REDIRECTED', 'EGRESS'), 1)).toMatchObject({ kind: 'flow', observed: undefined, direction: 'egress' });
    expect(readHubbleLine(line('constructor', 'toString'), 1)).toMatchObject({ kind: 'flow', observed: undefined, direction: undefined });
  });

  it('converts Cilium identity labels to pod labels', () => {
    expect(
      podLabels([
        'k8s:app=web',
        'k8s:app.kubernetes.io/name=web',
        'k8s:io.kubernetes.pod.namespace=prod',
        'k8s:io.cilium.k8s.namespace.labels.team=x',
        'k8s:io.cilium.k8s.policy.serviceaccount=web',
        'reserved:world',
        'cidr:10.0.0.0/8',
        'k8s:empty=',
      ]),
    ).toEqual({ app: 'web', 'app.kubernetes.io/name': 'web', empty: '' });
  });
});
