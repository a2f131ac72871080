import { describe, expect, it } from 'vitest';
import { flagValue, wranglerDevArgs } from './wrangler-args.js';

describe('npm start arguments', () => {
  it('uses the defaults when nothing is given', () => {
    expect(wranglerDevArgs([])).toEqual(['dev', '--ip', '127.0.0.1', '--port', '8787']);
  });

  it('lets a given flag override its default, in both forms, never passing it twice', () => {
    expect(wranglerDevArgs(['--ip', '0.0.0.0'])).toEqual(['dev', '--port', '8787', '--ip', '0.0.0.0']);
    expect(wranglerDevArgs(['--port=9000', '--ip=::1'])).toEqual(['dev', '--port=9000', '--ip=::1']);
    expect(wranglerDevArgs(['--var', 'ADMIN_TOKEN:x', '--port', '9000'])).toEqual(['dev', '--ip', '127.0.0.1', '--var', 'ADMIN_TOKEN:x', '--port', '9000']);
  });

  it('reads a flag in either form', () => {
    expect(flagValue(['--port', '9000'], '--port')).toBe('9000');
    expect(flagValue(['--port=9001'], '--port')).toBe('9001');
    expect(flagValue(['--portal', 'x'], '--port')).toBeUndefined();
  });
});
