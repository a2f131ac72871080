import { describe, expect, it } from 'vitest';
import { NamespaceGrid, workloadRows } from './namespace-grid.js';
import type { ConnectivityList, NamespaceMatrixAnswer } from './types.js';

const none = { TCP: [], UDP: [], SCTP: [] };
const answer: NamespaceMatrixAnswer = {
  version: 'sha256:x',
  group: 'namespace',
  namespaces: [{ name: 'a', workloads: 2 }, { name: 'b', workloads: 1 }],
  cells: [
    { src: 'a', dst: 'a', coverage: 'everything', workloadPairs: 2, connected: 2, allowedEverything: 2, all: true, ports: { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] } },
    { src: 'a', dst: 'b', coverage: 'some', workloadPairs: 2, connected: 1, allowedEverything: 0, all: false, ports: { ...none, TCP: [[80, 80]] } },
  ],
};
const grid = new NamespaceGrid(answer);

describe('NamespaceGrid', () => {
  it('says all, the short port set, or none, with the pair counts', () => {
    expect(grid.cell('a', 'a')).toMatchObject({ level: 'all', text: 'all', pairs: 2, connected: 2 });
    expect(grid.cell('a', 'b')).toMatchObject({ level: 'some', text: 'TCP 80', ports: 'TCP 80', pairs: 2, connected: 1 });
    expect(grid.cell('b', 'a')).toMatchObject({ level: 'none', text: 'none', pairs: 2, connected: 0 });
  });
});

describe('workloadRows', () => {
  const web = { kind: 'Deployment', namespace: 'a', name: 'web' };
  const db = { kind: 'Deployment', namespace: 'a', name: 'db' };
  const api = { kind: 'Deployment', namespace: 'b', name: 'api' };
  const list: ConnectivityList = {
    version: 'sha256:x',
    workloads: [db, web, api],
    connections: [
      { src: web, dst: db, all: true, ports: none },
      { src: web, dst: api, all: false, ports: { ...none, TCP: [[80, 80]] } },
      { src: api, dst: web, all: true, ports: none },
      { src: web, dst: { external: ['0.0.0.0-255.255.255.255'] }, all: true, ports: none },
    ],
  };
  const rows = workloadRows(grid, 'a', list);

  it("keeps the namespace's workloads and folds each one's connections to destination namespaces", () => {
    expect(rows.workloads).toEqual([db, web]);
    expect(rows.cell(web, 'a')).toMatchObject({ level: 'all', pairs: 1, connected: 1 });
    expect(rows.cell(web, 'b')).toMatchObject({ level: 'some', text: 'TCP 80', pairs: 1, connected: 1 });
    expect(rows.cell(db, 'b')).toMatchObject({ level: 'none', pairs: 1, connected: 0 });
  });
});
