/**
 * @module A cursor over one raw object's fields that reports every type or value problem with its
 * object, field path and source line, and keeps going: decoders read through it and collect all
 * problems rather than stopping at the first.
 */
import type { Diagnostic, DiagnosticCode, ObjectRef, Severity } from './diagnostics.js';
import { describeType, type Origin } from './parse.js';
import { formatPath, type PathSegment } from './path.js';

/** Collects the diagnostics of one object. */
export class ObjectContext {
  constructor(
    readonly origin: Origin | undefined,
    public object: ObjectRef,
    private readonly sink: Diagnostic[],
  ) {}

  report(severity: Severity, code: DiagnosticCode, path: readonly PathSegment[], message: string): void {
    this.sink.push({
      severity,
      code,
      message,
      object: this.object,
      path: path.length > 0 ? formatPath(path) : undefined,
      location: this.origin?.locate(path),
    });
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders a value the way kubectl quotes it in `Invalid value: ...`. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export class Field {
  constructor(
    readonly ctx: ObjectContext,
    readonly value: unknown,
    readonly path: readonly PathSegment[],
  ) {}

  /** Absent or null: Go decodes both to the zero value or a nil pointer. */
  get absent(): boolean {
    return this.value === undefined || this.value === null;
  }

  child(name: string): Field {
    const value = isMapping(this.value) && Object.hasOwn(this.value, name) ? this.value[name] : undefined;
    return new Field(this.ctx, value, [...this.path, name]);
  }

  /** The field as a mapping, or undefined (after reporting) when it is present but not one. */
  mapping(): Field | undefined {
    if (this.absent) return undefined;
    if (!isMapping(this.value)) return this.typeError('a mapping');
    return this;
  }

  /** The field as a list of fields, or undefined when absent or not a list. */
  list(maxLength?: { limit: number; what: string }): Field[] | undefined {
    if (this.absent) return undefined;
    if (!Array.isArray(this.value)) return this.typeError('a list');
    if (maxLength && this.value.length > maxLength.limit) {
      this.report('error', 'limit', `${this.value.length} ${maxLength.what}; at most ${maxLength.limit} are allowed`);
      return undefined;
    }
    return this.value.map((item, i) => new Field(this.ctx, item, [...this.path, i]));
  }

  string(): string | undefined {
    if (this.absent) return undefined;
    if (typeof this.value !== 'string') return this.typeError('a string');
    return this.value;
  }

  boolean(): boolean | undefined {
    if (this.absent) return undefined;
    if (typeof this.value !== 'boolean') return this.typeError('true or false');
    return this.value;
  }

  /** An int32, as the Go types declare ports. */
  int32(): number | undefined {
    if (this.absent) return undefined;
    if (typeof this.value !== 'number' || !Number.isInteger(this.value)) return this.typeError('an integer');
    if (this.value < -2147483648 || this.value > 2147483647) {
      this.report('error', 'invalid', `Invalid value: ${showValue(this.value)}: out of range for a 32-bit integer`);
      return undefined;
    }
    return this.value;
  }

  /** Own keys of a mapping, in input order. */
  keys(): string[] {
    return isMapping(this.value) ? Object.keys(this.value) : [];
  }

  /**
   * Reports fields that the API type does not have, as `kubectl apply` (strict field validation,
   * the default since 1.27) does: a misspelt `podSelecter` would otherwise silently select every pod.
   */
  rejectUnknownFields(known: readonly string[]): void {
    for (const key of this.keys()) {
      if (!known.includes(key)) {
        this.child(key).report('error', 'unknown-field', `unknown field ${JSON.stringify(key)}`);
      }
    }
  }

  report(severity: Severity, code: DiagnosticCode, message: string): void {
    this.ctx.report(severity, code, this.path, message);
  }

  invalid(detail: string, value: unknown = this.value): void {
    this.report('error', 'invalid', `Invalid value: ${showValue(value)}: ${detail}`);
  }

  required(detail = ''): void {
    this.report('error', 'required', detail ? `Required value: ${detail}` : 'Required value');
  }

  notSupported(supported: readonly string[], value: unknown = this.value): void {
    this.report(
      'error',
      'unsupported',
      `Unsupported value: ${showValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
    );
  }

  forbidden(detail: string): void {
    this.report('error', 'forbidden', `Forbidden: ${detail}`);
  }

  warn(code: DiagnosticCode, message: string): void {
    this.report('warning', code, message);
  }

  private typeError(expected: string): undefined {
    this.report('error', 'type', `expected ${expected}, found ${describeType(this.value)}`);
    return undefined;
  }
}
