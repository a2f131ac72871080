/** @module Errors and warnings found while reading a bundle, each saying what and where. */

export type Severity = 'error' | 'warning';

/** The object a diagnostic is about, as `kubectl` names it. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Where in the input: file (or `<stdin>`), 1-based document index in a multi-document stream, line. */
export interface SourceLocation {
  readonly file: string;
  readonly document?: number;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Codes follow the apimachinery field error types (`field.Invalid` -> `invalid`, ...), plus the
 * ones that only reading files needs (`syntax`, `limit`, `not-a-manifest`).
 */
export type DiagnosticCode =
  | 'syntax'
  | 'limit'
  | 'required'
  | 'invalid'
  | 'unsupported'
  | 'forbidden'
  | 'duplicate'
  | 'type'
  | 'unknown-field'
  | 'ignored-kind'
  | 'implicit-namespace'
  | 'suspicious'
  | 'normalized'
  /** A file found in a directory scan with no Kubernetes object in it: skipped. */
  | 'not-a-manifest'
  /** An invalid object dropped on request (`--skip-invalid`); the message is its error. */
  | 'skipped-invalid';

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly object?: ObjectRef;
  /** Field path in kubectl's form: `spec.ingress[0].ports[1].endPort`. */
  readonly path?: string;
  readonly location?: SourceLocation;
}

export function formatObjectRef(ref: ObjectRef): string {
  const name = ref.name ?? '<unnamed>';
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ''}${name}`;
}

export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.column !== undefined) text += `:${location.column}`;
  if (location.document !== undefined) text += ` (document ${location.document})`;
  return text;
}

/** One line: `file:line:col (document n): error: Kind ns/name: path: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const parts: string[] = [];
  if (d.location) parts.push(formatLocation(d.location));
  parts.push(d.severity);
  if (d.object) parts.push(formatObjectRef(d.object));
  if (d.path) parts.push(d.path);
  parts.push(d.message);
  return parts.join(': ');
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown when a bundle cannot be used; carries every diagnostic, not just the first. */
export class BundleError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      `the bundle has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((d) => `  ${formatDiagnostic(d)}`).join('\n'),
    );
    this.name = 'BundleError';
  }
}
