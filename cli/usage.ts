/** @module Errors in how the CLI was called or in what it was given: exit code 2 and a message. */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes shared by every command (`check` adds 1 for "denied"). */
export const EXIT = { ok: 0, denied: 1, invalid: 1, error: 2 } as const;
