/**
 * @module The small bundle a focus is decided on: the focused pods, every pod with a node
 * relation to one of them (either is the other's node: such pairs are decided pod by pod), and one
 * pod per class key (peer-keys.ts) for all the others, which stands for every pod of its key; plus,
 * over and over, every pod that claims an address a kept pod claims (whether an address names one
 * pod alone is part of the key, and the core resolves addresses). A kept pod that is not focused
 * becomes a bare pod named by its ref, so that each is an endpoint of its own. Removing pods
 * changes nothing any rule reads about the pods kept: selectors read a pod's own labels and
 * namespace, named ports its own containers, ipBlocks its own addresses (the outside world loses
 * the addresses of the pods left out; focused-connectivity.ts cuts them out again).
 */
import type { Bundle, Pod } from '../model/bundle.js';
import { peerKeys } from './peer-keys.js';

export interface FocusScope {
  readonly bundle: Bundle;
  /** Per pod of the scope, its index in the whole bundle (ascending: refs stay sorted). */
  readonly original: Int32Array;
  /** The focused pods' indexes in the scope. */
  readonly focusPods: readonly number[];
  /** Per pod of the scope, 1 for a focused pod. */
  readonly isFocus: Uint8Array;
  /** Per pod of the whole bundle, the pod of the scope that stands for it. */
  readonly standsFor: Int32Array;
}

export function focusScope(bundle: Bundle, focused: readonly number[]): FocusScope {
  const { pods } = bundle;
  const byAddress = podsBy(pods, (pod) => pod.ips);
  const byNode = podsBy(pods, (pod) => pod.hostIPs);
  const kept = new Uint8Array(pods.length);
  const queue: number[] = [];
  const keep = (p: number): void => {
    if (kept[p]) return;
    kept[p] = 1;
    queue.push(p);
  };
  for (const p of focused) keep(p);
  for (const p of focused) {
    for (const host of pods[p]!.hostIPs) byAddress.get(host)?.forEach(keep);
    for (const ip of pods[p]!.ips) byNode.get(ip)?.forEach(keep);
  }
  // Everybody else: the first pod of each key stands for the rest.
  const standsFor = new Int32Array(pods.length).fill(-1);
  const keys = peerKeys(bundle);
  const firstOfKey = new Map<string, number>();
  for (let p = 0; p < pods.length; p++) {
    if (kept[p]) continue;
    const first = firstOfKey.get(keys[p]!);
    if (first === undefined) firstOfKey.set(keys[p]!, p);
    standsFor[p] = first ?? p;
  }
  for (const p of firstOfKey.values()) keep(p);
  while (queue.length > 0) {
    for (const ip of pods[queue.pop()!]!.ips) byAddress.get(ip)?.forEach(keep);
  }
  const original = Int32Array.from(kept.keys()).filter((p) => kept[p] === 1);
  const scopeIndex = new Int32Array(pods.length).fill(-1);
  original.forEach((p, i) => (scopeIndex[p] = i));
  for (let p = 0; p < pods.length; p++) standsFor[p] = scopeIndex[kept[p] ? p : standsFor[p]!]!;
  const focusPods = focused.map((p) => scopeIndex[p]!);
  const isFocus = new Uint8Array(original.length);
  for (const i of focusPods) isFocus[i] = 1;
  const scopedPods = Array.from(original, (p, i) => (isFocus[i] ? pods[p]! : bare(pods[p]!)));
  return { bundle: { ...bundle, pods: scopedPods }, original, focusPods, isFocus, standsFor };
}

/** The pod as a bare pod named by its ref: an endpoint of its own (refs are unique). */
function bare(pod: Pod): Pod {
  const { owner: _owner, workload: _workload, ...rest } = pod;
  return { ...rest, name: pod.ref };
}

function podsBy(pods: readonly Pod[], addresses: (pod: Pod) => readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  pods.forEach((pod, p) => {
    for (const ip of addresses(pod)) {
      const list = out.get(ip);
      if (list) list.push(p);
      else out.set(ip, [p]);
    }
  });
  return out;
}
