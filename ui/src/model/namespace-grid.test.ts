import { describe, expect, it } from 'vitest';
import { NamespaceGrid, NamespaceRows, type GridItem } from './namespace-grid.js';
import type { ConnectivityList, NamespaceMatrixAnswer, WorkloadEndpoint } from './types.js';

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
const ns = (name: string): GridItem => ({ kind: 'namespace', ns: name, name });
const item = (workload: WorkloadEndpoint): GridItem => ({ kind: 'workload', ns: workload.namespace, name: workload.name, workload });
const noRows = new Map<string, NamespaceRows>();

describe('NamespaceGrid between namespaces', () => {
  it('says all, the short port set, or none, with the pair counts', () => {
    expect(grid.cell(ns('a'), ns('a'), noRows)).toMatchObject({ level: 'all', text: 'all', pairs: 2, connected: 2 });
    expect(grid.cell(ns('a'), ns('b'), noRows)).toMatchObject({ level: 'some', text: 'TCP 80', ports: 'TCP 80', pairs: 2, connected: 1 });
    expect(grid.cell(ns('b'), ns('a'), noRows)).toMatchObject({ level: 'none', text: 'none', pairs: 2, connected: 0 });
  });
});

describe('NamespaceGrid with a namespace expanded', () => {
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
  const rows = new NamespaceRows('a', list);
  const expanded = new Map([['a', rows]]);

  it("keeps the namespace's workloads", () => {
    expect(rows.workloads).toEqual([db, web]);
  });

  it('folds a workload row to each destination namespace', () => {
    expect(grid.cell(item(web), ns('a'), expanded)).toMatchObject({ level: 'all', pairs: 1, connected: 1 });
    expect(grid.cell(item(web), ns('b'), expanded)).toMatchObject({ level: 'some', text: 'TCP 80', pairs: 1, connected: 1 });
    expect(grid.cell(item(db), ns('b'), expanded)).toMatchObject({ level: 'none', pairs: 1, connected: 0 });
  });

  it('folds a source namespace to each workload column, and answers workload pairs', () => {
    expect(grid.cell(ns('b'), item(web), expanded)).toMatchObject({ level: 'all', pairs: 1, connected: 1 });
    expect(grid.cell(ns('a'), item(db), expanded)).toMatchObject({ level: 'all', pairs: 1, connected: 1 });
    expect(grid.cell(item(web), item(db), expanded)).toMatchObject({ level: 'all', pairs: 1 });
    expect(grid.cell(item(db), item(web), expanded)).toMatchObject({ level: 'none' });
    expect(grid.cell(item(web), item(web), expanded)).toMatchObject({ level: 'self' });
  });
});
