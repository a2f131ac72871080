import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FlowError } from '../model/errors.js';
import { decodeEndpoint } from './decode.js';
import { EndpointTable } from './endpoint-table.js';

describe('EndpointTable', () => {
  it('decodes each text once and hands out the same object after', () => {
    let decoded = 0;
    const table = new EndpointTable((text, field) => (decoded++, decodeEndpoint(text, field)));
    const first = table.get('ns1/web', 'src');
    expect(first).toEqual({ kind: 'ref', ref: 'ns1/web' });
    expect(table.get('ns1/web', 'dst')).toBe(first);
    expect(table.get('2001:DB8::1', 'dst')).toEqual({ kind: 'ip', ip: '2001:db8::1' });
    expect(decoded).toBe(2);
  });

  it('never remembers an error: each bad mention is refused with its own field', () => {
    const table = new EndpointTable(decodeEndpoint);
    expect(() => table.get('not an endpoint', 'src')).toThrow(new FlowError('src: "not an endpoint" is neither an IP address nor a pod reference ("namespace/name" or "namespace/kind/name")'));
    expect(() => table.get('not an endpoint', 'dst')).toThrow(/^dst: /);
  });

  it('stays within its size, and answers the same after starting over', () => {
    const table = new EndpointTable(decodeEndpoint, 4);
    const texts = Array.from({ length: 10 }, (_, i) => `10.0.0.${i}`);
    for (const text of [...texts, ...texts]) expect(table.get(text, 'src')).toEqual({ kind: 'ip', ip: text });
  });

  it('keeps no chunk of input alive through a remembered endpoint', () => {
    // A substring is a view of its parent: the table must hold copies, or 500 chunks stay alive (32 MiB).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const table = new EndpointTable(decodeEndpoint);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 500; i++) {
      const chunk = `${'x'.repeat(64 * 1024)}\nkube-system/coredns-5d78c9869d-${i},10.0.0.1`;
      table.get(chunk.split('\n')[1]!.split(',')[0]!, 'src');
    }
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 2 ** 20);
  });
});
