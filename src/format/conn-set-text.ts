/** @module A connection set and an endpoint as short text: `TCP 80,443; UDP 53`, `ns/web[Deployment]`. */
import { PROTOCOLS } from '../model/bundle.js';
import type { ConnSet } from '../analysis/conn-set.js';

export { endpointLabel } from '../analysis/endpoints.js';

export function connSetText(set: ConnSet | null): string {
  if (set === null) return 'nothing';
  if (set.all) return 'all ports';
  return PROTOCOLS.filter((p) => set.ports[p].length > 0)
    .map((p) => `${p} ${set.ports[p].map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`)
    .join('; ');
}
