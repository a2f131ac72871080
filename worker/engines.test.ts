import { describe, expect, it } from 'vitest';
import { activeVersion, forgetActive } from './engines.js';
import type { Env } from './env.js';

/** An env whose store answers `active` only when the test says so, to order a race exactly. */
function controlledStore() {
  const pending: ((version: string) => void)[] = [];
  const stub = { active: () => new Promise<{ version: string }>((resolve) => pending.push((version) => resolve({ version }))) };
  const env = { BUNDLES: { idFromName: () => 'bundles', get: () => stub } } as unknown as Env;
  return { env, answer: (version: string) => pending.shift()!(version) };
}

describe('the active-version cache', () => {
  it('does not cache a read that started before this isolate changed the bundle', async () => {
    const { env, answer } = controlledStore();
    const staleRead = activeVersion(env, 'cache-race');
    forgetActive('cache-race'); // An activation to v2 committed here, while the read was in flight.
    answer('v1');
    expect(await staleRead).toBe('v1'); // v1 was active during that request: a fine answer for it.
    const next = activeVersion(env, 'cache-race');
    answer('v2');
    expect(await next).toBe('v2'); // ...but not one to remember for the next request.
  });

  it('caches a read that no change overtook', async () => {
    const { env, answer } = controlledStore();
    const first = activeVersion(env, 'cache-quiet');
    answer('v1');
    expect(await first).toBe('v1');
    expect(await activeVersion(env, 'cache-quiet')).toBe('v1'); // No store call: nothing to answer.
  });
});
