/** @module Errors every layer may throw. */

/** A flow or endpoint that cannot be answered; the message says which field and why. */
export class FlowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowError';
  }
}
