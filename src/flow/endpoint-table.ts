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
      spec = this.decode(text, field);
      if (this.specs.size >= this.maxEntries) this.specs.clear();
      this.specs.set(text, spec);
    }
    return spec;
  }
}
