import { describe, expect, it } from 'vitest';
import { firstPort, formatPorts, formatSet, unionPorts, unionRanges } from './ports.js';

describe('port sets', () => {
  it('merges overlapping and adjacent ranges', () => {
    expect(unionRanges([[1, 5], [10, 12]], [[6, 8], [11, 20]])).toEqual([[1, 8], [10, 20]]);
    expect(unionPorts({ TCP: [[80, 80]], UDP: [], SCTP: [] }, { TCP: [[81, 81]], UDP: [[53, 53]], SCTP: [] })).toEqual({
      TCP: [[80, 81]],
      UDP: [[53, 53]],
      SCTP: [],
    });
  });

  it('reads as the CLI writes it', () => {
    expect(formatPorts({ TCP: [[80, 80], [8000, 8080]], UDP: [[53, 53]], SCTP: [] })).toBe('TCP 80, 8000-8080; UDP 53');
    expect(formatPorts({ TCP: [[1, 65535]], UDP: [], SCTP: [] })).toBe('TCP all');
    expect(formatSet({ all: true, ports: { TCP: [], UDP: [], SCTP: [] } })).toBe('all ports');
    expect(formatSet(null)).toBe('nothing');
  });

  it('picks the first port of a set to explain', () => {
    expect(firstPort({ all: false, ports: { TCP: [], UDP: [[53, 60]], SCTP: [] } })).toEqual(['UDP', 53]);
    expect(firstPort({ all: true, ports: { TCP: [], UDP: [], SCTP: [] } })).toEqual(['TCP', 1]);
    expect(firstPort({ all: false, ports: { TCP: [], UDP: [], SCTP: [] } })).toBeNull();
  });
});
