import { describe, expect, it } from 'vitest';
import { MISSING, TwoKeyCache } from './two-key-cache.js';

describe('TwoKeyCache', () => {
  it('remembers values by both keys, undefined ones too, and never mixes pairs up', () => {
    const cache = new TwoKeyCache<string | undefined>();
    expect(cache.get('a', 'b')).toBe(MISSING);
    cache.set('a', 'b', 'ab');
    cache.set('a', 'c', undefined);
    cache.set('ab', '', 'ab+');
    expect(cache.get('a', 'b')).toBe('ab');
    expect(cache.get('a', 'c')).toBeUndefined();
    expect(cache.get('ab', '')).toBe('ab+');
    expect(cache.get('', 'ab')).toBe(MISSING);
    expect(cache.get('b', 'a')).toBe(MISSING);
  });

  it('starts over past its bound', () => {
    const cache = new TwoKeyCache<number>(3);
    for (let i = 0; i < 3; i++) cache.set('x', String(i), i);
    expect(cache.get('x', '2')).toBe(2);
    cache.set('y', 'y', 9);
    expect(cache.get('x', '0')).toBe(MISSING);
    expect(cache.get('y', 'y')).toBe(9);
  });
});
