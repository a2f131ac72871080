/**
 * `netpol-edge replay`, end to end: every flow-log fixture of test/fixtures/flowlogs replayed
 * against cluster.yaml (the cluster those logs were captured on, and a policy change under review;
 * its header says what it models). The expected reports were worked out by hand from the fixtures
 * and the bundle, line by line; the comments give the reasoning where it is not obvious.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Group, ReportJSON, Totals } from '../src/replay/summary.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'netpol-edge.js');
const LOGS = 'test/fixtures/flowlogs';
const BUNDLE = `${LOGS}/cluster.yaml`;
const EXIT_WOULD_BREAK = 3;

const TMP = mkdtempSync(join(tmpdir(), 'netpol-edge-replay-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], input?: string | Buffer): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `replay --bundle cluster.yaml --summary json ...`: the exit code and the parsed report. */
function replayJSON(args: string[], input?: string | Buffer): { code: number | null; report: ReportJSON; stderr: string } {
  const { code, stdout, stderr } = run(['replay', '--bundle', BUNDLE, '--summary', 'json', ...args], input);
  expect(stderr, 'no warnings or errors on stderr').toBe('');
  return { code, report: JSON.parse(stdout) as ReportJSON, stderr };
}

/** The NDJSON --out file, parsed. */
function readOut(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const fixture = (name: string): string => readFileSync(join(ROOT, LOGS, name), 'utf8');

function totals(
  records: number,
  judged: number,
  allowed: number,
  denied: number,
  replies: number,
  notApplicable: number,
  unresolved: number,
  malformed: number,
): Totals {
  return { records, judged, allowed, denied, replies, notApplicable, unresolved, malformed };
}

/** A report group; what decided it (`why`) is checked in its own test. */
const g = (src: string, dst: string, service: string, count = 1): Group =>
  expect.objectContaining({ src, dst, service, count }) as unknown as Group;

interface Expected {
  readonly code: number;
  readonly totals: Totals;
  readonly topDenied: Group[];
  readonly wouldBreak: { total: number; top: Group[] };
  readonly wouldOpen: { total: number; top: Group[] };
  /** Line numbers of the malformed (or unresolved) lines, and their messages. */
  readonly problems: [number, string | RegExp][];
}

const FRONTEND_IPV6_CLIENT = '2001:db8:4006:812::200e';
const JSON_ERROR = /^not valid JSON \(/;

/**
 * Totals are records (non-blank lines other than headers), judged, allowed, denied, replies, not
 * applicable, unresolved, malformed. Groups are ordered by count, then by "src dst service".
 */
const EXPECTED: Record<string, Expected> = {
  // 19 records: 12 judged (lines 1, 3, 4, 5, 6, 8, 9, 10, 11, 14, 15, 18); replies 2 (is_reply) and 16
  // (no is_reply, SYN-ACK); not applicable: 7 (L7), 12 (ICMPv4), 13 (ICMPv6), 17 (lost_events), 19 (SOCK).
  // Denied: 10 (IPv6 client, frontend-public has only 0.0.0.0/0), 14 (amf admits only the RAN block;
  // job-runner is ad hoc, so no IP for an ipBlock), 15 (AUDIT verdict: no observation; frontend
  // egress allows backend on 8080 only, and backend admits 9100 from Prometheus only).
  // Allowed and notable: 11 (job-runner judged by its Hubble labels, admitted by the backend's
  // team=data rule), 18 (from the frontend's own node 172.18.0.3: always allowed; the hostNetwork
  // cilium agent on that IP owns no pod IP). Lines 4 and 5 (DROPPED) are one "would open" group.
  'hubble-observe.jsonl': {
    code: EXIT_WOULD_BREAK,
    totals: totals(19, 12, 9, 3, 2, 5, 0, 0),
    topDenied: [
      g(FRONTEND_IPV6_CLIENT, 'prod/frontend', 'TCP/8443'),
      g('prod/frontend', 'prod/backend', 'TCP/9100'),
      g('staging/job-runner', 'telecom/amf', 'SCTP/38412'),
    ],
    wouldBreak: {
      total: 2,
      top: [g(FRONTEND_IPV6_CLIENT, 'prod/frontend', 'TCP/8443'), g('staging/job-runner', 'telecom/amf', 'SCTP/38412')],
    },
    wouldOpen: {
      total: 3,
      top: [g('prod/frontend', 'prod/payments', 'TCP/9090', 2), g('198.51.100.23', 'prod/frontend', 'TCP/8443')],
    },
    problems: [],
  },
  // No workloads in legacy output: the ends are named by pod. Line 2 is a reply (deprecated reply: true).
  'hubble-legacy.jsonl': {
    code: 0,
    totals: totals(3, 2, 2, 0, 1, 0, 0, 0),
    topDenied: [],
    wouldBreak: { total: 0, top: [] },
    wouldOpen: { total: 1, top: [g('prod/frontend-7d9f8b6c4-x2kqp', 'prod/payments-6b8c9d7f5-q9trn', 'TCP/9090')] },
    problems: [],
  },
  // Lines 1 and 8 are the same flow, FORWARDED then DROPPED: both allowed now, so line 8 would open.
  'hubble-malformed.jsonl': {
    code: 0,
    totals: totals(8, 2, 2, 0, 0, 0, 0, 6),
    topDenied: [],
    wouldBreak: { total: 0, top: [] },
    wouldOpen: { total: 1, top: [g('prod/frontend', 'prod/backend', 'TCP/8080')] },
    problems: [
      [2, JSON_ERROR],
      [3, 'expected a JSON object, not [{"flow":{}}]'],
      [4, 'not a Hubble flow: expected {"flow": {...}} or a flow object with "IP", "l4" and "Type"'],
      [5, 'IP: no source and destination addresses'],
      [6, 'l4.TCP.destination_port: missing, not a port (1-65535)'],
      [7, 'source: "prod/Frontend_1" is neither an IP address nor a pod reference ("namespace/name" or "namespace/kind/name")'],
    ],
  },
  // 14 records (the header is not one): judged 2, 4, 5, 11, 12, 13; replies 3, 6, 14; not
  // applicable 7, 8 (ICMP), 9, 10 (NODATA, SKIPDATA), 15 (GRE). Line 4 (RDP between two hosts of
  // another VPC, REJECTed by security groups) is outside the cluster at both ends: allowed, so it
  // "would open". Line 13: the billing gateway refuses 198.51.100.0/24.
  'vpc-default-v2.txt': {
    code: EXIT_WOULD_BREAK,
    totals: totals(14, 6, 5, 1, 3, 5, 0, 0),
    topDenied: [g('198.51.100.7', '10.0.1.23', 'TCP/443')],
    wouldBreak: { total: 1, top: [g('198.51.100.7', '10.0.1.23', 'TCP/443')] },
    wouldOpen: { total: 1, top: [g('172.31.9.69', '172.31.9.12', 'TCP/3389')] },
    problems: [],
  },
  // pkt-srcaddr/pkt-dstaddr name the pods (invoicer 10.0.12.34, ledger-db 10.0.12.40) behind their
  // node's ENI 10.0.10.5. Replies: 3 (SYN-ACK), 6 (443 -> ephemeral, FIN only), 13 (SYN-ACK-FIN).
  // Not applicable: 8 (NODATA), 10 (ICMPv6). The invoicer may reach public 443 only: 2 (would break)
  // and 11 (already REJECTed) are denied; ledger-db admits 10.0.0.0/16, so 4 would open. Lines 7
  // (node to the VPC resolver), 9 (IPv6) and 12 (to 10.0.0.62, no pod) have no pod at either end.
  'vpc-custom-v5.txt': {
    code: EXIT_WOULD_BREAK,
    totals: totals(12, 7, 5, 2, 3, 2, 0, 0),
    topDenied: [g('10.0.12.34', '10.0.20.8', 'TCP/8080'), g('10.0.12.34', '10.0.40.2', 'UDP/514')],
    wouldBreak: { total: 1, top: [g('10.0.12.34', '10.0.20.8', 'TCP/8080')] },
    wouldOpen: { total: 1, top: [g('10.0.30.9', '10.0.12.40', 'TCP/5432')] },
    problems: [],
  },
  // Line 9 is blank (not a record); lines 2 and 10 are gateway -> ledger on http, allowed, the
  // second REJECTed in the log.
  'vpc-malformed.txt': {
    code: 0,
    totals: totals(8, 2, 2, 0, 0, 0, 0, 6),
    topDenied: [],
    wouldBreak: { total: 0, top: [] },
    wouldOpen: { total: 1, top: [g('10.0.1.23', '10.0.2.45', 'TCP/8080')] },
    problems: [
      [3, '13 fields where the header names 14'],
      [4, 'srcaddr: "10.0.1.300" is neither an IP address nor a pod reference ("namespace/name" or "namespace/kind/name")'],
      [5, 'dstport: "http" is not a port (1-65535)'],
      [6, 'protocol: "tcp" is not an IANA protocol number'],
      [7, 'action: "ALLOW" is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED'],
      [8, 'srcaddr: missing ("-")'],
    ],
  },
  // Workload names resolve to the Deployments' representative pods (prod/frontend, prod/payments,
  // kube-system/coredns, prod/deployment/backend). Line 3: 10.0.2.45 is the billing ledger; the
  // frontend may only reach public 443, and the ledger admits the gateway only: denied both ways,
  // would break. Line 6 (no verdict): fd00:10:244:2::5c is the payments pod, which the backend does
  // not admit. Line 7 is ICMP. Line 8: amf admits the RAN only (REJECTed already). Line 9 (" Denied "
  // with spaces) would open.
  'flows.csv': {
    code: EXIT_WOULD_BREAK,
    totals: totals(8, 7, 4, 3, 0, 1, 0, 0),
    topDenied: [
      g('fd00:10:244:2::5c', 'prod/deployment/backend', 'TCP/8080'),
      g('prod/frontend', '10.0.2.45', 'TCP/443'),
      g('{"namespace":"staging","labels":{"app":"job-runner"}}', 'telecom/amf-0', 'SCTP/38412'),
    ],
    wouldBreak: { total: 1, top: [g('prod/frontend', '10.0.2.45', 'TCP/443')] },
    wouldOpen: { total: 2, top: [g('198.51.100.23', 'prod/frontend', 'TCP/8443'), g('prod/frontend', 'prod/payments', 'TCP/9090')] },
    problems: [],
  },
  // The repeated header (line 9) is passed over; line 10 (UDP 53 to the backend) is denied both
  // ways, as the log says (REJECT).
  'csv-malformed.csv': {
    code: 0,
    totals: totals(8, 2, 1, 1, 0, 0, 0, 6),
    topDenied: [g('prod/frontend', 'prod/backend', 'UDP/53')],
    wouldBreak: { total: 0, top: [] },
    wouldOpen: { total: 0, top: [] },
    problems: [
      [3, 'field 2: the quoted field does not end on this line (fields cannot span lines)'],
      [4, 'port: "80x" is not a port (1-65535)'],
      [5, '4 fields where the header names 5'],
      [6, 'field 2: a quote inside an unquoted field'],
      [7, 'dst: "not an endpoint" is neither an IP address nor a pod reference ("namespace/name" or "namespace/kind/name")'],
      [8, 'action: "MAYBE" is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED'],
    ],
  },
  // Line 5 is unresolved: amf-0 is owned by the StatefulSet, so telecom/statefulset/amf names no
  // representative pod. Line 2: 10.0.3.7 is outside, payments admits the frontend only. Line 3
  // (ad-hoc job-runner to the payments pod's IPv6 address, UDP 5353) is denied. Line 4 is ICMP, 6 blank.
  'flows.ndjson': {
    code: 0,
    totals: totals(6, 4, 2, 2, 0, 1, 1, 0),
    topDenied: [g('10.0.3.7', 'prod/payments', 'TCP/9090'), g('staging:app=job-runner,team=data', 'fd00:10:244:2::5c', 'UDP/5353')],
    wouldBreak: { total: 0, top: [] },
    wouldOpen: { total: 1, top: [g('198.51.100.23', 'prod/frontend', 'TCP/8443')] },
    problems: [[5, 'dst: no pod or workload "telecom/statefulset/amf" in the bundle']],
  },
  'ndjson-malformed.ndjson': {
    code: 0,
    totals: totals(8, 2, 2, 0, 0, 0, 0, 6),
    topDenied: [],
    wouldBreak: { total: 0, top: [] },
    wouldOpen: { total: 1, top: [g('prod/frontend', 'prod/payments', 'TCP/9090')] },
    problems: [
      [2, JSON_ERROR],
      [3, 'expected a JSON object, not ["prod/frontend","prod/backend",8080]'],
      [4, 'port: 0 is not a port; use a whole number from 1 to 65535'],
      [5, 'protocol: "QUIC" is not an IP protocol name or number'],
      [6, 'dst: required'],
      [7, 'observed: "maybe" is not a verdict; use allowed/denied, ACCEPT/REJECT or FORWARDED/DROPPED'],
    ],
  },
};

function expectReport(report: ReportJSON, expected: Expected, file: string): void {
  expect(report).toEqual({
    totals: expected.totals,
    topDenied: expected.topDenied,
    wouldBreak: expected.wouldBreak,
    wouldOpen: expected.wouldOpen,
    observed: true,
    problems: expected.problems.map(([line, message]) => ({
      file,
      line,
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    })),
  });
}

describe('netpol-edge replay: the bundle', () => {
  it('is valid, with no warnings', () => {
    const { code, stdout, stderr } = run(['validate', BUNDLE]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // 10 Pods; 5 representative pods: Deployments frontend, backend, payments, coredns and the
    // CronJob job-runner (the StatefulSet amf is represented by its pod amf-0).
    expect(stdout).toMatch(/^valid: 5 namespaces, 10 pods, 5 workload pods, 11 policies; sha256:[0-9a-f]{64} \(0 errors, 0 warnings\)\n$/);
  });
});

describe('netpol-edge replay: each format against the bundle', () => {
  it.each(Object.keys(EXPECTED))('%s', (name) => {
    const file = `${LOGS}/${name}`;
    const { code, report } = replayJSON([file]);
    expectReport(report, EXPECTED[name]!, file);
    expect(code).toBe(EXPECTED[name]!.code);
  });

  it('prints the text report, and exits 3 when something would break', () => {
    const { code, stdout, stderr } = run(['replay', '--bundle', BUNDLE, `${LOGS}/hubble-observe.jsonl`]);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_WOULD_BREAK);
    expect(stdout).toBe(
      [
        'records 19: judged 12 (allowed 9, denied 3), replies 2, not applicable 5, unresolved 0, malformed 0',
        '',
        'top denied (3 flows)',
        '  1  2001:db8:4006:812::200e -> prod/frontend : TCP/8443  ingress: no NetworkPolicy rule allows it',
        '  1  prod/frontend -> prod/backend : TCP/9100  egress: no NetworkPolicy rule allows it',
        '  1  staging/job-runner -> telecom/amf : SCTP/38412  ingress: no NetworkPolicy rule allows it',
        '',
        'WOULD BREAK: observed allowed, now denied (2 flows)',
        '  1  2001:db8:4006:812::200e -> prod/frontend : TCP/8443  ingress: no NetworkPolicy rule allows it',
        '  1  staging/job-runner -> telecom/amf : SCTP/38412  ingress: no NetworkPolicy rule allows it',
        '',
        // Allowed groups name the rule that allowed them.
        'would open: observed denied, now allowed (3 flows)',
        '  2  prod/frontend -> prod/payments : TCP/9090  egress: NetworkPolicy prod/frontend-egress rule 2',
        '  1  198.51.100.23 -> prod/frontend : TCP/8443  ingress: NetworkPolicy prod/frontend-public rule 0',
        '',
      ].join('\n'),
    );
  });

  it('lists the malformed lines with their numbers in the text report, and goes on', () => {
    const { code, stdout } = run(['replay', '--bundle', BUNDLE, `${LOGS}/csv-malformed.csv`]);
    expect(code).toBe(0);
    expect(stdout).toContain('records 8: judged 2 (allowed 1, denied 1), replies 0, not applicable 0, unresolved 0, malformed 6\n');
    expect(stdout).toContain(
      [
        'problems (first ones):',
        `  ${LOGS}/csv-malformed.csv:3: field 2: the quoted field does not end on this line (fields cannot span lines)`,
        `  ${LOGS}/csv-malformed.csv:4: port: "80x" is not a port (1-65535)`,
      ].join('\n'),
    );
    expect(stdout).toContain(`  ${LOGS}/csv-malformed.csv:8: action: "MAYBE" is not a verdict`);
  });

  it('says when the log does not say what happened', () => {
    const { code, stdout } = run(['replay', '--bundle', BUNDLE, '-'], '{"src":"prod/frontend","dst":"prod/backend","port":9100}\n');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'records 1: judged 1 (allowed 0, denied 1), replies 0, not applicable 0, unresolved 0, malformed 0',
        '',
        'top denied (1 flows)',
        '  1  prod/frontend -> prod/backend : TCP/9100  egress: no NetworkPolicy rule allows it',
        '',
        'the log does not say what happened, so nothing can be said to break or open',
        '',
      ].join('\n'),
    );
  });

  it('adds up several logs in one report', () => {
    const { code, report } = replayJSON([`${LOGS}/flows.csv`, `${LOGS}/flows.ndjson`]);
    expect(code).toBe(EXIT_WOULD_BREAK);
    expect(report.totals).toEqual(totals(8 + 6, 7 + 4, 4 + 2, 3 + 2, 0, 1 + 1, 0 + 1, 0));
    expect(report.wouldBreak).toEqual({ total: 1, top: [g('prod/frontend', '10.0.2.45', 'TCP/443')] });
    // 198.51.100.23 -> frontend:8443 is in both logs: one group of 2.
    expect(report.wouldOpen).toEqual({
      total: 3,
      top: [g('198.51.100.23', 'prod/frontend', 'TCP/8443', 2), g('prod/frontend', 'prod/payments', 'TCP/9090')],
    });
    expect(report.problems).toEqual([
      { file: `${LOGS}/flows.ndjson`, line: 5, message: expect.stringMatching(/telecom\/statefulset\/amf/) },
    ]);
  });

  it('cuts the lists at --top', () => {
    const { report } = replayJSON(['--top', '1', `${LOGS}/hubble-observe.jsonl`]);
    expect(report.topDenied).toEqual([g(FRONTEND_IPV6_CLIENT, 'prod/frontend', 'TCP/8443')]);
    expect(report.wouldBreak).toEqual({ total: 2, top: [g(FRONTEND_IPV6_CLIENT, 'prod/frontend', 'TCP/8443')] });
    expect(report.wouldOpen).toEqual({ total: 3, top: [g('prod/frontend', 'prod/payments', 'TCP/9090', 2)] });
  });
});

