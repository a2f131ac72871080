/**
 * @module Flow logs for the replay benchmarks: CSV, AWS VPC and Hubble JSON lines made from sampled
 * flows, as byte chunks (plain or gzip), and the realistic shape of real logs: a few conversations
 * repeated over and over, drawn by Zipf's law from a pool of distinct ones.
 */
import { gzipSync } from 'node:zlib';
import type { Bundle } from '../src/model/bundle.js';
import type { EndpointSpec, Flow } from '../src/model/flow.js';
import { Random, sampleFlows } from './generate.js';

export type LogFormat = 'csv' | 'vpc' | 'hubble';

/** A log: its lines (the header first when it has one). */
export interface LogLines {
  readonly format: LogFormat;
  readonly header?: string;
  readonly lines: readonly string[];
}

/** Distinct conversations of the realistic log shape (10M flows over 50k in the example). */
export const ZIPF_CONVERSATIONS = 50_000;

const PROTOCOL_NUMBER = { TCP: 6, UDP: 17, SCTP: 132 } as const;
const CHUNK_BYTES = 64 * 1024;

const ref = (spec: EndpointSpec): string => (spec.kind === 'ref' ? spec.ref : spec.kind === 'ip' ? spec.ip : `${spec.pod.namespace}/adhoc`);

/** Pods by their first IP, for the formats that know addresses only. */
export function addressOf(bundle: Bundle): (spec: EndpointSpec) => string | undefined {
  const podIP = new Map(bundle.pods.filter((p) => p.ips[0]).map((p) => [p.ref, p.ips[0]!]));
  return (spec) => (spec.kind === 'ip' ? spec.ip : spec.kind === 'ref' ? podIP.get(spec.ref) : undefined);
}

export function csvLog(flows: readonly Flow[]): LogLines {
  return {
    format: 'csv',
    header: 'src,dst,protocol,port,verdict',
    lines: flows.map((f) => `${ref(f.src)},${ref(f.dst)},${f.protocol},${f.port},allowed`),
  };
}

/** The default version-2 format, addresses only (VPC logs know no pod names). */
export function vpcLog(flows: readonly Flow[], ipOf: (spec: EndpointSpec) => string | undefined): LogLines {
  const lines = flows.flatMap((f) => {
    const src = ipOf(f.src);
    const dst = ipOf(f.dst);
    if (!src || !dst) return [];
    return [`2 123456789012 eni-0a1b2c3d ${src} ${dst} 49152 ${f.port} ${PROTOCOL_NUMBER[f.protocol]} 10 840 1700000000 1700000060 ACCEPT OK`];
  });
  return {
    format: 'vpc',
    header: 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
    lines,
  };
}

export function hubbleLog(flows: readonly Flow[], ipOf: (spec: EndpointSpec) => string | undefined): LogLines {
  const end = (spec: EndpointSpec) => {
    if (spec.kind !== 'ref') return {};
    const [namespace, pod] = spec.ref.split('/');
    return { namespace, pod_name: pod, labels: [`k8s:io.kubernetes.pod.namespace=${namespace}`] };
  };
  const lines = flows.flatMap((f) => {
    const src = ipOf(f.src);
    const dst = ipOf(f.dst);
    if (!src || !dst) return [];
    const flow = {
      time: '2026-11-26T00:00:00Z',
      verdict: 'FORWARDED',
      IP: { source: src, destination: dst, ipVersion: src.includes(':') ? 'IPv6' : 'IPv4' },
      l4: { [f.protocol]: { source_port: 49152, destination_port: f.port } },
      source: end(f.src),
      destination: end(f.dst),
      Type: 'L3_L4',
      is_reply: false,
      traffic_direction: 'EGRESS',
    };
    return [JSON.stringify({ flow, node_name: 'node-1', time: flow.time })];
  });
  return { format: 'hubble', lines };
}

/**
 * `count` record lines (the header once first), the i-th being `lines[pick(i)]`, as text chunks of
 * about CHUNK_BYTES: made lazily, so a log of any length costs one chunk of memory.
 */
export function* logText(log: LogLines, count: number, pick: (i: number) => number = (i) => i % log.lines.length): Generator<string> {
  let text = log.header === undefined ? '' : `${log.header}\n`;
  for (let i = 0; i < count; i++) {
    text += `${log.lines[pick(i)]}\n`;
    if (text.length >= CHUNK_BYTES) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/** The whole log as byte chunks, made before timing; gzip-compressed when asked (one member). */
export function logChunks(texts: Iterable<string>, gzip = false): Uint8Array[] {
  const encoder = new TextEncoder();
  // One text at a time: a long log's texts are not all held at once beside its bytes.
  const chunks = Array.from(texts, (text) => encoder.encode(text));
  if (!gzip) return chunks;
  const compressed = gzipSync(Buffer.concat(chunks));
  const out: Uint8Array[] = [];
  for (let at = 0; at < compressed.length; at += CHUNK_BYTES) out.push(compressed.subarray(at, at + CHUNK_BYTES));
  return out;
}

/**
 * Zipf's law over `n` ranks: rank k (0-based) drawn with weight 1/(k+1)^exponent, so that with
 * exponent 1 the most frequent conversation is about 1/ln(n) of the log and most are rare.
 * Deterministic for a seed.
 */
export function zipfSampler(n: number, exponent: number, seed: number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / (k + 1) ** exponent;
  const random = new Random(seed);
  return () => {
    const target = random.next() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return low;
  };
}

/** The Zipf rows' pool of conversations: ZIPF_CONVERSATIONS sampled pod flows, the same in every benchmark of the shape. */
export function zipfConversations(bundle: Bundle): Flow[] {
  return sampleFlows(bundle, ZIPF_CONVERSATIONS, 'pod', 2);
}

/**
 * `count` record lines of `log` (a line per conversation of zipfConversations, in its order), the
 * conversations drawn by Zipf's law as the lines are made: the same log in every benchmark of the shape.
 */
export function zipfText(log: LogLines, count: number): Generator<string> {
  const next = zipfSampler(ZIPF_CONVERSATIONS, 1, 3);
  return logText(log, count, () => next() % log.lines.length);
}
