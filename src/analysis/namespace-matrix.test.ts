import { describe, expect, it } from 'vitest';
import { connSetOf } from './conn-set.js';
import type { Connection } from './connectivity.js';
import type { WorkloadEndpoint } from './endpoints.js';
import { namespaceConnections, namespaceMatrix } from './namespace-matrix.js';

const w = (namespace: string, name: string): WorkloadEndpoint => ({ kind: 'Deployment', namespace, name });
const a1 = w('a', 'one');
const a2 = w('a', 'two');
const b1 = w('b', 'one');
const outside = { external: ['0.0.0.0-255.255.255.255'] };
const all = connSetOf({ TCP: [[1, 65_535]], UDP: [[1, 65_535]], SCTP: [[1, 65_535]] });
const web = connSetOf({ TCP: [[80, 80]] });
const dns = connSetOf({ UDP: [[53, 53]] });

describe('namespaceMatrix', () => {
  const connections: Connection[] = [
    { src: a1, dst: a1, set: all },
    { src: a1, dst: a2, set: all },
    { src: a2, dst: a1, set: all },
    { src: a1, dst: b1, set: web },
    { src: a2, dst: b1, set: dns },
    { src: b1, dst: outside, set: all },
  ];
  const matrix = namespaceMatrix([a1, a2, b1], connections);

  it('counts workloads per namespace and leaves unconnected pairs out', () => {
    expect(matrix.namespaces).toEqual([{ name: 'a', workloads: 2 }, { name: 'b', workloads: 1 }]);
    expect(matrix.cells.map((c) => `${c.src}->${c.dst}`)).toEqual(['a->a', 'a->b']);
  });

  it('says everything only when every distinct workload pair is allowed every port, ignoring a workload to itself', () => {
    expect(matrix.cells[0]).toMatchObject({ coverage: 'everything', workloadPairs: 2, connected: 2, allowedEverything: 2 });
  });

  it('unions the ports of the connected pairs, so nothing allowed is hidden', () => {
    const cell = matrix.cells[1]!;
    expect(cell).toMatchObject({ coverage: 'some', workloadPairs: 2, connected: 2, allowedEverything: 0 });
    expect(cell.set.ports).toEqual({ TCP: [[80, 80]], UDP: [[53, 53]], SCTP: [] });
  });

  it('says some when one pair of several has everything', () => {
    const partial = namespaceMatrix([a1, a2, b1], [{ src: a1, dst: b1, set: all }]);
    expect(partial.cells).toMatchObject([{ src: 'a', dst: 'b', coverage: 'some', connected: 1, allowedEverything: 1 }]);
  });
});

describe('namespaceConnections', () => {
  it('keeps the connections into or out of the namespace, outside ranges included', () => {
    const connections: Connection[] = [
      { src: a1, dst: a2, set: web },
      { src: a1, dst: b1, set: web },
      { src: b1, dst: outside, set: all },
      { src: outside, dst: a1, set: all },
    ];
    expect(namespaceConnections(connections, 'b')).toEqual([connections[1], connections[2]]);
  });
});
