/**
 * @module The built-in demo bundle, `demo`: the demo cluster with the article's examples 1, 3 and 5
 * (default namespace: deny all ingress and all egress; ns1: accept only ns3 on TCP 80). Examples 2
 * and 4 are left out: 2 undoes 1, and 4 has the same name as 2 (they are alternatives, see
 * examples/article). Created on first use when DEMO_BUNDLE is "true" (wrangler.toml's default).
 */
import cluster from '../examples/demo-cluster.yaml';
import denyIngress from '../examples/article/1-default-deny-ingress.yaml';
import denyEgress from '../examples/article/3-default-deny-egress.yaml';
import ns1FromNs3 from '../examples/article/5-ns1-from-ns3-tcp-80.yaml';
import type { Env } from './env.js';
import { publish } from './publish.js';

export const DEMO_NAME = 'demo';

export const DEMO_MANIFESTS = [cluster, denyIngress, denyEgress, ns1FromNs3].join('\n---\n');

/**
 * Creates `demo` when this Worker serves it and it is missing (so deleting it resets it). Two
 * isolates doing this at once store the same content-addressed version: idempotent.
 */
export async function ensureDemo(env: Env, name: string, exists: boolean): Promise<void> {
  if (name !== DEMO_NAME || exists || env.DEMO_BUNDLE !== 'true') return;
  await publish(env, DEMO_NAME, DEMO_MANIFESTS, 'demo', true);
}
