/**
 * @module What the store keeps of a version besides its image, read back for other routes: the
 * canonical bundle (the source every image is compiled from) and the manifests as published.
 */
import type { Bundle } from '../src/model/bundle.js';
import { bundleFromJSON, contentHash } from '../src/model/serialize.js';
import { store } from './engines.js';
import type { Env } from './env.js';
import { ApiError } from './errors.js';
import { gunzip } from './gzip.js';
import type { BlobKind } from './store.js';

/**
 * The canonical bundle of a version, checked against its content address. Throws ApiError 503
 * `version-needs-republish` when the store has none (a version published before canonical bundles
 * were kept), and 503 `version-corrupt` when the stored bundle does not hash to the version.
 */
export async function canonicalBundle(env: Env, version: string): Promise<Bundle> {
  const gzipped = await readBlob(env, 'canonical', version);
  if (gzipped === null) {
    throw new ApiError(
      503,
      'version-needs-republish',
      `version ${version} was stored without its canonical bundle; publish the same manifests again to repair it`,
    );
  }
  const json = await gunzip(gzipped).catch(() => null);
  if (json === null || (await contentHash(json)) !== version) {
    throw new ApiError(503, 'version-corrupt', `the stored canonical bundle of version ${version} is damaged; publish it again`);
  }
  return bundleFromJSON(new TextDecoder().decode(json));
}

/**
 * The manifests of a bundle's version as published, with their media type. Throws ApiError 404
 * `no-version` for a version the bundle does not have, `no-manifests` for one published before
 * manifests were kept.
 */
export async function publishedManifests(env: Env, name: string, version: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const type = await store(env).manifestsType(name, version);
  if (type === undefined) throw new ApiError(404, 'no-version', `bundle ${JSON.stringify(name)} has no version ${version}`);
  const gzipped = type === null ? null : await readBlob(env, 'manifests', version, name);
  if (type === null || gzipped === null) {
    throw new ApiError(404, 'no-manifests', `version ${version} was published before manifests were kept; publish it again to keep them`);
  }
  const bytes = await gunzip(gzipped).catch(() => {
    throw new ApiError(503, 'version-corrupt', `the stored manifests of version ${version} are damaged`);
  });
  return { bytes, type };
}

/** A stored blob, chunk by chunk (each RPC answer stays small); null when there is none. */
export async function readBlob(env: Env, kind: BlobKind, version: string, name = ''): Promise<Uint8Array | null> {
  const stub = store(env);
  const chunks = await stub.chunkCount(kind, version, name);
  if (chunks === 0) return null;
  const parts: ArrayBuffer[] = [];
  for (let seq = 0; seq < chunks; seq++) parts.push(await stub.chunk(kind, version, seq, name));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return bytes;
}

/** The bytes of a view as an ArrayBuffer of their own (what the store's RPC takes). */
export function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
