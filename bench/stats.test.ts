import { describe, expect, it } from 'vitest';
import { interleavedRates } from './stats.js';

describe('interleavedRates', () => {
  it('times every op in each round, in alternating order, and reports each op its own median', async () => {
    const calls: string[] = [];
    const spin = (name: string, n: number) => () => {
      calls.push(name);
      let x = 0;
      for (let i = 0; i < n; i++) x += i;
      return x;
    };
    const options = { warmupMs: 5, targetMs: 5, samples: 4, budgetMs: 2_000 };
    const rates = await interleavedRates({ cheap: spin('cheap', 1_000), dear: spin('dear', 100_000) }, options);
    expect(rates.cheap!.samples).toBe(4);
    expect(rates.dear!.samples).toBe(4);
    expect(rates.cheap!.opsPerSecond).toBeGreaterThan(rates.dear!.opsPerSecond);
    // The last two rounds are the last calls: cheap then dear, then dear then cheap.
    const timed = calls.slice(-(2 * rates.cheap!.iterations + 2 * rates.dear!.iterations));
    const runs = timed.filter((name, i) => i === 0 || timed[i - 1] !== name);
    expect(runs).toEqual(['cheap', 'dear', 'cheap']);
  });
});
