/**
 * @module Envoy's external authorization (ext_authz) HTTP service contract: the flow comes from
 * headers the proxy sets (`x-netpol-src`, `x-netpol-dst`, `x-netpol-port`, optional
 * `x-netpol-protocol`); 200 lets the request through, anything else denies it. A missing or
 * malformed header is a 400, never an allow. `x-forwarded-for` carries Envoy's own address, not
 * the client's, and is never read.
 */
import { decodeEndpoint, decodePort, decodeProtocol } from '../src/flow/decode.js';
import { FlowError } from '../src/model/errors.js';
import type { Flow } from '../src/model/flow.js';
import { ApiError } from './errors.js';

export const ENVOY_HEADERS = { src: 'x-netpol-src', dst: 'x-netpol-dst', port: 'x-netpol-port', protocol: 'x-netpol-protocol' } as const;

/** The flow the proxy describes; ApiError 400 `invalid-flow-headers` when it cannot be read. */
export function flowFromEnvoyHeaders(header: (name: string) => string | undefined): Flow {
  const required = (name: string): string => {
    const value = header(name)?.trim();
    if (value === undefined || value === '') {
      throw new ApiError(400, 'invalid-flow-headers', `header ${name} is required (the proxy sets it from the connection)`);
    }
    return value;
  };
  try {
    const protocol = header(ENVOY_HEADERS.protocol)?.trim();
    return {
      src: decodeEndpoint(required(ENVOY_HEADERS.src), ENVOY_HEADERS.src),
      dst: decodeEndpoint(required(ENVOY_HEADERS.dst), ENVOY_HEADERS.dst),
      port: decodePort(required(ENVOY_HEADERS.port), ENVOY_HEADERS.port),
      protocol: decodeProtocol(protocol, ENVOY_HEADERS.protocol),
    };
  } catch (error) {
    if (error instanceof FlowError) throw new ApiError(400, 'invalid-flow-headers', error.message);
    throw error;
  }
}
