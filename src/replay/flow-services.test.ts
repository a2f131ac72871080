import { describe, expect, it } from 'vitest';
import { FlowServices } from './flow-services.js';

describe('FlowServices', () => {
  it('numbers each (source, destination, protocol, port) once, through growth, and keeps them apart', () => {
    const services = new FlowServices(2);
    const ids = new Map<string, number>();
    // Many services share their endpoints and differ only by protocol or port (the same slot chain).
    for (let src = 0; src < 20; src++) {
      for (let dst = 0; dst < 5; dst++) {
        for (const [protocol, port] of [[1, 80], [2, 80], [1, 81], [3, 65535], [1, 1]] as const) {
          for (let n = 0; n < 60; n += 20) ids.set(`${src} ${dst + n} ${protocol} ${port}`, services.find(src, dst + n, protocol, port));
        }
      }
    }
    expect(new Set(ids.values()).size).toBe(ids.size);
    expect(services.size).toBe(ids.size);
    for (const [key, id] of ids) {
      const [src, dst, protocol, port] = key.split(' ').map(Number) as [number, number, number, number];
      expect(services.find(src, dst, protocol, port)).toBe(id);
      expect([services.srcOf(id), services.dstOf(id), services.protocolOf(id), services.portOf(id)]).toEqual([src, dst, protocol, port]);
    }
    expect(services.size).toBe(ids.size);
  });

  it('gives a verdict back only once every engine answered it, and forgets everything on clear', () => {
    const services = new FlowServices(2);
    const s = services.find(3, 4, 1, 8080);
    const decided = Uint32Array.of(0, 0, 0, 0, 0, 0x0201, 7, 8, 9, 10);
    services.remember(s, 0, decided, 0, false);
    expect(services.known(s)).toBe(false);
    services.remember(s, 1, decided, 1, true);
    expect(services.known(s)).toBe(true);
    // Engine e's record of service s is record s * engines + e.
    const other = services.find(3, 4, 1, 8081);
    services.remember(other, 0, Uint32Array.of(1, 2, 3, 4, 5), 0, false);
    services.remember(other, 1, Uint32Array.of(6, 7, 8, 9, 10), 0, true);
    expect([...new Uint32Array(services.verdictBytes().slice().buffer)]).toEqual([0, 0, 0, 0, 0, 0x0201, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    services.clear();
    expect(services.size).toBe(0);
    const again = services.find(3, 4, 1, 8080);
    expect(again).toBe(0);
    expect(services.known(again)).toBe(false);
  });
});
