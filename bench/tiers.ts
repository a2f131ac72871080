/**
 * @module Rows for cluster-wide tiers: the same cluster with 50 AdminNetworkPolicies and the
 * baseline added, and the WASM batch rate on the same flows beside the NetworkPolicy-only rate,
 * the two timed in turns (issue 6's target: within 20%).
 */
import { compileBundle } from '../src/compile/compile.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { ingestObjects } from '../src/ingest/bundle.js';
import type { Row, RowProducer } from './rows.js';
import { batchRecords, distinctFlows, interleavedBatchRates } from './wasm.js';

const ADMIN_POLICIES = 50;

/**
 * Guardrails of the kind platform teams write: per team, deny from other teams' dev namespaces,
 * pass same-team traffic to NetworkPolicies, allow monitoring; a baseline denying egress to the
 * metadata endpoint and cross-env ingress.
 */
export function tierObjects(namespaces: readonly { team: string; env: string }[]): unknown[] {
  const teams = [...new Set(namespaces.map((ns) => ns.team))];
  const objects: unknown[] = [];
  for (let i = 0; i < ADMIN_POLICIES; i++) {
    const team = teams[i % teams.length]!;
    objects.push({
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: `guard-${i}` },
      spec: {
        priority: i,
        subject: { namespaces: { matchLabels: { team } } },
        ingress: [
          { name: 'monitoring', action: 'Allow', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
          { name: 'same-team', action: 'Pass', from: [{ namespaces: { matchLabels: { team } } }] },
          {
            name: 'no-dev',
            action: 'Deny',
            from: [{ namespaces: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }, { key: 'team', operator: 'NotIn', values: [team] }] } }],
            ports: [{ portRange: { protocol: 'TCP', start: 1, end: 65535 } }],
          },
        ],
        egress: [{ name: 'no-metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }],
      },
    });
  }
  objects.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name: 'default' },
    spec: {
      subject: { namespaces: { matchLabels: { env: 'prod' } } },
      ingress: [{ name: 'no-dev', action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] }],
    },
  });
  return objects;
}

export const tiersProducer: RowProducer = {
  name: 'tiers (50 ANPs + baseline)',
  async produce(ctx) {
    const result = ingestObjects([...ctx.cluster.objects, ...tierObjects(ctx.cluster.namespaces)]);
    if (!result.bundle) throw new Error('the tiered bundle did not ingest');
    const module = loadCoreModule();
    const tiers = new WasmEngine(module, compileBundle(result.bundle).image);
    const plain = new WasmEngine(module, compileBundle(ctx.bundle).image);
    const rows: Row[] = [];
    // The flows of the untiered batch-pod rows, repeated, then distinct (see wasm.ts), decided by
    // both bundles in turns: the ratio is of two rates timed together, not a row measured minutes before.
    const flows = { '': (engine: WasmEngine) => batchRecords(engine, ctx.flows.pod), '-distinct': (engine: WasmEngine) => engine.encodeRecords(distinctFlows(ctx.bundle, 'pod')) };
    for (const [suffix, records] of Object.entries(flows)) {
      const rates = await interleavedBatchRates({ plain: { engine: plain, records: records(plain) }, tiers: { engine: tiers, records: records(tiers) } }, ctx.effort.rate);
      rows.push({ size: ctx.size, metric: `batch-pod-tiers${suffix}`, engine: 'wasm', value: rates.tiers!, unit: 'decisions/s' });
      rows.push({ size: ctx.size, metric: `batch-pod-tiers${suffix}-vs-batch-pod${suffix}`, engine: 'wasm', value: rates.tiers! / rates.plain!, unit: 'x' });
    }
    return rows;
  },
};
