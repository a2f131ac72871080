/** @module Helpers for the replay tests: fixtures as byte streams in small chunks, records collected and summarised. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Engine } from '../engine/engine.js';
import type { Bundle, Pod } from '../model/bundle.js';
import { replayAgainstBaseline, sideBySide } from './baseline.js';
import { BaselineSummary } from './baseline-summary.js';
import { EndpointDirectory } from './endpoint-directory.js';
import type { EndpointTables } from './flow-records.js';
import { readFlowLogBytes, type FlowLogFormat, type ReadFlowLogBytesOptions } from './index.js';
import { replay } from './replay.js';
import { bundleRules, MAX_COUNTED_RULES, RuleHits } from './rule-hits.js';
import { ReplaySummary } from './summary.js';
import { endpointLabel, type LogRecord } from './records.js';

const FIXTURES = new URL('../../test/fixtures/flowlogs/', import.meta.url);

export function fixture(name: string): Uint8Array {
  return readFileSync(new URL(name, FIXTURES));
}

/** Odd-sized chunks, so that lines and multi-byte characters straddle chunk boundaries. */
export async function* chunked(bytes: Uint8Array | string, size = 97): AsyncGenerator<Uint8Array> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** chunked, but every chunk in one buffer, refilled for the next (as a reader reusing its buffer yields them). */
export async function* refilled(bytes: Uint8Array | string, size: number): AsyncGenerator<Uint8Array> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const buffer = new Uint8Array(size);
  for (let at = 0; at < data.length; at += size) {
    const part = data.subarray(at, at + size);
    buffer.set(part);
    yield part.length === size ? buffer : buffer.subarray(0, part.length);
  }
}

export async function collect(runs: AsyncIterable<LogRecord[]>): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const run of runs) records.push(...run);
  return records;
}

export function recordsOf(input: Uint8Array | string, options: ReadFlowLogBytesOptions = {}): Promise<LogRecord[]> {
  return collect(readFlowLogBytes(chunked(input), options));
}

/** One line per record, to compare whole files at a glance: `3 flow a -> b TCP/80 allowed`. */
export function summarize(record: LogRecord): string {
  const { flow } = record;
  const what = flow
    ? `${endpointLabel(flow.src)} -> ${endpointLabel(flow.dst)} ${flow.protocol}/${flow.port}`
    : (record.error ?? record.reason ?? `${record.srcLabel} -> ${record.dstLabel}`);
  return [record.line, record.kind, what, record.observed].filter((part) => part !== undefined).join(' ');
}

