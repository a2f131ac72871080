import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/engine.js';
import type { Verdict } from '../model/decision.js';
import type { Flow } from '../model/flow.js';
import { replayAgainstBaseline, sideBySide } from './baseline.js';
import { BaselineSummary } from './baseline-summary.js';
import { RuleHits } from './rule-hits.js';
import { chunked } from './test-support.js';

/** Every flow allowed by rule 0 of ns/p in the baseline, denied in the new bundle: every flow breaks. */
const allowed: Verdict = {
  allowed: true, reason: 'allowed', deniedBy: [],
  ingress: { direction: 'ingress', allowed: true, reason: 'allowed-by-rule', allowedBy: { policy: { namespace: 'ns', name: 'p' }, rule: 0 } },
};
const denied: Verdict = { allowed: false, reason: 'denied', deniedBy: ['ingress'], ingress: { direction: 'ingress', allowed: false, reason: 'no-rule-matched' } };
const always = (verdict: Verdict): Pick<Engine, 'decideBatch'> => ({ decideBatch: async (flows: readonly Flow[]) => flows.map(() => verdict) });

/** The one would-break group of a log, the baseline's rule hits, and the report's problems. */
async function replayed(name: string, text: string) {
  const summary = new BaselineSummary();
  const rules = new RuleHits();
  await replayAgainstBaseline([{ name, bytes: chunked(text) }], { decider: sideBySide(always(denied), always(allowed)), summary, rules: new RuleHits() });
  // Rule hits are counted for the new bundle; count the baseline's here, with the same records.
  await replayAgainstBaseline([{ name, bytes: chunked(text) }], { decider: sideBySide(always(allowed), always(allowed)), summary: new BaselineSummary(), rules });
  const report = summary.toJSON({ rules: [], unusedRules: null, shadowedRules: null, otherRuleFlows: 0 });
  return { groups: report.changes.break.groups, rule: rules.toJSON()[0], problems: report.problems, text: summary.toText({ rules: [], unusedRules: null, shadowedRules: null, otherRuleFlows: 0 }) };
}

const T1 = '2024-05-14T09:00:01.000Z';
const T2 = '2024-05-14T09:00:02.000Z';
const T3 = '2024-05-14T09:00:03.000Z';

/** A Hubble line of a flow a/x -> b/y TCP/80; the time goes in the flow, the wrapper or both. */
function hubble(times: { flow?: string; wrapper?: string }): string {
  const end = (pod: string) => ({ namespace: pod.split('/')[0], pod_name: pod.split('/')[1] });
  const flow = {
    ...(times.flow ? { time: times.flow } : {}), verdict: 'FORWARDED', Type: 'L3_L4', IP: { source: '10.0.0.1', destination: '10.0.0.2' },
    l4: { TCP: { source_port: 40000, destination_port: 80, flags: { SYN: true } } }, source: end('a/x'), destination: end('b/y'), is_reply: false,
  };
  return JSON.stringify({ flow, node_name: 'n', ...(times.wrapper ? { time: times.wrapper } : {}) });
}

