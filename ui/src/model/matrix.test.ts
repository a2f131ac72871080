import { describe, expect, it } from 'vitest';
import { compileFilter, compileLabelSelector } from './filters.js';
import { ConnectivityIndex, type AxisItem } from './matrix.js';
import type { Connection, PortSet } from './types.js';

const pod = (namespace: string, name: string) => ({ kind: 'Pod', namespace, name });
const TCP80: PortSet = { TCP: [[80, 80]], UDP: [], SCTP: [] };
const ALL: PortSet = { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] };
const web = pod('ns1', 'web');
const db = pod('ns1', 'db');
const search = pod('ns2', 'search');
const frontend = pod('ns3', 'frontend');
const outside = { external: ['0.0.0.0-9.255.255.255', '11.0.0.0-255.255.255.255'] };
const connections: Connection[] = [
  { src: frontend, dst: web, all: false, ports: TCP80 },
  { src: frontend, dst: db, all: false, ports: TCP80 },
  { src: web, dst: search, all: true, ports: ALL },
  { src: db, dst: search, all: true, ports: ALL },
  { src: outside, dst: search, all: true, ports: ALL },
];

const find = (axis: AxisItem[], name: string): AxisItem => {
  const item = axis.find((i) => (i.kind === 'group' ? i.group.name : `${i.group.name}/${i.member.label}`) === name);
  if (!item) throw new Error(`no axis item ${name}`);
  return item;
};

describe('connectivity matrix', () => {
  const index = ConnectivityIndex.build(connections);

  it('groups endpoints by namespace, the outside world last', () => {
    expect(index.axis(new Set(), 'name').map((i) => i.key)).toEqual(['g:ns1', 'g:ns2', 'g:ns3', 'g:(outside)']);
    expect(index.axis(new Set(['ns1']), 'name').map((i) => i.key)).toEqual(['g:ns1', 'ns1/Pod/db', 'ns1/Pod/web', 'g:ns2', 'g:ns3', 'g:(outside)']);
  });

  it('says none, some (with the port set) or all, for namespaces and workloads', () => {
    const axis = index.axis(new Set(['ns1']), 'name');
    const cell = (from: string, to: string) => index.cell(find(axis, from), find(axis, to));
    expect(cell('ns3', 'ns1')).toMatchObject({ level: 'some', text: 'TCP 80', pairs: 2, connected: 2 });
    expect(cell('ns3', 'ns1/web')).toMatchObject({ level: 'some', text: 'TCP 80', pairs: 1 });
    expect(cell('ns2', 'ns1')).toMatchObject({ level: 'none', text: 'none', pairs: 2, connected: 0 });
    expect(cell('ns1', 'ns2')).toMatchObject({ level: 'all', text: 'all', pairs: 2, connected: 2 });
    expect(cell('(outside)', 'ns2')).toMatchObject({ level: 'all' });
  });

  it('leaves self pairs out: one workload to itself, and a namespace to itself counts the other pairs', () => {
    const axis = index.axis(new Set(['ns1']), 'name');
    expect(index.cell(find(axis, 'ns1/web'), find(axis, 'ns1/web')).level).toBe('self');
    expect(index.cell(find(axis, 'ns1'), find(axis, 'ns1'))).toMatchObject({ level: 'none', pairs: 2 });
    expect(index.cell(find(axis, 'ns2'), find(axis, 'ns2')).level).toBe('self');
  });

  it('says some when a namespace pair is only partly connected, and lists the connections', () => {
    const partial = ConnectivityIndex.build([
      { src: web, dst: search, all: true, ports: ALL },
      { src: db, dst: outside, all: true, ports: ALL },
    ]);
    const axis = partial.axis(new Set(), 'name');
    expect(partial.cell(find(axis, 'ns1'), find(axis, 'ns2'))).toMatchObject({ level: 'some', text: 'some', pairs: 2, connected: 1 });
    expect(index.connectionsIn(find(index.axis(new Set(), 'name'), 'ns3'), find(index.axis(new Set(), 'name'), 'ns1'), 10)).toHaveLength(2);
  });

  it('counts a diff’s changes in every cell they fall in', () => {
    const diffed = ConnectivityIndex.build(connections, [
      { change: 'added', src: frontend, dst: web, old: null, new: { all: false, ports: TCP80 } },
      { change: 'removed', src: search, dst: web, old: { all: true, ports: ALL }, new: null },
    ]);
    const axis = diffed.axis(new Set(), 'name');
    expect(diffed.cell(find(axis, 'ns3'), find(axis, 'ns1')).stats).toMatchObject({ added: 1, removed: 0 });
    expect(diffed.cell(find(axis, 'ns2'), find(axis, 'ns1'))).toMatchObject({ level: 'none', stats: { removed: 1 } });
  });

  it('sorts by connections', () => {
    const busy = ConnectivityIndex.build([...connections, { src: pod('zz', 'a'), dst: search, all: true, ports: ALL }, { src: pod('zz', 'b'), dst: frontend, all: true, ports: ALL }, { src: pod('zz', 'c'), dst: web, all: true, ports: ALL }, { src: pod('zz', 'd'), dst: db, all: true, ports: ALL }, { src: pod('zz', 'e'), dst: outside, all: true, ports: ALL }]);
    expect(busy.axis(new Set(), 'connections').map((i) => i.key)).toEqual(['g:ns1', 'g:zz', 'g:ns2', 'g:ns3', 'g:(outside)']);
  });

  it('places listed workloads with no connection on the axes', () => {
    const lonely = { ...pod('quiet', 'lonely'), labels: { app: 'lonely' } };
    const withIsolated = ConnectivityIndex.build(connections, [], [{ ...web, labels: { app: 'web' } }, lonely]);
    const axis = withIsolated.axis(new Set(['quiet']), 'name');
    expect(axis.map((i) => i.key)).toEqual(['g:ns1', 'g:ns2', 'g:ns3', 'g:quiet', 'quiet/Pod/lonely', 'g:(outside)']);
    expect(withIsolated.cell(find(axis, 'ns3'), find(axis, 'quiet/lonely'))).toMatchObject({ level: 'none', pairs: 1 });
    expect(withIsolated.cell(find(axis, 'quiet/lonely'), find(axis, 'quiet/lonely')).level).toBe('self');
    expect(withIsolated.size).toBe(6);
  });

  it('restricts the matrix to the endpoints a filter keeps, so namespace cells count only those', () => {
    const labelled = ConnectivityIndex.build(connections, [], [
      { ...web, labels: { app: 'web', tier: 'frontend' } },
      { ...db, labels: { app: 'db', tier: 'backend' } },
      { ...search, labels: { app: 'search' } },
      { ...frontend, labels: { app: 'frontend' } },
    ]);
    const selector = compileLabelSelector('tier in (frontend), app');
    if (!('filter' in selector)) throw new Error(selector.error);
    const onlyWeb = labelled.restrict(selector.filter);
    expect(onlyWeb.axis(new Set(['ns1']), 'name').map((i) => i.key)).toEqual(['g:ns1', 'ns1/Pod/web']);
    const both = labelled.restrict((m) => m.label === 'frontend' || m.label === 'web');
    const axis = both.axis(new Set(), 'name');
    expect(both.cell(find(axis, 'ns3'), find(axis, 'ns1'))).toMatchObject({ level: 'some', text: 'TCP 80', pairs: 1, connected: 1 });
    expect(labelled.restrict(compileFilter('NS2')).axis(new Set(), 'name').map((i) => i.key)).toEqual(['g:ns2']);
    expect(labelled.restrict(compileFilter('web')).axis(new Set(['ns1']), 'name').map((i) => i.key)).toEqual(['g:ns1', 'ns1/Pod/web']);
  });
});

