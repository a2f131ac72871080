/**
 * @module Text to raw objects. YAML (multi-document) goes through the `yaml` parser, a document at
 * a time (yaml-documents.ts), so that every object keeps its file, document index and a way to find the line of any field path. JSON, being
 * YAML too, reads the same way, but through JSON.parse when that gives the same value (see
 * json-fast-path.ts), its field lines then found on the text (json-locate.ts); JSON of 4 MiB and
 * more that the fast path declines (broken, duplicate keys, over a limit) is read by
 * json-source.ts, whose messages name the same places without the parser's syntax tree (which ran
 * an L-sized bundle out of heap). Lists (`kind: List`, `kind: *List`, a top-level array) are
 * flattened.
 */
import { LineCounter } from 'yaml';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
import { readJsonFast } from './json-fast-path.js';
import { jsonOffsetLocator } from './json-locate.js';
import { startsLikeJson } from './json-scan.js';
import { LARGE_JSON_BYTES, readJSON } from './json-source.js';
import type { PathSegment } from './path.js';
import { readYamlDocuments } from './yaml-documents.js';

/** One input text: a file's content, or stdin's. */
export interface Source {
  readonly name: string;
  readonly text: string;
  /**
   * Found by scanning a directory rather than named: when it holds no Kubernetes object at all
   * (a kustomization.yaml, a Chart.yaml, a JSON report), it is skipped with a warning.
   */
  readonly scanned?: boolean;
}

/** Where a raw object came from, and how to find the line of one of its fields. */
export interface Origin {
  readonly file: string;
  /** 1-based document index within the file. */
  readonly document: number;
  /** The object's own path inside its document: `[]`, or `['items', 3]` inside a List. */
  readonly base: readonly PathSegment[];
  /** Finds the deepest existing node along `path` (relative to the object). */
  locate(path: readonly PathSegment[]): SourceLocation;
}

export interface RawObject {
  readonly value: unknown;
  readonly origin: Origin;
}

export interface ParseResult {
  readonly objects: RawObject[];
  readonly diagnostics: Diagnostic[];
}

const BYTE_ORDER_MARK = '\uFEFF';

/** How to read a source; the default is what every caller wants. */
export interface ParseOptions {
  /** Reads JSON through the `yaml` parser as well (the differential tests of the JSON fast path). */
  readonly yamlOnly?: boolean;
}

/** Parses one source into raw objects; problems become diagnostics, never exceptions. */
export function parseSource(source: Source, options: ParseOptions = {}): ParseResult {
  const text = source.text.startsWith(BYTE_ORDER_MARK) ? source.text.slice(1) : source.text;
  if (options.yamlOnly) return parseYaml(source.name, text);
  const json = readJsonFast(text);
  if (json) return parsedJson(source.name, text, json.value);
  if (text.length >= LARGE_JSON_BYTES && startsLikeJson(text)) return parseLargeJSON(source.name, text);
  return parseYaml(source.name, text);
}

/**
 * A JSON source read by JSON.parse. Locations are found on the text (json-locate.ts), indexed on
 * the first `locate` only: valid bundles without diagnostics never pay for it.
 */
function parsedJson(file: string, text: string, value: unknown): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  let locator: ((path: readonly PathSegment[]) => SourceLocation) | undefined;
  const locateInDocument = (path: readonly PathSegment[]): SourceLocation => {
    locator ??= jsonTextLocator(file, text);
    return locator(path);
  };
  const origin = (base: PathSegment[]): Origin => ({
    file,
    document: 1,
    base,
    locate: (path) => locateInDocument([...base, ...path]),
  });
  flattenLists(value, [], origin, objects, diagnostics, () => locateInDocument([]));
  return { objects, diagnostics };
}

/** The locator of a text the JSON fast path accepted: offsets on the text, lines as LineCounter counts them. */
function jsonTextLocator(file: string, text: string): (path: readonly PathSegment[]) => SourceLocation {
  const offsetOf = jsonOffsetLocator(text);
  const at = offsetLocator(file, text);
  return (path) => at(offsetOf(path));
}

function parseYaml(file: string, text: string): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const read = readYamlDocuments(file, text);
  if ('refused' in read) return { objects, diagnostics: [read.refused] };
  for (const document of read.documents) {
    if ('errors' in document) {
      diagnostics.push(...document.errors);
      continue;
    }
    const { index, value, location, locate } = document;
    if (value === null || value === undefined) continue; // empty document, as kubectl skips it
    const origin = (base: PathSegment[]): Origin => ({
      file,
      document: index,
      base,
      locate: (path) => locate([...base, ...path]),
    });
    flattenLists(value, [], origin, objects, diagnostics, () => location);
  }
  return { objects, diagnostics };
}

/** JSON read by json-source.ts (exported for its differential test against the YAML path). */
export function parseLargeJSON(file: string, text: string): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const at = offsetLocator(file, text);
  const read = readJSON(text);
  if (!read.ok) {
    const location = read.offset === undefined ? { file, document: 1 } : at(read.offset);
    diagnostics.push({ severity: 'error', code: read.code, message: read.message, location });
    return { objects, diagnostics };
  }
  const origin = (base: PathSegment[]): Origin => ({ file, document: 1, base, locate: (path) => at(read.locate([...base, ...path])) });
  flattenLists(read.value, [], origin, objects, diagnostics, () => at(read.locate([])));
  return { objects, diagnostics };
}

/** Offsets to lines and columns (1-based, as the YAML path reports them); lines indexed on first use. */
function offsetLocator(file: string, text: string): (offset: number) => SourceLocation {
  let lineCounter: LineCounter | undefined;
  return (offset) => {
    if (!lineCounter) {
      lineCounter = new LineCounter();
      lineCounter.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    }
    const pos = lineCounter.linePos(offset);
    return { file, document: 1, line: pos.line, column: pos.col };
  };
}

function flattenLists(
  value: unknown,
  base: PathSegment[],
  origin: (base: PathSegment[]) => Origin,
  out: RawObject[],
  diagnostics: Diagnostic[],
  documentLocation: () => SourceLocation,
): void {
  if (Array.isArray(value)) {
    // A top-level JSON array of objects.
    value.forEach((item, i) => flattenLists(item, [...base, i], origin, out, diagnostics, documentLocation));
    return;
  }
  if (typeof value !== 'object' || value === null) {
    diagnostics.push({
      severity: 'error',
      code: 'type',
      path: base.length > 0 ? formatBase(base) : undefined,
      message: `expected a Kubernetes object (a mapping with apiVersion and kind), found ${describeType(value)}`,
      location: base.length > 0 ? origin(base).locate([]) : documentLocation(),
    });
    return;
  }
  const object = value as Record<string, unknown>;
  const kind = object.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Object.hasOwn(object, 'items')) {
    const items = object.items;
    if (items === null || items === undefined) return;
    if (!Array.isArray(items)) {
      diagnostics.push({
        severity: 'error',
        code: 'type',
        path: formatBase([...base, 'items']),
        message: `${kind}.items must be a list, found ${describeType(items)}`,
        location: origin(base).locate(['items']),
      });
      return;
    }
    items.forEach((item, i) => flattenLists(item, [...base, 'items', i], origin, out, diagnostics, documentLocation));
    return;
  }
  out.push({ value, origin: origin(base) });
}

function formatBase(base: readonly PathSegment[]): string {
  return base.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(truncate(value))}`;
  return `the ${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
