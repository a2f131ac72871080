/**
 * @module Workload grouping: pods of one workload in one group however they are interleaved,
 * workloads ordered by namespace, name, then kind, an ownerless pod standing for itself.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle } from '../model/bundle.js';
import { groupWorkloads } from './endpoints.js';

const pod = (namespace: string, name: string, owner?: { kind: string; name: string }, workload?: { kind: string; name: string }) => ({ namespace, name, owner, workload });
const pods = [
  pod('b', 'web-1', { kind: 'ReplicaSet', name: 'web-abc' }, { kind: 'Deployment', name: 'web' }),
  pod('a', 'db-0', { kind: 'StatefulSet', name: 'db' }),
  pod('b', 'web-2', { kind: 'ReplicaSet', name: 'web-abc' }, { kind: 'Deployment', name: 'web' }),
  pod('a', 'db', undefined),
  pod('a', 'db-1', { kind: 'StatefulSet', name: 'db' }),
  pod('ab', 'x', undefined),
  pod('b', 'web', { kind: 'DaemonSet', name: 'web' }),
  pod('b', 'web-3', { kind: 'ReplicaSet', name: 'web-abc' }, { kind: 'Deployment', name: 'web' }),
];
const bundle = { pods } as unknown as Bundle;

describe('groupWorkloads', () => {
  const groups = groupWorkloads(bundle);

  it('orders workloads by namespace, name, then kind', () => {
    expect(groups.workloads).toEqual([
      { kind: 'Pod', namespace: 'a', name: 'db' },
      { kind: 'StatefulSet', namespace: 'a', name: 'db' },
      { kind: 'Pod', namespace: 'ab', name: 'x' },
      { kind: 'DaemonSet', namespace: 'b', name: 'web' },
      { kind: 'Deployment', namespace: 'b', name: 'web' },
    ]);
  });

  it('puts every pod of a workload in its group, ascending, and maps each pod back', () => {
    expect(groups.pods).toEqual([[3], [1, 4], [5], [6], [0, 2, 7]]);
    expect([...groups.workloadOf]).toEqual([4, 1, 4, 0, 1, 2, 3, 4]);
  });
});