describe('label selectors', () => {
  const member = (labels?: Record<string, string>) => ({ key: 'k', index: 0, group: 'ns1', label: 'web', endpoint: { ...web, ...(labels ? { labels } : {}) } });
  const matches = (selector: string, labels?: Record<string, string>): boolean => {
    const compiled = compileLabelSelector(selector);
    if (!('filter' in compiled)) throw new Error(compiled.error);
    return compiled.filter(member(labels));
  };

  it('takes kubectl -l terms with Kubernetes semantics', () => {
    const labels = { app: 'web', tier: 'frontend' };
    expect(matches('app=web', labels)).toBe(true);
    expect(matches('app==web', labels)).toBe(true);
    expect(matches('app = db', labels)).toBe(false);
    expect(matches('app', labels)).toBe(true);
    expect(matches('!app', labels)).toBe(false);
    expect(matches('!canary', labels)).toBe(true);
    expect(matches('canary!=yes', labels)).toBe(true);
    expect(matches('app!=web', labels)).toBe(false);
    expect(matches('tier in (backend, frontend)', labels)).toBe(true);
    expect(matches('tier notin (frontend)', labels)).toBe(false);
    expect(matches('canary notin (yes)', labels)).toBe(true);
    expect(matches('app=web, tier in (backend)', labels)).toBe(false);
    expect(matches(' , ', labels)).toBe(true);
    expect(matches('App=web', labels)).toBe(false);
    expect(matches('app', undefined)).toBe(false);
    expect(matches('constructor', labels)).toBe(false);
  });

  it('never matches the outside world, and says what is wrong with a bad term', () => {
    const compiled = compileLabelSelector('!app');
    if (!('filter' in compiled)) throw new Error(compiled.error);
    expect(compiled.filter({ key: 'x', index: 0, group: '(outside)', label: '0.0.0.0', endpoint: outside })).toBe(false);
    expect(compileLabelSelector('app=we b')).toEqual({ error: expect.stringContaining('"app=we b"') });
    expect(compileLabelSelector('tier in (a b)')).toEqual({ error: expect.stringContaining('is not a label key or value') });
    expect(compileLabelSelector('=web')).toEqual({ error: expect.stringContaining('expected key') });
  });
});
