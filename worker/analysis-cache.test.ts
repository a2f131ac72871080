/** The isolate's bounded cache of analysis answers. */
import { describe, expect, it } from 'vitest';
import { AnalysisCache, type AnalysisAnswer } from './analysis-cache.js';

const answerOf = (body: string): AnalysisAnswer => ({ body, type: 'text/plain', headers: {} });

describe('AnalysisCache', () => {
  it('computes a key once, even for concurrent requests', async () => {
    const cache = new AnalysisCache(4, 1000);
    let computed = 0;
    const compute = async () => answerOf(`answer ${++computed}`);
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect([a.body, b.body, (await cache.get('k', compute)).body]).toEqual(['answer 1', 'answer 1', 'answer 1']);
    expect(computed).toBe(1);
  });

  it('drops the least recently used entry above its entry bound', async () => {
    const cache = new AnalysisCache(2, 1000);
    await cache.get('a', async () => answerOf('a'));
    await cache.get('b', async () => answerOf('b'));
    await cache.get('a', async () => answerOf('a again')); // a is now the most recently used
    await cache.get('c', async () => answerOf('c'));
    expect(cache.size).toBe(2);
    expect((await cache.get('a', async () => answerOf('recomputed'))).body).toBe('a');
    expect((await cache.get('b', async () => answerOf('b recomputed'))).body).toBe('b recomputed');
  });

  it('stays within its character bound, and keeps no failure', async () => {
    const cache = new AnalysisCache(10, 10);
    await cache.get('a', async () => answerOf('123456'));
    await cache.get('b', async () => answerOf('123456'));
    expect(cache.size).toBe(1);
    await expect(cache.get('x', async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    await Promise.resolve();
    expect((await cache.get('x', async () => answerOf('ok'))).body).toBe('ok');
  });
});