describe('netpol-edge replay --out', () => {
  const allowed = (line: number, reason: string, observed?: string) => ({ line, allowed: true, reason, ...(observed ? { observed } : {}) });
  const denied = (line: number, deniedBy: string[], observed?: string) => ({
    line,
    allowed: false,
    reason: 'denied',
    deniedBy,
    ...(observed ? { observed } : {}),
  });

  it.each([
    [
      'hubble-observe.jsonl',
      [
        allowed(1, 'allowed', 'allowed'),
        allowed(3, 'allowed', 'allowed'),
        allowed(4, 'allowed', 'denied'),
        allowed(5, 'allowed', 'denied'),
        allowed(6, 'allowed', 'allowed'),
        allowed(8, 'allowed', 'allowed'),
        allowed(9, 'allowed', 'denied'),
        denied(10, ['ingress'], 'allowed'),
        allowed(11, 'allowed', 'allowed'),
        denied(14, ['ingress'], 'allowed'),
        denied(15, ['egress', 'ingress']),
        allowed(18, 'allowed', 'allowed'),
      ],
    ],
    [
      'vpc-custom-v5.txt',
      [
        denied(2, ['egress'], 'allowed'),
        allowed(4, 'allowed', 'denied'),
        allowed(5, 'allowed', 'allowed'),
        // No pod at either end: no policy applies.
        allowed(7, 'no-policy', 'allowed'),
        allowed(9, 'no-policy', 'allowed'),
        denied(11, ['egress'], 'denied'),
        allowed(12, 'no-policy', 'allowed'),
      ],
    ],
    [
      'flows.csv',
      [
        allowed(2, 'allowed', 'allowed'),
        denied(3, ['egress', 'ingress'], 'allowed'),
        allowed(4, 'allowed', 'allowed'),
        allowed(5, 'allowed', 'denied'),
        denied(6, ['ingress']),
        denied(8, ['ingress'], 'denied'),
        allowed(9, 'allowed', 'denied'),
      ],
    ],
    [
      'flows.ndjson',
      [
        allowed(1, 'allowed', 'allowed'),
        denied(2, ['ingress'], 'denied'),
        denied(3, ['ingress']),
        { line: 5, error: 'dst: no pod or workload "telecom/statefulset/amf" in the bundle' },
        allowed(7, 'allowed', 'denied'),
      ],
    ],
  ])('writes one verdict per replayed flow of %s, with its file and line', (name, verdicts) => {
    const out = join(TMP, `${name}.out.ndjson`);
    const file = `${LOGS}/${name}`;
    const { code, report } = replayJSON(['--out', out, file]);
    expect(code).toBe(EXPECTED[name]!.code);
    const lines = readOut(out);
    expect(lines).toEqual(verdicts.map((verdict) => ({ file, ...verdict })));
    // Exactly the judged and unresolved flows: not replies, not out-of-scope records, not malformed lines.
    expect(lines).toHaveLength(report.totals.judged + report.totals.unresolved);
  });

  it('leaves malformed lines out of --out and keeps the line numbers of the rest', () => {
    const out = join(TMP, 'vpc-malformed.out.ndjson');
    replayJSON(['--out', out, `${LOGS}/vpc-malformed.txt`]);
    expect(readOut(out)).toEqual([
      { file: `${LOGS}/vpc-malformed.txt`, line: 2, allowed: true, reason: 'allowed', observed: 'allowed' },
      { file: `${LOGS}/vpc-malformed.txt`, line: 10, allowed: true, reason: 'allowed', observed: 'denied' },
    ]);
  });
});

