import { describe, expect, it } from 'vitest';
import { ENDPOINT_BYTES } from '../compile/layout.js';
import { EndpointBytesTable } from './endpoint-bytes.js';

const encoder = new TextEncoder();

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function endpointOf(n: number): Uint8Array {
  const bytes = new Uint8Array(ENDPOINT_BYTES);
  new DataView(bytes.buffer).setUint32(0, n, true);
  return bytes;
}

describe('the endpoint table keyed by bytes', () => {
  it('finds each key it was given, anywhere in a buffer, and no other', () => {
    const table = new EndpointBytesTable();
    // Keys that share their tails and lengths (the hash's part) as well as keys that do not.
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `ns${i}/web-abcdef` : `10.0.${i >> 8}.${i & 255}`));
    const entries = keys.map((key, i) => {
      const bytes = encoder.encode(`xx${key}"`);
      expect(table.find(bytes, viewOf(bytes), 2, bytes.length - 1)).toBe(-1);
      return table.add(bytes, 2, bytes.length - 1, i % 3, endpointOf(i));
    });
    keys.forEach((key, i) => {
      const bytes = encoder.encode(`{"src":"${key}"}`);
      const entry = table.find(bytes, viewOf(bytes), 8, 8 + key.length);
      expect(entry).toBe(entries[i]);
      expect(table.kinds[entry]).toBe(i % 3);
      expect(Array.from(table.endpoints.subarray(entry * ENDPOINT_BYTES, (entry + 1) * ENDPOINT_BYTES))).toEqual(Array.from(endpointOf(i)));
      expect(table.endpointWords[(entry * ENDPOINT_BYTES) / 4]).toBe(new Uint32Array(endpointOf(i).buffer)[0]);
    });
    for (const other of ['ns0/web-abcde', 'ns0/web-abcdefg', 's0/web-abcdef', '']) {
      const bytes = encoder.encode(other);
      expect(table.find(bytes, viewOf(bytes), 0, bytes.length), other).toBe(-1);
    }
  });

  it('starts over when full, and answers the same afterwards', () => {
    const table = new EndpointBytesTable();
    const key = (i: number): Uint8Array => encoder.encode(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    for (let i = 0; i < 70_000; i++) {
      const bytes = key(i);
      const entry = table.add(bytes, 0, bytes.length, 1, endpointOf(i));
      expect(table.find(bytes, viewOf(bytes), 0, bytes.length)).toBe(entry);
    }
    // The first keys were dropped when the table started over; the last ones are there.
    const first = key(0);
    expect(table.find(first, viewOf(first), 0, first.length)).toBe(-1);
    const last = key(69_999);
    const entry = table.find(last, viewOf(last), 0, last.length);
    expect(new DataView(table.endpoints.buffer).getUint32(entry * ENDPOINT_BYTES, true)).toBe(69_999);
  });
});
