/**
 * @module Endpoints as the console names them: a stable key, the group they sit in on the matrix's
 * axes (their namespace, or the outside world), a label for people, and the reference a decision
 * request takes.
 */
import { isExternal, type Endpoint } from './types.js';

/** The group of every external range on the axes. */
export const OUTSIDE_GROUP = '(outside)';

export function endpointKey(endpoint: Endpoint): string {
  if (isExternal(endpoint)) return `ext:${endpoint.external.join(',')}`;
  return `${endpoint.namespace}/${endpoint.kind}/${endpoint.name}`;
}

export function groupOf(endpoint: Endpoint): string {
  return isExternal(endpoint) ? OUTSIDE_GROUP : endpoint.namespace;
}

/** Ranges of one external endpoint spelled out; more are counted. */
const RANGES_SHOWN = 2;

/** `ns1/web` for a bare pod, `ns1/web [Deployment]` for a workload, the ranges for the outside. */
export function endpointLabel(endpoint: Endpoint): string {
  if (isExternal(endpoint)) {
    const { external } = endpoint;
    const more = external.length - RANGES_SHOWN;
    return `outside ${external.slice(0, RANGES_SHOWN).join(', ')}${more > 0 ? ` and ${more} more ranges` : ''}`;
  }
  return endpoint.kind === 'Pod' ? `${endpoint.namespace}/${endpoint.name}` : `${endpoint.namespace}/${endpoint.name} [${endpoint.kind}]`;
}

/** The short name inside its group: `web`, `web [Deployment]`, or the first range. */
export function memberLabel(endpoint: Endpoint): string {
  if (isExternal(endpoint)) {
    const [first, ...rest] = endpoint.external;
    return rest.length === 0 ? first ?? '' : `${first} +${rest.length}`;
  }
  return endpoint.kind === 'Pod' ? endpoint.name : `${endpoint.name} [${endpoint.kind}]`;
}

/**
 * How a decision request names the endpoint: `ns/name` for a pod, `ns/kind/name` for a workload's
 * representative pod, and the first address of the first range for the outside.
 */
export function decideRef(endpoint: Endpoint): string {
  if (isExternal(endpoint)) return (endpoint.external[0] ?? '').split('-')[0] ?? '';
  return endpoint.kind === 'Pod' ? `${endpoint.namespace}/${endpoint.name}` : `${endpoint.namespace}/${endpoint.kind.toLowerCase()}/${endpoint.name}`;
}

/** `ns1/web` (a pod) or `ns1/deployment/web`: the focus parameter's form, `NS/NAME`. */
export function focusRef(endpoint: Endpoint): string | null {
  return isExternal(endpoint) ? null : `${endpoint.namespace}/${endpoint.name}`;
}
