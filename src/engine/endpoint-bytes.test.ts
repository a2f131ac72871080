import { describe, expect, it } from 'vitest';
import { ENDPOINT_BYTES } from '../compile/layout.js';
import { EndpointBytesTable, ENTRY, ENTRY_WORDS, REFUSED_ENTRY, REFUSED_KIND } from './endpoint-bytes.js';

const encoder = new TextEncoder();

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function endpointOf(n: number): Uint8Array {
  const bytes = new Uint8Array(ENDPOINT_BYTES);
  new DataView(bytes.buffer).setUint32(0, n, true);
  return bytes;
}

/** Entry `entry`'s endpoint bytes, as a record holds them. */
function endpointAt(table: EndpointBytesTable, entry: number): Uint8Array {
  const from = entry * ENTRY_WORDS + ENTRY.ENDPOINT;
  return new Uint8Array(Int32Array.from(table.entries.subarray(from, from + ENDPOINT_BYTES / 4)).buffer);
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
      expect(table.entries[entry * ENTRY_WORDS + ENTRY.KIND]).toBe(i % 3);
      expect(Array.from(endpointAt(table, entry))).toEqual(Array.from(endpointOf(i)));
    });
    for (const other of ['ns0/web-abcde', 'ns0/web-abcdefg', 's0/web-abcdef', '']) {
      const bytes = encoder.encode(other);
      expect(table.find(bytes, viewOf(bytes), 0, bytes.length), other).toBe(-1);
    }
  });

  it('tells apart keys of every short length and keys that differ in one byte anywhere', () => {
    const table = new EndpointBytesTable();
    const base = 'abcdefghijklmnopq';
    const keys = new Set<string>();
    for (let length = 0; length <= base.length; length++) {
      const key = base.slice(0, length);
      keys.add(key);
      for (let i = 0; i < length; i++) keys.add(`${key.slice(0, i)}Z${key.slice(i + 1)}`);
    }
    const list = [...keys];
    list.forEach((key, i) => {
      const bytes = encoder.encode(`"${key}"`);
      expect(table.find(bytes, viewOf(bytes), 1, bytes.length - 1), key).toBe(-1);
      table.add(bytes, 1, bytes.length - 1, 1, endpointOf(i));
    });
    list.forEach((key, i) => {
      // At every alignment of the input.
      for (const pad of ['', 'x', 'xy', 'xyz']) {
        const bytes = encoder.encode(`${pad}${key}`);
        const entry = table.find(bytes, viewOf(bytes), pad.length, bytes.length);
        expect(new DataView(endpointAt(table, entry).buffer).getUint32(0, true), key).toBe(i);
      }
    });
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
    expect(new DataView(endpointAt(table, entry).buffer).getUint32(0, true)).toBe(69_999);
  });

  it('copies a remembered endpoint into a record, and nothing for a refused or unknown key', () => {
    const table = new EndpointBytesTable();
    const bytes = encoder.encode('"ns1/web-7f9c" "ns2/gone" "ns1/web-7f9d"');
    const entry = table.add(bytes, 1, 13, 2, Uint8Array.from({ length: ENDPOINT_BYTES }, (_, i) => i + 1));
    table.add(bytes, 16, 24, REFUSED_KIND, endpointOf(0));
    const records = new Uint8Array(40).fill(0xee);
    const words = new Uint32Array(records.buffer);
    expect(table.copyEndpoint(bytes, viewOf(bytes), 1, 13, records, words, 1, 6)).toBe(entry);
    expect(records[1]).toBe(2);
    expect(Array.from(records.subarray(24, 40))).toEqual(Array.from({ length: ENDPOINT_BYTES }, (_, i) => i + 1));
    const copied = Array.from(records);
    expect(table.copyEndpoint(bytes, viewOf(bytes), 16, 24, records, words, 0, 2)).toBe(REFUSED_ENTRY);
    expect(table.copyEndpoint(bytes, viewOf(bytes), 27, 39, records, words, 0, 2)).toBe(-1);
    expect(Array.from(records)).toEqual(copied);
  });
});
