/** @module Request bodies: content types and size limits checked before and while reading. */
import { ApiError } from './errors.js';

/** The per-request limits (README "API limits"). */
export const BODY_LIMITS = {
  /** A bundle upload (YAML or JSON). */
  bundleBytes: 16 * 1024 * 1024,
  /** One flow to decide. */
  flowBytes: 64 * 1024,
  /** An NDJSON batch. */
  ndjsonBatchBytes: 64 * 1024 * 1024,
  /** Flows in one NDJSON batch. */
  ndjsonBatchFlows: 1_000_000,
  /** A binary batch (40-byte flow records). */
  binaryBatchBytes: 32 * 1024 * 1024,
} as const;

/** The media type without parameters, lower case. */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export function requireMediaType(request: Request, allowed: readonly string[]): string {
  const type = mediaType(request);
  if (!allowed.includes(type)) {
    throw new ApiError(415, 'unsupported-media-type', `content-type ${type || '(none)'} is not accepted here; use ${allowed.join(' or ')}`);
  }
  return type;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'body-too-large', `the body is larger than ${limit} bytes, this endpoint's limit`);
}

/** Refuses early on a declared length over the limit. */
export function checkDeclaredLength(request: Request, limit: number): void {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
}

/** The whole body, refusing more than `limit` bytes even when no length was declared. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  checkDeclaredLength(request, limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    parts.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.byteLength;
  }
  return body;
}

export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, 'invalid-utf8', 'the body is not valid UTF-8');
  }
}

/** The body's chunks, as they arrive, refusing more than `limit` bytes in all. */
export async function* bodyChunks(request: Request, limit: number): AsyncGenerator<Uint8Array> {
  checkDeclaredLength(request, limit);
  if (!request.body) return;
  const reader = request.body.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    yield value;
  }
}
