/**
 * @module What the analysis commands may leave out of a bundle, and how: files of a directory scan
 * that hold no Kubernetes object, and (on request) objects with errors. Everything left out is
 * reported as a warning; nothing is dropped silently, and publishing never skips.
 */
import type { Diagnostic } from './diagnostics.js';
import type { ParseResult, Source } from './parse.js';

/** True when a file parsed cleanly but none of its documents has a `kind`: not a manifest. */
export function isNotAManifest(parsed: ParseResult): boolean {
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return false;
  return parsed.objects.length > 0 && !parsed.objects.some(({ value }) => hasKind(value));
}

function hasKind(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value;
}

export function notAManifest(source: Source): Diagnostic {
  return {
    severity: 'warning',
    code: 'not-a-manifest',
    location: { file: source.name },
    message: 'no Kubernetes object in this file (no document has a kind); skipped (name it explicitly to have it checked)',
  };
}

/** The collections an object can add to while it is decoded: arrays and insertion-ordered maps. */
export type Collections = readonly (unknown[] | Map<unknown, unknown>)[];

/**
 * Drops, one object at a time, an object that produced errors: `next()` is called before each
 * object and once after the last. The errors the object produced become `skipped-invalid`
 * warnings and whatever it added to the collections is removed.
 */
export class InvalidObjectSkipper {
  private mark = 0;
  private sizes: number[] = [];

  constructor(
    private readonly diagnostics: Diagnostic[],
    private readonly collections: Collections,
  ) {
    this.remember();
  }

  next(): void {
    let invalid = false;
    for (let i = this.mark; i < this.diagnostics.length; i++) {
      const d = this.diagnostics[i]!;
      if (d.severity !== 'error') continue;
      invalid = true;
      this.diagnostics[i] = { ...d, severity: 'warning', code: 'skipped-invalid', message: `${d.message} (object skipped: --skip-invalid)` };
    }
    if (invalid) this.collections.forEach((collection, k) => truncate(collection, this.sizes[k]!));
    this.remember();
  }

  private remember(): void {
    this.mark = this.diagnostics.length;
    this.sizes = this.collections.map((c) => (Array.isArray(c) ? c.length : c.size));
  }
}

function truncate(collection: unknown[] | Map<unknown, unknown>, size: number): void {
  if (Array.isArray(collection)) {
    collection.length = size;
    return;
  }
  [...collection.keys()].slice(size).forEach((key) => collection.delete(key));
}