describe('netpol-edge replay inputs', () => {
  it('reads gzip, from a file and from stdin, told by its magic number', () => {
    const plain = replayJSON([`${LOGS}/hubble-observe.jsonl`]);
    const gz = join(TMP, 'hubble.log'); // no .gz suffix on purpose
    writeFileSync(gz, gzipSync(readFileSync(join(ROOT, LOGS, 'hubble-observe.jsonl'))));
    const fromFile = replayJSON([gz]);
    expect(fromFile.code).toBe(EXIT_WOULD_BREAK);
    expect(fromFile.report).toEqual(plain.report);
    const fromStdin = replayJSON(['-'], gzipSync(readFileSync(join(ROOT, LOGS, 'vpc-custom-v5.txt'))));
    expect(fromStdin.code).toBe(EXIT_WOULD_BREAK);
    expectReport(fromStdin.report, EXPECTED['vpc-custom-v5.txt']!, '<stdin>');
  });

  it('reads stdin given as -, naming it <stdin> in problems and --out', () => {
    const out = join(TMP, 'stdin.out.ndjson');
    const { code, report } = replayJSON(['--out', out, '-'], fixture('flows.ndjson'));
    expect(code).toBe(0);
    expectReport(report, EXPECTED['flows.ndjson']!, '<stdin>');
    expect(readOut(out).map((line) => [line.file, line.line])).toEqual([
      ['<stdin>', 1],
      ['<stdin>', 2],
      ['<stdin>', 3],
      ['<stdin>', 5],
      ['<stdin>', 7],
    ]);
  });

  it('reads CloudWatch-style VPC records (no header) as detected or with --format vpc', () => {
    const headerless = fixture('vpc-default-v2.txt').split('\n').slice(1).join('\n');
    const file = join(TMP, 'cloudwatch.txt');
    writeFileSync(file, headerless);
    const expected = EXPECTED['vpc-default-v2.txt']!;
    for (const args of [[file], ['--format', 'vpc', file]]) {
      const { code, report } = replayJSON(args);
      expect(code).toBe(EXIT_WOULD_BREAK);
      // One line less above every record: the same report, with no header line to skip.
      expect(report.totals).toEqual(expected.totals);
      expect(report.wouldBreak).toEqual(expected.wouldBreak);
      expect(report.wouldOpen).toEqual(expected.wouldOpen);
    }
  });

  it('reads the format --format names, not the one it would detect', () => {
    // Each line of a CSV read as NDJSON is malformed, the header included; the replay goes on.
    const { code, report } = replayJSON(['--format', 'ndjson', `${LOGS}/flows.csv`]);
    expect(code).toBe(0);
    expect(report.totals).toEqual(totals(9, 0, 0, 0, 0, 0, 0, 9));
    expect(report.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(report.observed).toBe(false);
    // A header-bearing format that does not fit the input as a whole is an error.
    const csv = run(['replay', '--bundle', BUNDLE, '--format', 'csv', `${LOGS}/flows.ndjson`]);
    expect(csv).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'netpol-edge replay: CSV flow log: line 1 is not a header naming the columns src, dst, port\n',
    });
    expect(run(['replay', '--bundle', BUNDLE, '--format', 'xml', `${LOGS}/flows.csv`])).toMatchObject({
      code: 2,
      stderr: 'netpol-edge replay: --format xml: use one of hubble, vpc, csv, ndjson\n',
    });
  });

  it('gives up detecting after 64 JSON lines that say nothing; --format ndjson reads on', () => {
    const input = `${'{"note":"warming up"}\n'.repeat(64)}{"src":"prod/frontend","dst":"prod/payments","port":9090,"observed":"denied"}\n`;
    expect(run(['replay', '--bundle', BUNDLE, '-'], input)).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'netpol-edge replay: cannot tell the flow log format from the first 64 non-blank line(s): none is a Hubble ' +
        'flow or a {"src", "dst", ...} flow; name the format (hubble, vpc, csv, ndjson)\n',
    });
    const { code, report } = replayJSON(['--format', 'ndjson', '-'], input);
    expect(code).toBe(0);
    expect(report.totals).toEqual(totals(65, 1, 1, 0, 0, 0, 0, 64));
    expect(report.problems).toHaveLength(20); // the first ones only
    expect(report.problems[0]).toEqual({ file: '<stdin>', line: 1, message: 'src: required' });
    expect(report.wouldOpen).toEqual({ total: 1, top: [g('prod/frontend', 'prod/payments', 'TCP/9090')] });
  });

  it('exits 2 with a clear message when the format cannot be told', () => {
    expect(run(['replay', '--bundle', BUNDLE, '-'], 'Tue May 14 09:21:07 2024 frontend -> backend 8080 ok\n')).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'netpol-edge replay: cannot tell the flow log format from line 1: it is neither JSON, a VPC Flow Logs header ' +
        'or record, nor a CSV header naming src, dst and port; name the format (hubble, vpc, csv, ndjson)\n',
    });
    // Fewer than 64 undecided JSON lines, then the end of the input.
    expect(run(['replay', '--bundle', BUNDLE, '-'], '{"a":1}\n\n{"b":2}\n')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^netpol-edge replay: cannot tell the flow log format from the first 2 non-blank line\(s\)/),
    });
  });

  it('exits 2 on a missing file, a truncated gzip, and bad usage', () => {
    expect(run(['replay', '--bundle', BUNDLE, `${LOGS}/flows.csv`, 'no-such-log.csv'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'netpol-edge replay: no-such-log.csv: no such file\n',
    });
    const truncated = gzipSync(readFileSync(join(ROOT, LOGS, 'flows.csv'))).subarray(0, 40);
    expect(run(['replay', '--bundle', BUNDLE, '-'], truncated)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'netpol-edge replay: <stdin>: unexpected end of file\n',
    });
    expect(run(['replay', '--bundle', BUNDLE])).toMatchObject({ code: 2, stderr: expect.stringMatching(/no flow log given/) });
    expect(run(['replay', `${LOGS}/flows.csv`])).toMatchObject({ code: 2, stderr: expect.stringMatching(/give either --bundle MANIFEST/) });
    expect(run(['replay', '--bundle', BUNDLE, '--summary', 'xml', `${LOGS}/flows.csv`])).toMatchObject({
      code: 2,
      stderr: 'netpol-edge replay: --summary takes text or json\n',
    });
  });

  it('reads an empty log as an empty report', () => {
    const { code, report } = replayJSON(['-'], '');
    expect(code).toBe(0);
    expect(report).toEqual({
      totals: totals(0, 0, 0, 0, 0, 0, 0, 0),
      topDenied: [],
      wouldBreak: { total: 0, top: [] },
      wouldOpen: { total: 0, top: [] },
      observed: false,
      problems: [],
    });
  });
});

