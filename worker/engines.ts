/**
 * @module The isolate's engines: one loaded WASM engine per bundle version, cached, and each
 * bundle's active version, cached for at most ACTIVE_TTL_MS. That bounds how stale an answer can
 * be after an activation elsewhere; every answer names the version it used. A stored image of
 * another format than this core's is never decoded: it is recompiled from the version's canonical
 * bundle and rewritten in the store (docs/storage.md).
 */
import { compileBundle } from '../src/compile/compile.js';
import { formatIdText } from '../src/compile/format-id.js';
import { readImageHeader } from '../src/compile/image-header.js';
import { createEngine } from '../src/engine/create-engine.js';
import type { Engine } from '../src/engine/engine.js';
import { EngineError } from '../src/engine/wasm-engine.js';
import type { Mode } from './audit.js';
import type { Env } from './env.js';
import { ApiError } from './errors.js';
import coreModule from '../core-as/build/netpol.wasm';
import { bufferOf, canonicalBundle, readBlob } from './stored-bundles.js';

/** How long an isolate trusts its idea of a bundle's active version. */
export const ACTIVE_TTL_MS = 2_000;
/** Engines kept per isolate (a 128 MB isolate fits a few M-size images, or one L). */
const MAX_ENGINES = 4;

interface ActiveEntry {
  readonly version: string | null;
  readonly mode: Mode;
  readonly expires: number;
}

/** The version a bundle serves and how: enforcing, or auditing (denials answered as allowed). */
export interface ActiveState {
  readonly version: string;
  readonly mode: Mode;
}

const activeVersions = new Map<string, ActiveEntry>();
const engines = new Map<string, Promise<Engine>>();

export function store(env: Env): DurableObjectStub<import('./store.js').BundleStore> {
  return env.BUNDLES.get(env.BUNDLES.idFromName('bundles'));
}

/**
 * Bumped by every change this isolate makes to a bundle, so that a read of the active pointer
 * that started before the change is not cached after it (it would serve a replaced version for
 * up to ACTIVE_TTL_MS, here where the change was made).
 */
const changes = new Map<string, number>();

/** Forgets what this isolate knows of a bundle (after it changed the bundle itself). */
export function forgetActive(name: string): void {
  activeVersions.delete(name);
  changes.set(name, (changes.get(name) ?? 0) + 1);
}

/** The bundle's active version (cached), or null when the bundle does not exist or has none. */
export async function activeVersion(env: Env, name: string): Promise<string | null> {
  return (await activeState(env, name))?.version ?? null;
}

/** The bundle's active version and its mode, cached together (a mode change is seen within the TTL). */
export async function activeState(env: Env, name: string): Promise<ActiveState | null> {
  const cached = activeVersions.get(name);
  if (cached && cached.expires > Date.now()) return cached.version === null ? null : { version: cached.version, mode: cached.mode };
  const changesBefore = changes.get(name);
  const pointer = await store(env).active(name);
  const version = pointer?.version ?? null;
  const mode = pointer?.mode ?? 'enforce';
  if (changes.get(name) === changesBefore) activeVersions.set(name, { version, mode, expires: Date.now() + ACTIVE_TTL_MS });
  return version === null ? null : { version, mode };
}

/** A stored version of the bundle and its mode, or null when the bundle has no such version. */
export async function storedVersionState(env: Env, name: string, version: string): Promise<ActiveState | null> {
  // The stub's type of describe() is lost to RPC serialisation typing; its shape is BundleInfo.
  const info = (await store(env).describe(name)) as { versions: readonly { version: string; mode: Mode }[] } | null;
  const found = info?.versions.find((v) => v.version === version);
  return found ? { version: found.version, mode: found.mode } : null;
}

/** The engine for a version, loading its image from the store on first use. */
export async function engineFor(env: Env, version: string): Promise<Engine> {
  let engine = engines.get(version);
  if (!engine) {
    engine = loadEngine(env, version);
    engines.set(version, engine);
    engine.catch(() => engines.delete(version));
    while (engines.size > MAX_ENGINES) engines.delete(engines.keys().next().value!);
  } else {
    // Most recently used last, so the eviction above drops the least recently used.
    engines.delete(version);
    engines.set(version, engine);
  }
  return engine;
}

/** Drops a version's engine, e.g. after it failed mid-request: the next request gets a fresh one. */
export function dropEngine(version: string): void {
  engines.delete(version);
}

async function loadEngine(env: Env, version: string): Promise<Engine> {
  const image = await readBlob(env, 'image', version);
  const header = image === null ? null : readImageHeader(image);
  if (image === null || !header?.current) return recompile(env, version, header?.formatId);
  try {
    return createEngine({ kind: 'wasm', core: coreModule, image, version });
  } catch (error) {
    if (error instanceof EngineError || error instanceof WebAssembly.RuntimeError) {
      throw new ApiError(503, 'engine-unavailable', `version ${version} could not be loaded: ${(error as Error).message}`);
    }
    throw error;
  }
}

/**
 * A version's engine from its canonical bundle, its image rewritten in the store: after an upgrade
 * of the image format, or when the image is missing. Throws ApiError 503 version-needs-republish
 * when the store has no canonical bundle of the version.
 */
async function recompile(env: Env, version: string, staleFormat: number | undefined): Promise<Engine> {
  const bundle = await canonicalBundle(env, version);
  const compiled = compileBundle(bundle);
  await store(env).replaceImage(version, bufferOf(compiled.image));
  const was = staleFormat === undefined ? 'no image' : `an image of format ${formatIdText(staleFormat)}`;
  console.log(`version ${version}: ${was}, recompiled from its canonical bundle`);
  return createEngine({ kind: 'wasm', core: coreModule, image: compiled.image, version });
}