describe('first and last seen by time', () => {
  it('CSV: a time, timestamp or start column, in RFC 3339 or epoch; out of order, first is the earliest', async () => {
    for (const column of ['time', 'timestamp', 'start']) {
      const log = `src,dst,port,${column},verdict\na/x,b/y,80,${T2},allowed\na/x,b/y,80,${Date.parse(T3) / 1000},allowed\na/x,b/y,80,${Date.parse(T1)},allowed\n`;
      const { groups, rule } = await replayed('log.csv', log);
      expect(groups).toMatchObject([{ flows: 3, firstSeen: { file: 'log.csv', line: 4, time: T1 }, lastSeen: { file: 'log.csv', line: 3, time: T3 } }]);
      expect(rule).toMatchObject({ flows: 3, firstSeen: { line: 4, time: T1 }, lastSeen: { line: 3, time: T3 } });
    }
  });

  it('NDJSON: a time, timestamp or start field, as RFC 3339 text, epoch seconds or milliseconds', async () => {
    const line = (extra: string) => `{"src":"a/x","dst":"b/y","port":80,"observed":"allowed",${extra}}`;
    const log = [line(`"timestamp":"${T2}"`), line(`"time":${Date.parse(T1)}`), line(`"start":"${Date.parse(T3) / 1000}"`)].join('\n');
    const { groups } = await replayed('log.ndjson', log);
    expect(groups).toMatchObject([{ flows: 3, firstSeen: { line: 2, time: T1 }, lastSeen: { line: 3, time: T3 } }]);
  });

  it('VPC: start and end (epoch seconds) are the window: last seen is the latest end', async () => {
    const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
    const row = (start: string, end: string) => `2 1 eni-1 10.0.1.23 10.0.2.45 49152 80 6 1 1 ${Date.parse(start) / 1000} ${Date.parse(end) / 1000} ACCEPT OK`;
    const { groups, rule, text } = await replayed('vpc.txt', [header, row(T2, T3), row(T1, T2)].join('\n'));
    expect(groups).toMatchObject([{ flows: 2, firstSeen: { line: 3, time: T1 }, lastSeen: { line: 2, time: T3 } }]);
    expect(rule).toMatchObject({ firstSeen: { line: 3, time: T1 }, lastSeen: { line: 2, time: T3 } });
    expect(text).toContain(`[${T1} vpc.txt:3 .. ${T3} vpc.txt:2]`);
  });

  it('Hubble: the flow\'s time, else the wrapper\'s; nanoseconds reported to the millisecond', async () => {
    const log = [hubble({ flow: '2024-05-14T09:00:02.123456789Z', wrapper: T1 }), hubble({ wrapper: T3 }), hubble({ flow: T2 })].join('\n');
    const { groups } = await replayed('hubble.jsonl', log);
    expect(groups).toMatchObject([{ flows: 3, firstSeen: { line: 3, time: T2 }, lastSeen: { line: 2, time: T3 } }]);
  });

  it('without times, first and last seen are where the flows were read; a time beats none', async () => {
    const plain = await replayed('log.csv', 'src,dst,port,verdict\na/x,b/y,80,allowed\na/x,b/y,80,allowed\n');
    expect(plain.groups[0]!.firstSeen).toEqual({ file: 'log.csv', line: 2 });
    expect(plain.groups[0]!.lastSeen).toEqual({ file: 'log.csv', line: 3 });
    expect(plain.text).toContain('[log.csv:2 .. log.csv:3]');
    expect(plain.rule!.lastSeen).toEqual({ file: 'log.csv', line: 3 });
    const mixed = await replayed('log.csv', `src,dst,port,time,verdict\na/x,b/y,80,,allowed\na/x,b/y,80,${T2},allowed\na/x,b/y,80,-,allowed\n`);
    expect(mixed.groups).toMatchObject([{ flows: 3, firstSeen: { line: 3, time: T2 }, lastSeen: { line: 3, time: T2 } }]);
    expect(mixed.text).toContain(`[${T2} log.csv:3]`);
  });

  it('a time that is not one is the line\'s error, with its line, in every format', async () => {
    const csv = await replayed('log.csv', 'src,dst,port,time\na/x,b/y,80,yesterday\n');
    expect(csv.problems).toEqual([{ file: 'log.csv', line: 2, message: 'time: "yesterday" is not an RFC 3339 time (2024-05-14T09:21:07Z) or epoch seconds or milliseconds' }]);
    const ndjson = await replayed('log.ndjson', '{"src":"a/x","dst":"b/y","port":80,"time":"2024-02-30T00:00:00Z"}');
    expect(ndjson.problems).toEqual([{ file: 'log.ndjson', line: 1, message: expect.stringMatching(/^time: "2024-02-30T00:00:00Z" is not/) as string }]);
    const vpc = await replayed('vpc.txt', 'version srcaddr dstaddr dstport protocol start end\n2 10.0.1.23 10.0.2.45 80 6 soon 1715678460');
    expect(vpc.problems).toEqual([{ file: 'vpc.txt', line: 2, message: expect.stringMatching(/^start: "soon" is not/) as string }]);
    const hub = await replayed('hubble.jsonl', hubble({ flow: 'noon' }));
    expect(hub.problems).toEqual([{ file: 'hubble.jsonl', line: 1, message: expect.stringMatching(/^time: "noon" is not/) as string }]);
  });
});
