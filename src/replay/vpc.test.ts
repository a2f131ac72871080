import { describe, expect, it } from 'vitest';
import { FlowLogFormatError } from './records.js';
import { collect, chunked, fixture, recordsOf, summarize } from './test-support.js';
import { readFlowLogBytes } from './index.js';
import { isVpcReply } from './vpc.js';

describe('AWS VPC Flow Logs', () => {
  it('reads the default version-2 format with its header: ACCEPT/REJECT, replies, ICMP, NODATA/SKIPDATA, IPv6, SCTP', async () => {
    const records = await recordsOf(fixture('vpc-default-v2.txt'), { format: 'vpc' });
    expect(records.map(summarize)).toEqual([
      '2 flow 10.0.1.23 -> 10.0.2.45 TCP/8080 allowed',
      '3 reply 10.0.2.45 -> 10.0.1.23 allowed',
      '4 flow 172.31.9.69 -> 172.31.9.12 TCP/3389 denied',
      '5 flow 10.0.1.23 -> 10.0.0.2 UDP/53 allowed',
      '6 reply 10.0.0.2 -> 10.0.1.23 allowed',
      '7 not-applicable protocol ICMP (1) allowed',
      '8 not-applicable protocol ICMP (1) denied',
      '9 skipped NODATA',
      '10 skipped SKIPDATA',
      '11 flow 2001:db8:1234:a100:8d6e:3477:df66:f105 -> 2001:db8:1234:a102:3304:8879:34cf:4071 TCP/22 allowed',
      '12 flow 10.0.4.18 -> 10.0.5.77 SCTP/9000 allowed',
      '13 flow 198.51.100.7 -> 10.0.1.23 TCP/443 allowed',
      '14 reply 10.0.1.23 -> 198.51.100.7 allowed',
      '15 not-applicable protocol GRE (47) allowed',
    ]);
    expect(records[0]).toEqual({
      line: 2,
      time: 1715678460_000,
      timeEnd: 1715678520_000,
      kind: 'flow',
      flow: { src: { kind: 'ip', ip: '10.0.1.23' }, dst: { kind: 'ip', ip: '10.0.2.45' }, protocol: 'TCP', port: 8080 },
      observed: 'allowed',
      direction: undefined,
      srcLabel: '10.0.1.23',
      dstLabel: '10.0.2.45',
    });
  });

  it('reads a custom version-5 format: packet addresses first, tcp-flags, flow-direction', async () => {
    const records = await recordsOf(fixture('vpc-custom-v5.txt'), { format: 'vpc' });
    expect(records.map(summarize)).toEqual([
      '2 flow 10.0.12.34 -> 10.0.20.8 TCP/8080 allowed',
      '3 reply 10.0.20.8 -> 10.0.12.34 allowed',
      '4 flow 10.0.30.9 -> 10.0.12.40 TCP/5432 denied',
      '5 flow 10.0.12.34 -> 52.95.128.179 TCP/443 allowed',
      '6 reply 52.95.128.179 -> 10.0.12.34 allowed',
      // pkt-srcaddr and pkt-dstaddr are "-": the interface addresses stand in.
      '7 flow 10.0.10.5 -> 10.0.0.2 UDP/53 allowed',
      '8 skipped NODATA',
      '9 flow 2600:1f14:abc:de00::1a -> 2600:1f14:abc:de01::2b TCP/443 allowed',
      '10 not-applicable protocol ICMPv6 (58) allowed',
      '11 flow 10.0.12.34 -> 10.0.40.2 UDP/514 denied',
      '12 flow 52.213.180.42 -> 10.0.0.62 TCP/5001 allowed',
      '13 reply 10.0.0.62 -> 52.213.180.42 allowed',
    ]);
    expect(records.map((r) => r.direction)).toEqual([
      'egress', 'ingress', 'ingress', 'egress', 'ingress', 'egress', undefined, 'egress', 'ingress', 'egress', 'ingress', 'egress',
    ]);
  });

  it('reports malformed records with their line numbers and reads the rest', async () => {
    const records = await recordsOf(fixture('vpc-malformed.txt'), { format: 'vpc' });
    expect(records.map(summarize)).toEqual([
      '2 flow 10.0.1.23 -> 10.0.2.45 TCP/8080 allowed',
      '3 error 13 fields where the header names 14',
      expect.stringMatching(/^4 error srcaddr: "10\.0\.1\.300" is neither an IP address nor a pod reference/),
      '5 error dstport: "http" is not a port (1-65535)',
      '6 error protocol: "tcp" is not an IANA protocol number',
      '7 error action: "ALLOW" is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED',
      '8 error srcaddr: missing ("-")',
      '10 flow 10.0.1.23 -> 10.0.2.45 TCP/8080 denied',
    ]);
  });

  it('reads CloudWatch Logs records, which have no header, in the default format', async () => {
    const text = fixture('vpc-default-v2.txt').toString().split('\n').slice(1).join('\n');
    const records = await recordsOf(text, { format: 'vpc' });
    expect(records[0]).toMatchObject({ line: 1, kind: 'flow', flow: { port: 8080 } });
    expect(records).toHaveLength(14);
  });

  it('takes a header met later (files concatenated) in place of the first, underscores read as hyphens', async () => {
    const text = [
      'version srcaddr dstaddr srcport dstport protocol action log-status',
      '2 10.0.0.1 10.0.0.2 40000 80 6 ACCEPT OK',
      'srcaddr dstport dstaddr protocol log_status',
      '10.0.0.3 443 10.0.0.4 6 OK',
      '- - - - NODATA',
    ].join('\n');
    expect((await recordsOf(text, { format: 'vpc' })).map(summarize)).toEqual([
      '2 flow 10.0.0.1 -> 10.0.0.2 TCP/80 allowed',
      '4 flow 10.0.0.3 -> 10.0.0.4 TCP/443',
      '5 skipped NODATA',
    ]);
  });

  it('refuses an input that opens with neither a header nor a default-format record', async () => {
    await expect(collect(readFlowLogBytes(chunked('a b c\n'), { format: 'vpc' }))).rejects.toThrow(FlowLogFormatError);
  });

  describe('reply heuristic', () => {
    it.each([
      ['SYN: an attempt, even from a low port', 2, 443, 50000, false],
      ['SYN with FIN: an attempt', 3, 43638, 5001, false],
      ['SYN-ACK: a reply', 18, 5001, 43638, true],
      ['SYN-ACK with FIN: a reply', 19, 80, 34210, true],
      ['no SYN: a service port answering an ephemeral one', 1, 443, 44790, true],
      ['no flags: a service port answering an ephemeral one', undefined, 53, 53211, true],
      ['no flags: an ephemeral port calling a service port', undefined, 53211, 53, false],
      ['no flags: both ports ephemeral', undefined, 40000, 50000, false],
      ['no flags: both ports low (a NodePort client)', undefined, 8080, 30080, false],
      ['no source port', undefined, undefined, 50000, false],
    ])('%s', (_name, flags, srcPort, dstPort, reply) => {
      expect(isVpcReply(flags, srcPort, dstPort)).toBe(reply);
    });
  });
});
