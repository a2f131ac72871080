import { describe, expect, it } from 'vitest';
import { InputWindow } from './input-window.js';

describe('InputWindow', () => {
  const bytes = new TextEncoder().encode('0123456789');

  it('copies as much of the chunk from start as the area holds, at the area', () => {
    const memory = new Uint8Array(12);
    const window = new InputWindow<number>(2, 4);
    window.copy(memory, bytes, 3, 7);
    expect(new TextDecoder().decode(memory.subarray(2, 6))).toBe('3456');
    expect([window.start, window.end]).toEqual([3, 7]);
    expect(memory[6]).toBe(0);
  });

  it('stops at the chunk end', () => {
    const window = new InputWindow<number>(0, 8);
    window.copy(new Uint8Array(8), bytes, 6, 1);
    expect([window.start, window.end]).toEqual([6, 10]);
  });

  it('holds offsets of the same chunk inside the stretch only', () => {
    const window = new InputWindow<number>(0, 4);
    expect(window.holds(1, 0)).toBe(false);
    window.copy(new Uint8Array(4), bytes, 2, 1);
    expect([window.holds(1, 1), window.holds(1, 2), window.holds(1, 5), window.holds(1, 6)]).toEqual([false, true, true, false]);
    expect(window.holds(2, 3)).toBe(false);
    window.forget();
    expect(window.holds(1, 3)).toBe(false);
  });
});
