/**
 * @module Endpoints remembered by their text: flow lines and logs name the same few pods and
 * addresses over and over, so each distinct text is decoded once and every later mention gets the
 * same (immutable) endpoint object: no repeated validation, and identity a verdict cache can key on.
 */
import type { EndpointSpec } from '../model/flow.js';

/** Distinct texts kept by default; past that the table starts over (memory stays bounded). */
export const DEFAULT_MAX_ENDPOINTS = 1 << 16;

export class EndpointTable {
  private readonly specs = new Map<string, EndpointSpec>();

  /**
   * `decode` must give the same endpoint for the same text whatever the field (only its error
   * messages name the field); errors are never remembered, so each bad mention is reported as before.
   */
  constructor(
    private readonly decode: (text: string, field: string) => EndpointSpec,
    private readonly maxEntries = DEFAULT_MAX_ENDPOINTS,
  ) {}

  get(text: string, field: string): EndpointSpec {
    let spec = this.specs.get(text);
    if (spec === undefined) {
      const own = detached(text);
      spec = this.decode(own, field);
      if (this.specs.size >= this.maxEntries) this.specs.clear();
      this.specs.set(own, spec);
    }
    return spec;
  }
}

/**
 * A copy of `text` that shares no memory with it. A substring of a line is a view of the whole
 * decoded chunk it came from (64 KiB or more); kept as it is, every remembered endpoint would keep
 * its chunk alive. Only done once per distinct text (here, and for every text a report keeps).
 */
export function detached(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