describe('netpol-edge replay: resolving Hubble endpoints (pod name, then IP, then labels, else outside)', () => {
  const lines = fixture('hubble-observe.jsonl').split('\n');
  /** Line `n` of hubble-observe.jsonl, its flow edited. */
  const edited = (n: number, edit: (flow: Record<string, any>) => void): string => {
    const object = JSON.parse(lines[n - 1]!) as { flow: Record<string, any> };
    edit(object.flow);
    return `${JSON.stringify(object)}\n`;
  };
  const verdictOf = (line: string): Record<string, unknown> => {
    const out = join(TMP, 'resolve.out.ndjson');
    replayJSON(['--out', out, '-'], line);
    const [verdict] = readOut(out);
    return verdict!;
  };

  it('judges a pod missing from the bundle (the CronJob run) by its Hubble labels', () => {
    // Line 11: staging/job-runner-28391045-7xk2p -> backend:8080. The pod is not in the bundle and
    // nobody owns 10.244.1.94, so it is the ad-hoc pod {staging, app=job-runner, team=data}: the
    // backend's rule for app=job-runner in team=data namespaces admits it.
    expect(verdictOf(edited(11, () => {}))).toEqual({ file: '<stdin>', line: 1, allowed: true, reason: 'allowed', observed: 'allowed' });
    // The same pod without its app label: no rule admits it, which shows the labels decided.
    const unlabelled = edited(11, (flow) => {
      flow.source.labels = flow.source.labels.filter((label: string) => label !== 'k8s:app=job-runner');
    });
    expect(verdictOf(unlabelled)).toMatchObject({ allowed: false, deniedBy: ['ingress'] });
    // Without a namespace (no Kubernetes identity) it is the address 10.244.1.94, outside the cluster.
    const anonymous = edited(11, (flow) => {
      flow.source = { identity: 2, labels: ['reserved:world'] };
    });
    expect(verdictOf(anonymous)).toMatchObject({ allowed: false, deniedBy: ['ingress'] });
  });

  it('takes the pod that owns the IP before the labels', () => {
    // Line 18: the node 172.18.0.3 -> frontend:8080 (a kubelet probe), allowed because it comes
    // from the frontend pod's own node (status.hostIP); an ad-hoc pod has no node, so the
    // verdict tells which resolution was used.
    expect(verdictOf(edited(18, () => {}))).toMatchObject({ allowed: true, reason: 'allowed' });
    // A pod name the bundle does not know, at the frontend pod's IP: that pod, by IP.
    const renamed = edited(18, (flow) => {
      flow.destination.pod_name = 'frontend-7d9f8b6c4-zzzzz';
    });
    expect(verdictOf(renamed)).toMatchObject({ allowed: true, reason: 'allowed' });
    // Unknown name and unknown IP: the labels (app=frontend, tier=web), an ad-hoc pod on no node;
    // the frontend admits 8443 only, so 8080 from the node is denied.
    const elsewhere = edited(18, (flow) => {
      flow.destination.pod_name = 'frontend-7d9f8b6c4-zzzzz';
      flow.IP.destination = '10.244.1.200';
    });
    expect(verdictOf(elsewhere)).toMatchObject({ allowed: false, deniedBy: ['ingress'] });
  });

  it('keeps hostNetwork and world ends as addresses', () => {
    // 172.18.0.3 is also the cilium agent's podIP, but a hostNetwork pod owns no pod IP: still the
    // node (allowed above). From any other address, 8080 is denied.
    const fromWorld = edited(18, (flow) => {
      flow.IP.source = '172.18.0.9';
    });
    expect(verdictOf(fromWorld)).toMatchObject({ allowed: false, deniedBy: ['ingress'] });
  });
});

