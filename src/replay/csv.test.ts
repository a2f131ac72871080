import { describe, expect, it } from 'vitest';
import { createCsvReader, splitCsvLine } from './csv.js';
import { readFlowLogBytes } from './index.js';
import { FlowLogFormatError, type LogRecord } from './records.js';
import { chunked, collect, fixture, recordsOf, summarize } from './test-support.js';

describe('CSV flow logs', () => {
  it('reads rows by the header: quoted fields, CLI endpoints, verdicts, any column order, extra columns', async () => {
    const records = await recordsOf(fixture('flows.csv'), { format: 'csv' });
    expect(records.map(summarize)).toEqual([
      '2 flow prod/frontend -> prod/backend TCP/8080 allowed',
      '3 flow prod/frontend -> 10.0.2.45 TCP/443 allowed',
      '4 flow prod:app=frontend,tier=web -> kube-system/coredns UDP/53 allowed',
      '5 flow 198.51.100.23 -> prod/frontend TCP/8443 denied',
      '6 flow fd00:10:244:2::5c -> prod/deployment/backend TCP/8080',
      '7 not-applicable protocol ICMP (1) denied',
      '8 flow staging:app=job-runner -> telecom/amf-0 SCTP/38412 denied',
      '9 flow prod/frontend -> prod/payments TCP/9090 denied',
    ]);
    expect(records[2]).toMatchObject({ srcLabel: 'prod:app=frontend,tier=web', dstLabel: 'kube-system/coredns' });
    expect(records[6]!.flow!.src).toEqual({ kind: 'adhoc', pod: { namespace: 'staging', labels: { app: 'job-runner' }, ports: [] } });
  });

  it('reports malformed rows with their line numbers, passes over a repeated header, and reads the rest', async () => {
    const records = await recordsOf(fixture('csv-malformed.csv'), { format: 'csv' });
    expect(records.map(summarize)).toEqual([
      '2 flow prod/frontend -> prod/backend TCP/8080 allowed',
      '3 error field 2: the quoted field does not end on this line (fields cannot span lines)',
      '4 error port: "80x" is not a port (1-65535)',
      '5 error 4 fields where the header names 5',
      '6 error field 2: a quote inside an unquoted field',
      expect.stringMatching(/^7 error dst: "not an endpoint" is neither an IP address nor a pod reference/),
      '8 error action: "MAYBE" is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED',
      '10 flow prod/frontend -> prod/backend UDP/53 denied',
    ]);
  });

  it('reads the byte order mark and CRLF line ends of spreadsheet exports', async () => {
    const records = await recordsOf('\ufeffSrc,Dst,Port,Protocol\r\nprod/a,prod/b,80,TCP\r\n');
    expect(records.map(summarize)).toEqual(['2 flow prod/a -> prod/b TCP/80']);
  });

  it('needs a header naming src, dst and port', async () => {
    const read = collect(readFlowLogBytes(chunked('source,destination,port\na,b,80\n'), { format: 'csv' }));
    await expect(read).rejects.toThrow(new FlowLogFormatError('CSV flow log: line 1 is not a header naming the columns src, dst, port'));
  });

  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    [' a , "b" ,c ', ['a', 'b', 'c']],
    ['a,,', ['a', '', '']],
    ['""', ['']],
  ])('splits %j per RFC 4180', (line, fields) => {
    expect(splitCsvLine(line)).toEqual(fields);
  });

  it.each([
    ['"a', /does not end on this line/],
    ['"a"b', /text after the closing quote/],
    ['a"b', /a quote inside an unquoted field/],
  ])('refuses %j', (line, message) => {
    expect(() => splitCsvLine(line)).toThrow(message);
  });

  it('hands every reader the same endpoint object for the same text, so that verdicts are reused across the parts of a log', () => {
    const read = (): LogRecord | undefined => {
      const reader = createCsvReader();
      reader('src,dst,port', 1);
      return reader('prod/frontend,10.0.2.45,443', 2);
    };
    const [a, b] = [read()!, read()!];
    expect(a.flow!.src).toBe(b.flow!.src);
    expect(a.flow!.dst).toBe(b.flow!.dst);
  });
});
