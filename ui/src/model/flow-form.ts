/**
 * @module The explain form's endpoint text, as a decision request's endpoint: `ns/name`,
 * `ns/kind/name`, an IP address, or `namespace:key=value,key=value` for a pod by its labels.
 */

export type EndpointInput = string | { namespace: string; labels: Record<string, string> };

/** Parses one endpoint field; throws an Error that names the field and what is wrong. */
export function parseEndpointInput(text: string, field: string): EndpointInput {
  const value = text.trim();
  if (value === '') throw new Error(`${field}: required`);
  const colon = value.indexOf(':');
  // Labels always hold "=", which neither an IP address nor a name does.
  if (colon > 0 && (value.includes('=') || colon === value.length - 1)) {
    const namespace = value.slice(0, colon).trim();
    const labels: Record<string, string> = {};
    for (const pair of value.slice(colon + 1).split(',').map((p) => p.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`${field}: "${pair}" is not key=value`);
      labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return { namespace, labels };
  }
  return value;
}
