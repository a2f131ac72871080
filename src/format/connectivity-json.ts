/** @module The JSON interface of `list`, `diff` and `exposure`: the names other tools read. */
import type { ConnSet } from '../analysis/conn-set.js';
import type { ConnectionChange } from '../analysis/diff.js';
import { isExternal, type AnalysisEndpoint } from '../analysis/endpoints.js';
import type { Exposure } from '../analysis/exposure.js';
import type { NamespaceMatrix } from '../analysis/namespace-matrix.js';
import { perObject, type ListWriter, type TextSink } from './list-writer.js';

function endpointJSON(endpoint: AnalysisEndpoint): unknown {
  return isExternal(endpoint) ? { external: endpoint.external } : { kind: endpoint.kind, namespace: endpoint.namespace, name: endpoint.name };
}

function connSetJSON(set: ConnSet | null): unknown {
  return set === null ? null : { all: set.all, ports: set.ports };
}

/** The list as one JSON document, the same bytes as JSON.stringify of the whole answer. */
export function jsonListWriter(version: string, sink: TextSink): ListWriter {
  let count = 0;
  // Each endpoint's and set's text once: the item is assembled as JSON.stringify would write it.
  const endpointText = perObject((endpoint: AnalysisEndpoint) => JSON.stringify(endpointJSON(endpoint)));
  const setText = perObject((set: ConnSet) => `"all":${JSON.stringify(set.all)},"ports":${JSON.stringify(set.ports)}`);
  sink.write(`{"version":${JSON.stringify(version)},"connections":[`);
  return {
    connection(c, explanation) {
      const why = explanation ? `,"explanation":${JSON.stringify(explanation)}` : '';
      sink.write(`${count++ === 0 ? '' : ','}{"src":${endpointText(c.src)},"dst":${endpointText(c.dst)},${setText(c.set)}${why}}`);
    },
    end(workloads) {
      // Every workload and pod, connected or not, with its labels: an addition beside `connections`.
      const described = workloads?.map((w) => ({ kind: w.kind, namespace: w.namespace, name: w.name, labels: w.labels, namespaceLabels: w.namespaceLabels }));
      sink.write(`]${described ? `,"workloads":${JSON.stringify(described)}` : ''}}`);
    },
  };
}

export function diffJSON(oldVersion: string, newVersion: string, changes: readonly ConnectionChange[]): string {
  return JSON.stringify({
    old: oldVersion,
    new: newVersion,
    changes: changes.map((c) => ({
      change: c.change,
      src: endpointJSON(c.src),
      dst: endpointJSON(c.dst),
      old: connSetJSON(c.old),
      new: connSetJSON(c.new),
      ...(c.note ? { note: c.note } : {}),
    })),
  });
}

export function exposureJSON(version: string, exposure: Exposure): string {
  const side = (d: Exposure['workloads'][number]['ingress']) => ({
    allNamespaces: connSetJSON(d.allNamespaces),
    allPods: connSetJSON(d.allPods),
    world: { ipv4: connSetJSON(d.world.ipv4), ipv6: connSetJSON(d.world.ipv6) },
  });
  return JSON.stringify({
    version,
    workloads: exposure.workloads.map((w) => ({ workload: endpointJSON(w.workload), ingress: side(w.ingress), egress: side(w.egress) })),
    futureRules: exposure.futureRules,
  });
}

/** The namespace-by-namespace matrix (`connectivity?group=namespace`). */
export function namespaceMatrixJSON(version: string, matrix: NamespaceMatrix): string {
  return JSON.stringify({
    version,
    group: 'namespace',
    namespaces: matrix.namespaces,
    cells: matrix.cells.map((c) => ({
      src: c.src,
      dst: c.dst,
      coverage: c.coverage,
      workloadPairs: c.workloadPairs,
      connected: c.connected,
      allowedEverything: c.allowedEverything,
      all: c.set.all,
      ports: c.set.ports,
    })),
  });
}