/** Ways a Hubble line is spelled differently (same value) or broken (JSON.parse refuses it). */
export const hubbleMutation = fc.oneof(
  fc.constant((s: string) => s),
  fc.constant((s: string) => s.replaceAll(':', ' : ').replaceAll(',', ',\t')),
  fc.constant((s: string) => ` \r\n${s}\n `),
  fc.constant((s: string) => s.replace('"IP"', '"\\u0049P"')),
  fc.constant((s: string) => s.replace('"source"', '"s\\u006furce"')),
  fc.constant((s: string) => s.replace('"FORWARDED"', '"FORWARD\\u0045D"').replace('"prod"', '"pr\\u006fd"')),
  fc.constant((s: string) => s.replace('"destination_port":', '"destination_port":99,"destination_port":')),
  fc.constant((s: string) => s.replace('{', '{"verdict":"DROPPED","Type":"L7",')),
  fc.constant((s: string) => s.replace('"TCP":{', '"TCP":{"flags":{"SYN":true,"ACK":true},')),
  fc.constant((s: string) => s.replace('"namespace":', '"namespace":"other","namespace":')),
  fc.constant((s: string) => s.replace('"labels":[', '"labels":["k8s:x=y"],"labels":[')),
  fc.constant((s: string) => s.replace(/"l4":\{/, '"l4":{"0":1,')),
  fc.constant((s: string) => `${s}x`),
  fc.constant((s: string) => s.replace('}', ',}')),
  fc.constant((s: string) => s.replace(':', '::')),
  fc.constant((s: string) => s.replace('"', "'")),
  fc.constant((s: string) => s.replace('true', 'True')),
  fc.constant((s: string) => s.replace(/[0-9]+/, (n) => `0${n}`)),
  fc.constant((s: string) => s.replace(/"[^"]*"/, '"tab\there"')),
  fc.constant((s: string) => s.replace('\\', '\\x')),
  fc.integer({ min: 0, max: 400 }).map((at) => (s: string) => s.slice(0, at)),
  fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom('{', '}', '[', ']', ',', '"', ':', '\\', '\u0000', '-', 'e')).map(([at, c]) => (s: string) => s.slice(0, at) + c + s.slice(at)),
);

/** A log as a replay test reads it: its text, file name, format (else detected), chunk size, and whether its chunks share one buffer (refilled). */
export interface TestLog {
  readonly text: string;
  readonly name: string;
  readonly format?: FlowLogFormat;
  readonly chunk?: number;
  readonly reused?: boolean;
}

/** How a replay test replays: batch size, group bound, and endpoint tables kept across replays. */
export interface TestReplay {
  readonly batchSize: number;
  readonly groups: number;
  readonly endpointTables?: EndpointTables;
  /** Distinct rules counted (RuleHits' bound): MAX_COUNTED_RULES unless a test wants to reach it. */
  readonly rules?: number;
}

/** What two ways of replaying must agree on: the text and JSON summaries (rule hits in) and --out. */
export interface ReplayReport {
  readonly text: string;
  readonly json: string;
  readonly out: string;
}

/** What a single and a baseline replay of `log` (or of several logs, one input each) share: the inputs, the directory, the options of `how`, rule hits and --out lines. */
function replayOf(log: TestLog | readonly TestLog[], bundle: Bundle, how: TestReplay) {
  const logs: readonly TestLog[] = Array.isArray(log) ? log : [log];
  const rules = new RuleHits(how.rules ?? MAX_COUNTED_RULES);
  const out: string[] = [];
  const options = {
    directory: new EndpointDirectory(bundle),
    endpointTables: how.endpointTables,
    // Several logs: each input's format told by its name.
    format: logs.length === 1 ? logs[0]!.format : undefined,
    rules,
    batchSize: how.batchSize,
    out: (text: string) => void out.push(text),
  };
  const inputs = logs.map((one) => ({ name: one.name, bytes: one.reused === true ? refilled(one.text, one.chunk ?? 61) : chunked(one.text, one.chunk ?? 61) }));
  return { inputs, options, rules, out };
}

/** A single replay of `log` against `bundle` (decided by `engine`), as the CLI reports it. */
export async function singleReport(log: TestLog, engine: Engine, bundle: Bundle, how: TestReplay): Promise<ReplayReport> {
  const summary = new ReplaySummary(how.groups);
  const { inputs, options, rules, out } = replayOf(log, bundle, how);
  await replay(inputs, { ...options, engine, summary });
  return { text: summary.toText(3), json: JSON.stringify({ ...summary.toJSON(), rules: rules.toJSON() }), out: out.join('\n') };
}

/**
 * A single replay of `logs` (one input each) that reports no line on its own (no --out, no
 * --rules), or, `lineByLine`, with an --out thrown away: its summary as text, as JSON, and as the
 * part a --jobs worker hands over (groups in the order they were first listed).
 */
export async function summaryReport(logs: readonly TestLog[], engine: Engine, bundle: Bundle, how: TestReplay & { readonly lineByLine?: boolean }): Promise<string> {
  const summary = new ReplaySummary(how.groups);
  const inputs = logs.map((log) => ({ name: log.name, bytes: chunked(log.text, log.chunk ?? 61) }));
  const out = how.lineByLine ? () => undefined : undefined;
  await replay(inputs, { engine, summary, directory: new EndpointDirectory(bundle), endpointTables: how.endpointTables, batchSize: how.batchSize, format: logs[0]?.format, out });
  return [summary.toText(3), JSON.stringify(summary.toJSON(50)), JSON.stringify(summary.toPart())].join('\n');
}

/** A replay of `log` (or of several, one input each) by `next` against the baseline `old`, resolved with `bundle` (the new one), as the CLI reports it. */
export async function baselineReport(log: TestLog | readonly TestLog[], next: Engine, old: Engine, bundle: Bundle, how: TestReplay): Promise<ReplayReport> {
  const summary = new BaselineSummary(how.groups);
  const { inputs, options, rules, out } = replayOf(log, bundle, how);
  await replayAgainstBaseline(inputs, { ...options, decider: sideBySide(next, old), summary });
  const ruleReport = { rules: rules.toJSON(), unusedRules: rules.unusedAmong(bundleRules(bundle)), shadowedRules: [], otherRuleFlows: rules.otherFlows };
  return { text: summary.toText(ruleReport, 3), json: JSON.stringify(summary.toJSON(ruleReport)), out: out.join('\n') };
}

/**
 * Random CSV and VPC logs over `bundle`'s pods and addresses, for the records path's differential
 * tests: a few conversations told again and again (up to `maxLines` lines), with malformed lines,
 * unknown, ad-hoc and mixed-family endpoints, other protocols, odd times and mixed verdicts, and
 * some that policy rules decide.
 */
export function randomFlowLogs(bundle: Bundle, maxLines = 120) {
  const refs = bundle.pods.map((pod) => pod.ref);
  const podIPs = bundle.pods.flatMap((pod) => pod.ips);
  /** Mostly well-formed values, sometimes odd ones (malformed, or spelled so that only the object path takes them). */
  const pick = (usual: readonly string[], odd: readonly string[]): fc.Arbitrary<string> =>
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
  const endpoint = pick(
    [...refs, ...podIPs, 'prod/frontend', 'prod/backend', '10.0.2.45', '198.51.100.23', 'fd00::99'],
    ['prod/nope', '"prod:app=frontend,tier=web"', ' prod/backend', 'PROD/x', '', '10.0.2.045'],
  );
  /** Lines of either kind, repeated, with some that fit no format. */
  const lines = (row: fc.Arbitrary<string>) =>
    fc
      .array(fc.oneof({ weight: 8, arbitrary: row }, fc.constantFrom('a,b', '', 'x'.repeat(40), '2 1 2'), row.map((line) => `${line} `)), { minLength: 1, maxLength: 40, size: 'max' })
      .chain((picked) => fc.array(fc.nat({ max: picked.length - 1 }), { maxLength: maxLines, size: 'max' }).map((at) => at.map((i) => picked[i]!)));
  /**
   * Rows of a few conversations (the columns that decide a verdict) told again and again with other
   * times, verdicts and source ports, some of them malformed only there: the byte path's memo of
   * conversations must never answer from those columns.
   */
  const rows = <C, L>(conversation: fc.Arbitrary<C>, rest: fc.Arbitrary<L>, row: (c: C, l: L) => string): fc.Arbitrary<string[]> =>
    fc.array(conversation, { minLength: 1, maxLength: 6 }).chain((pool) => lines(fc.tuple(fc.constantFrom(...pool), rest).map(([c, l]) => row(c, l))));
  /** Conversations the bundle's rules decide, when it has the flow-log fixture's prod pods: rule hits for the reports to count. */
  const prodPod = (app: string) => bundle.pods.find((pod) => pod.namespace === 'prod' && pod.labels.app === app && pod.ips[0] !== undefined);
  const [frontend, backend, payments] = ['frontend', 'backend', 'payments'].map(prodPod);
  const decided = (ref: (pod: Pod) => string, tcp: string): [string, string, string, string][] =>
    frontend && backend && payments
      ? [[ref(frontend), ref(backend), '8080', tcp], [ref(frontend), ref(payments), '9090', tcp], ['198.51.100.23', ref(frontend), '8443', tcp], [ref(frontend), '198.51.100.23', '443', tcp]]
      : [];
  const orDecided = (conversation: fc.Arbitrary<[string, string, string, string]>, ref: (pod: Pod) => string, tcp: string) => {
    const known = decided(ref, tcp);
    return known.length === 0 ? conversation : fc.oneof({ weight: 3, arbitrary: conversation }, { weight: 1, arbitrary: fc.constantFrom(...known) });
  };
  const csvRows = rows(
    orDecided(fc.tuple(endpoint, endpoint, pick(['80', '8080', '5432', '53', '9100', '443'], ['0', '65536', '-', 'http', '', ' 80']), pick(['TCP', 'UDP', '6', '17', 'SCTP', '132', ''], ['tcp', 'ICMP', '1', 'bogus'])), (pod) => pod.ref, 'TCP'),
    fc.tuple(
      pick(['allowed', 'denied', 'ACCEPT', 'REJECT', 'FORWARDED', 'DROPPED', '', '-'], ['Allowed', 'maybe']),
      pick(['2024-05-14T09:21:07Z', '1715678460', '1715678460123', '', '1715678461', '2024-05-14 09:21:08.5+02:00'], ['yesterday', '99999999999999999', '1715678460.']),
    ),
    ([src, dst, port, protocol], [verdict, time]) => [src, dst, port, protocol, verdict, time].join(','),
  );
  const vpcRows = rows(
    orDecided(fc.tuple(pick([...podIPs, '10.0.2.45', '198.51.100.23'], ['fd00::99', '-', 'x']), pick([...podIPs, '10.0.2.45'], ['-']), pick(['8080', '53', '5432', '49152'], ['0', '-']), pick(['6', '17', '132'], ['1', '-', 'TCP', '06'])), (pod) => pod.ips[0]!, '6'),
    fc.tuple(pick(['49152', '8080', '443', '-'], ['x', '0']), pick(['1715678460', '1715678521', '-'], ['soon', '99999999999999999']), pick(['ACCEPT', 'REJECT', '-'], ['accept']), pick(['OK'], ['NODATA', 'SKIPDATA'])),
    ([src, dst, dstPort, protocol], [srcPort, start, action, status]) => `2 123456789010 eni-0a1b ${src} ${dst} ${srcPort} ${dstPort} ${protocol} 10 840 ${start} 1715678520 ${action} ${status}`,
  );
  /** A log with LF or CRLF line ends, some lines not ASCII (which the byte path leaves to the text path). */
  const logOf = (header: string, rows: fc.Arbitrary<string[]>): fc.Arbitrary<string> =>
    fc.tuple(rows, fc.constantFrom('\n', '\r\n'), fc.nat({ max: 4 })).map(([lines, end, odd]) => {
      const text = lines.map((line, i) => (i % 5 === odd ? line.replace('prod', 'prød') : line));
      return `${header}${end}${text.join(end)}${end}`;
    });
  const csvLog = logOf('src,dst,port,protocol,verdict,time', csvRows);
  const vpcLog = logOf('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status', vpcRows);
  /** Chunks that cut most lines (their bytes put together before the byte path reads them), or hold many whole lines. */
  const chunkSize = fc.constantFrom(61, 4096);
  return { csvLog, vpcLog, chunkSize };
}
