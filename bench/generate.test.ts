/**
 * @module The benchmark generator: deterministic, exact sizes, clean ingest (S and M; L is only
 * counted, to keep the suite fast), the policy features it promises, and flows the reference answers.
 */
import { describe, expect, it } from 'vitest';
import { decodeFlow } from '../src/flow/decode.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import type { Bundle, Peer, PortMatch } from '../src/model/bundle.js';
import { ReferenceEngine } from '../src/engine/reference-engine.js';
import { flowsToNDJSON, generateCluster, sampleFlows, SIZES, type SizeName } from './generate.js';

function kinds(objects: readonly unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const object of objects) {
    const kind = (object as { kind: string }).kind;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

const bundles = new Map<SizeName, Bundle>();
function bundleOf(size: 'S' | 'M'): Bundle {
  let bundle = bundles.get(size);
  if (!bundle) {
    const result = ingestObjects(generateCluster(size, 7).objects);
    if (!result.bundle) throw new Error(`${size} does not ingest`);
    bundles.set(size, (bundle = result.bundle));
  }
  return bundle;
}

describe('generateCluster', () => {
  it('is deterministic: the same seed gives the same objects, another seed others', () => {
    for (const size of ['S', 'M'] as const) {
      expect(JSON.stringify(generateCluster(size, 7))).toBe(JSON.stringify(generateCluster(size, 7)));
    }
    expect(JSON.stringify(generateCluster('S', 7).objects)).not.toBe(JSON.stringify(generateCluster('S', 8).objects));
  });

  it.each(['S', 'M', 'L'] as const)('gives exactly the pods and policies of size %s', (size) => {
    const cluster = generateCluster(size, 7);
    const counts = kinds(cluster.objects);
    expect(counts.Pod).toBe(SIZES[size].pods);
    expect(counts.NetworkPolicy).toBe(SIZES[size].policies);
    expect(counts.Namespace).toBe(SIZES[size].namespaces + 3);
    expect(Object.keys(counts).sort()).toEqual(['Namespace', 'NetworkPolicy', 'Pod']);
    expect(cluster.counts).toMatchObject({ pods: SIZES[size].pods, policies: SIZES[size].policies });
  });

  it.each(['S', 'M'] as const)('size %s ingests without a single diagnostic', (size) => {
    const result = ingestObjects(generateCluster(size, 7).objects);
    expect(result.diagnostics).toEqual([]);
    expect(result.counts).toMatchObject({ pods: SIZES[size].pods, workloadPods: 0, policies: SIZES[size].policies });
  });

  it('has the shape it promises: named ports, ranges, In/NotIn, ipBlocks with except, egress, dual stack', () => {
    const bundle = bundleOf('M');
    const rules = bundle.policies.flatMap((p) => [...p.ingress, ...p.egress]);
    const peers: Peer[] = rules.flatMap((r) => r.peers ?? []);
    const ports: PortMatch[] = rules.flatMap((r) => r.ports ?? []);
    const selectors = [
      ...bundle.policies.map((p) => p.podSelector),
      ...peers.flatMap((p) => (p.kind === 'pods' ? [p.podSelector, ...(p.namespaceSelector ? [p.namespaceSelector] : [])] : [])),
    ];
    const operators = new Set(selectors.flatMap((s) => s.matchExpressions.map((e) => e.operator)));
    expect(operators).toEqual(new Set(['In', 'NotIn']));
    expect(ports.some((p) => p.kind === 'named')).toBe(true);
    expect(ports.some((p) => p.kind === 'range' && p.to > p.from)).toBe(true);
    expect(peers.some((p) => p.kind === 'ipBlock' && p.except.length > 0 && p.cidr.family === 6)).toBe(true);
    expect(peers.some((p) => p.kind === 'pods' && p.namespaceSelector !== null)).toBe(true);
    expect(bundle.policies.filter((p) => p.name === 'default-deny-ingress')).toHaveLength(SIZES.M.namespaces);
    expect(bundle.policies.some((p) => p.affectsEgress)).toBe(true);
    expect(bundle.pods.some((p) => p.ips.length === 2)).toBe(true);
    expect(bundle.pods.some((p) => p.hostNetwork)).toBe(true);
    expect(bundle.pods.some((p) => p.ports.some((c) => c.name === undefined))).toBe(true);
  });
});

describe('sampleFlows', () => {
  it.each([
    ['S', 'pod'],
    ['S', 'ip'],
    ['M', 'pod'],
    ['M', 'ip'],
  ] as const)('%s by %s: deterministic flows that decode back and that the reference answers', (size, kind) => {
    const bundle = bundleOf(size);
    const flows = sampleFlows(bundle, 500, kind, 3);
    expect(flows).toHaveLength(500);
    expect(sampleFlows(bundle, 500, kind, 3)).toEqual(flows);

    const lines = flowsToNDJSON(flows).trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    const decoded = lines.map((line) => decodeFlow(JSON.parse(line)));
    expect(decoded).toEqual(flows);

    const reference = new ReferenceEngine(bundle);
    const reasons = new Set(decoded.map((flow) => reference.explainNow(flow).reason));
    // A realistic mix: flows the rules allow, flows they deny, flows no policy touches.
    expect(reasons).toContain('allowed');
    expect(reasons).toContain('denied');
    expect(reasons).toContain('no-policy');
  });

  it('addresses pods by reference or by IP, with some IPv6 and some external addresses', () => {
    const bundle = bundleOf('M');
    const byRef = sampleFlows(bundle, 500, 'pod', 3);
    const byIP = sampleFlows(bundle, 500, 'ip', 3);
    expect(byRef.some((f) => f.src.kind === 'ref' && f.dst.kind === 'ref')).toBe(true);
    expect(byIP.every((f) => f.src.kind === 'ip' && f.dst.kind === 'ip')).toBe(true);
    const ips = byIP.flatMap((f) => [f.src, f.dst]).map((e) => (e.kind === 'ip' ? e.ip : ''));
    expect(ips.some((ip) => ip.includes(':'))).toBe(true);
    const podIPs = new Set(bundle.pods.flatMap((p) => p.ips));
    expect(ips.some((ip) => !podIPs.has(ip))).toBe(true);
  });
});
