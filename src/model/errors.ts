/** @module Errors every layer may throw. */

/** V8's (Node's, workerd's) knob for how many frames a new error captures. */
const V8Error = Error as ErrorConstructor & { stackTraceLimit?: number };

/**
 * A flow or endpoint that cannot be answered; the message says which field and why. It carries
 * no stack trace: it is an answer about the input, not a fault of the code, and a replay may make
 * one per flow (capturing a stack costs about ten times the rest of the error).
 */
export class FlowError extends Error {
  constructor(message: string) {
    const limit = V8Error.stackTraceLimit;
    if (typeof limit === 'number') V8Error.stackTraceLimit = 0;
    super(message);
    if (typeof limit === 'number') V8Error.stackTraceLimit = limit;
    this.name = 'FlowError';
  }
}
