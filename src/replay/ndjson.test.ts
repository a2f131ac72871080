import { describe, expect, it } from 'vitest';
import { fixture, recordsOf, summarize } from './test-support.js';

describe('NDJSON flow logs', () => {
  it('reads flows in the CLI format with an optional observed or verdict field', async () => {
    const records = await recordsOf(fixture('flows.ndjson'), { format: 'ndjson' });
    expect(records.map(summarize)).toEqual([
      '1 flow prod/frontend -> prod/backend TCP/8080 allowed',
      '2 flow 10.0.3.7 -> prod/payments TCP/9090 denied',
      '3 flow staging:app=job-runner,team=data -> fd00:10:244:2::5c UDP/5353',
      '4 not-applicable protocol ICMP (1) allowed',
      '5 flow prod/frontend -> telecom/statefulset/amf SCTP/38412 denied',
      '7 flow 198.51.100.23 -> prod/frontend TCP/8443 denied',
    ]);
    expect(records[2]).toMatchObject({ srcLabel: 'staging:app=job-runner,team=data', dstLabel: 'fd00:10:244:2::5c' });
  });

  it('reports malformed lines with their line numbers and reads the rest', async () => {
    const records = await recordsOf(fixture('ndjson-malformed.ndjson'), { format: 'ndjson' });
    expect(records.map(summarize)).toEqual([
      '1 flow prod/frontend -> prod/backend TCP/8080',
      expect.stringMatching(/^2 error not valid JSON \(/),
      '3 error expected a JSON object, not ["prod/frontend","prod/backend",8080]',
      '4 error port: 0 is not a port; use a whole number from 1 to 65535',
      '5 error protocol: "QUIC" is not an IP protocol name or number',
      '6 error dst: required',
      '7 error observed: "maybe" is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED',
      '8 flow prod/frontend -> prod/payments TCP/9090 denied',
    ]);
  });
});