describe('netpol-edge replay --engine reference', () => {
  it.each(Object.keys(EXPECTED))('gives the same report and verdicts as the WASM engine on %s', (name) => {
    const file = `${LOGS}/${name}`;
    const wasmOut = join(TMP, `${name}.wasm.ndjson`);
    const referenceOut = join(TMP, `${name}.reference.ndjson`);
    const wasm = run(['replay', '--bundle', BUNDLE, '--summary', 'json', '--out', wasmOut, file]);
    const reference = run(['replay', '--engine', 'reference', '--bundle', BUNDLE, '--summary', 'json', '--out', referenceOut, file]);
    expect(reference.code).toBe(EXPECTED[name]!.code);
    expect(reference.code).toBe(wasm.code);
    expect(reference.stdout).toBe(wasm.stdout);
    expect(readFileSync(referenceOut, 'utf8')).toBe(readFileSync(wasmOut, 'utf8'));
    expectReport(JSON.parse(reference.stdout) as ReportJSON, EXPECTED[name]!, file);
  });
});

/** Bugs these tests found, now fixed. */
describe('netpol-edge replay: regressions', () => {
  it('judges a Hubble IPv6 flow between two named pods over IPv6 (docs/semantics.md, Address family)', () => {
    // payments (fd00:10:244:2::5c) -> frontend (fd00:10:244:1::a3) on 8443, over IPv6. frontend-public
    // admits 0.0.0.0/0 only, so over IPv6 this is denied, as `eval` with the log's addresses says.
    // Replay used to keep the pod names and drop the addresses, so the engine took the destination's
    // primary family (IPv4): 10.244.2.58 is in 0.0.0.0/0, allowed, and a false "would open".
    const flow = {
      verdict: 'DROPPED',
      drop_reason_desc: 'POLICY_DENIED',
      Type: 'L3_L4',
      IP: { source: 'fd00:10:244:2::5c', destination: 'fd00:10:244:1::a3', ipVersion: 'IPv6' },
      l4: { TCP: { source_port: 40122, destination_port: 8443, flags: { SYN: true } } },
      source: { namespace: 'prod', pod_name: 'payments-6b8c9d7f5-q9trn', labels: ['k8s:app=payments', 'k8s:tier=api'] },
      destination: { namespace: 'prod', pod_name: 'frontend-7d9f8b6c4-x2kqp', labels: ['k8s:app=frontend', 'k8s:tier=web'] },
      traffic_direction: 'INGRESS',
      is_reply: false,
    };
    const byAddress = run(['eval', '--flows', '-', BUNDLE], '{"src":"fd00:10:244:2::5c","dst":"fd00:10:244:1::a3","port":8443}\n');
    expect(JSON.parse(byAddress.stdout)).toEqual({ allowed: false, reason: 'denied', deniedBy: ['ingress'] });
    const { report } = replayJSON(['-'], `${JSON.stringify({ flow })}\n`);
    expect(report.totals).toMatchObject({ judged: 1, denied: 1 });
    expect(report.wouldOpen.total).toBe(0);
  });

  it('reports an unreadable log as an error naming it, not as an internal error', () => {
    // It used to say "internal error: Error: unexpected end of file" with a zlib stack trace, and
    // "internal error: Error: EISDIR: ..." for a directory, naming neither log.
    const truncated = join(TMP, 'truncated.csv.gz');
    writeFileSync(truncated, gzipSync(readFileSync(join(ROOT, LOGS, 'flows.csv'))).subarray(0, 40));
    for (const log of [truncated, LOGS]) {
      const result = run(['replay', '--bundle', BUNDLE, log]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(log);
      expect(result.stderr).not.toMatch(/internal error|\n {4}at /);
    }
  });

  it('exits 2 with a message when --out cannot be written', () => {
    // It used to be an unhandled 'error' event on the write stream, a Node stack trace, exit 1.
    const result = run(['replay', '--bundle', BUNDLE, '--out', join(TMP, 'no-such-dir', 'out.ndjson'), `${LOGS}/flows.csv`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^netpol-edge replay: .*no-such-dir\/out\.ndjson/);
    expect(result.stderr).not.toMatch(/Unhandled 'error' event|internal error/);
  });
});

describe('netpol-edge replay: what decided each group', () => {
  it('names the cluster-wide rule, and the Pass that led to a NetworkPolicy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-why-'));
    const tiers = join(dir, 'tiers.yaml');
    writeFileSync(
      tiers,
      `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: guard}
spec:
  priority: 1
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: prod}}}
  egress:
  - {name: pass-prod, action: Pass, to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: prod}}}]}
`,
    );
    const { report } = replayJSON(['--bundle', tiers, '-'], '{"src":"prod/frontend","dst":"prod/backend","port":9100}\n');
    expect(report.topDenied).toEqual([
      { src: 'prod/frontend', dst: 'prod/backend', service: 'TCP/9100', count: 1, why: 'egress: [AdminNetworkPolicy guard rule 0] Pass -> no NetworkPolicy rule allows it' },
    ]);
  });
});
