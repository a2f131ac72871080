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
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of bodyChunks(request, limit)) {
    parts.push(part);
    size += part.byteLength;
  }
  if (parts.length === 1) return parts[0]!;
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

/**
 * Bytes asked for per read. workerd hands a default reader 4-KiB chunks (about 35 flow lines),
 * and each chunk costs an engine call and a response write; a BYOB read takes whatever has
 * arrived, up to this much, and still returns as soon as anything has.
 */
const READ_BYTES = 64 * 1024;

/** The body's chunks, as they arrive, refusing more than `limit` bytes in all. */
export async function* bodyChunks(request: Request, limit: number): AsyncGenerator<Uint8Array> {
  checkDeclaredLength(request, limit);
  if (!request.body) return;
  const byob = byobReader(request.body);
  const reader = byob ?? request.body.getReader();
  let size = 0;
  let done = false;
  try {
    for (;;) {
      const read = byob ? await byob.read(new Uint8Array(READ_BYTES)) : await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      if (read.done) {
        done = true;
        return;
      }
      size += read.value.byteLength;
      if (size > limit) throw tooLarge(limit);
      if (read.value.byteLength > 0) yield read.value;
    }
  } finally {
    // A reader that stops early (too large, or the answerer failed) leaves no body half-read.
    if (!done) await reader.cancel().catch(() => {});
  }
}

/** A BYOB reader of `body`; undefined for a stream that has none (one a script made, not a byte stream). */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
