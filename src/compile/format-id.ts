/**
 * @module The image's format id and the compiler version it records. FORMAT_ID is derived from the
 * layout definition itself (every constant of layout.ts, LAYOUT_REVISION included), so a change of
 * the layout changes it without anyone remembering to: the core (whose copy is generated from the
 * same definition at build time) loads only images of its own id, and the Worker recompiles a
 * stored image of another id from its canonical bundle instead of decoding it.
 */
import packageJson from '../../package.json' with { type: 'json' };
import { canonicalJSON } from '../model/serialize.js';
import * as layout from './layout.js';

/** The package version of the compiler, recorded in every image header (diagnostics only). */
export const COMPILER_VERSION: string = packageJson.version;

/** FNV-1a (32-bit) of a canonical serialization of every layout constant. */
export function layoutFormatId(definition: Readonly<Record<string, unknown>> = layout): number {
  const text = canonicalJSON({ ...definition });
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export const FORMAT_ID = layoutFormatId();

/** A format id as people see it: eight hex digits. */
export function formatIdText(id: number): string {
  return id.toString(16).padStart(8, '0');
}
