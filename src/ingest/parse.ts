/**
/**
 * @module Text to raw objects. YAML (multi-document) goes through the `yaml` parser, so that every
 * object keeps its file, document index and a way to find the line of any field path. JSON, being
 * YAML too, reads the same way, but through JSON.parse when that gives the same value (see
 * json-fast-path.ts), its field lines then found on the text (json-locate.ts); JSON of 4 MiB and
 * more that the fast path declines (broken, duplicate keys, over a limit) is read by
 * json-source.ts, whose messages name the same places without the parser's syntax tree (which ran
 * an L-sized bundle out of heap). Lists (`kind: List`, `kind: *List`, a top-level array) are
 * flattened.
 */
import { Composer, CST, isMap, isScalar, isSeq, LineCounter, Parser, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
import { readJsonFast } from './json-fast-path.js';
import { jsonOffsetLocator } from './json-locate.js';
import { startsLikeJson } from './json-scan.js';
import { LARGE_JSON_BYTES, readJSON } from './json-source.js';
import { LIMITS } from './limits.js';
import type { PathSegment } from './path.js';

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

/**
 * YAML 1.1, as kubectl reads manifests (sigs.k8s.io/yaml is built on go-yaml v2): `port: 0443` is
 * octal 291 and `enabled: yes` a boolean there, so they must be here too or answers would differ
 * from what the cluster enforces. JSON reads the same under either version.
 */
const YAML_OPTIONS = {
  uniqueKeys: true,
  strict: true,
  prettyErrors: false,
  logLevel: 'silent',
  version: '1.1',
} as const;

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

/** Finds the line of a path inside one composed document (its deepest existing node). */
function documentLocator(
  file: string,
  documentIndex: number,
  lineCounter: LineCounter,
  document: Document.Parsed | undefined,
): (path: readonly PathSegment[]) => SourceLocation {
  return (path) => {
    const node = deepestNode(document?.contents, path);
    if (!node?.range) return { file, document: documentIndex };
    const pos = lineCounter.linePos(node.range[0]);
    return { file, document: documentIndex, line: pos.line, column: pos.col };
  };
}

function parseYaml(file: string, text: string): ParseResult {
  const objects: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const tokens: CST.Token[] = [];
  try {
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) tokens.push(token);
  } catch (error) {
    // The line counter has seen the input up to where the parser gave up.
    const document = tokens.filter((t) => t.type === 'document').length + 1;
    diagnostics.push(parserFailure({ file, document, line: lineCounter.lineStarts.length }, error));
    return { objects, diagnostics };
  }
  // Bounded before composing: the composer recurses once per nesting level, and a stack overflow
  // there can abort the whole process (V8 fails fatally compiling a RegExp near the stack limit);
  // its duplicate-key check compares each key of a mapping with all earlier ones (quadratic).
  const documentTokens = tokens.filter((t): t is CST.Document => t.type === 'document');
  for (const [i, token] of documentTokens.entries()) {
    const excess = structureLimitExceeded(token);
    if (excess === undefined) continue;
    const pos = lineCounter.linePos(excess.offset);
    diagnostics.push({
      severity: 'error',
      code: 'limit',
      message: excess.message,
      location: { file, document: i + 1, line: pos.line, column: pos.col },
    });
    return { objects, diagnostics };
  }
  let documents: Document.Parsed[];
  try {
    documents = Array.from(new Composer(YAML_OPTIONS).compose(tokens));
  } catch (error) {
    diagnostics.push(parserFailure({ file }, error));
    return { objects, diagnostics };
  }
  if (documents.length > LIMITS.maxDocumentsPerSource) {
    diagnostics.push({
      severity: 'error',
      code: 'limit',
      message: `${documents.length} documents; at most ${LIMITS.maxDocumentsPerSource} are read from one input`,
      location: { file },
    });
    return { objects, diagnostics };
  }

  documents.forEach((doc, i) => {
    const documentIndex = i + 1;
    const at = (offset: number): SourceLocation => {
      const pos = lineCounter.linePos(offset);
      return { file, document: documentIndex, line: pos.line, column: pos.col };
    };
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        diagnostics.push({
          severity: 'error',
          code: 'syntax',
          message: error.message.split('\n')[0]!,
          location: at(error.pos[0]),
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: LIMITS.maxYamlAliasCount });
    } catch (error) {
      diagnostics.push(parserFailure(at(doc.contents?.range?.[0] ?? 0), error));
      return;
    }
    if (value === null || value === undefined) return; // empty document, as kubectl skips it
    const locate = documentLocator(file, documentIndex, lineCounter, doc);
    const origin = (base: PathSegment[]): Origin => ({
      file,
      document: documentIndex,
      base,
      locate: (path) => locate([...base, ...path]),
    });
    flattenLists(value, [], origin, objects, diagnostics, () => at(doc.contents?.range?.[0] ?? 0));
  });
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

/** Walks `path` through YAML maps and sequences; returns the last node it reached. */
function deepestNode(root: Node | null | undefined, path: readonly PathSegment[]): Node | undefined {
  let node: Node | null | undefined = root;
  let reached: Node | undefined = root ?? undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      // Point at the key: `port: x` is found on the key's line even when the value is null.
      if (isScalar(pair.key)) reached = pair.key;
      node = pair.value as Node | null;
      if (node && (isMap(node) || isSeq(node))) reached = node;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      node = item;
      reached = item;
    } else {
      break;
    }
  }
  return reached;
}

/** The first collection nested deeper than the limit, by offset; walked without recursion. */
function structureLimitExceeded(document: CST.Document): { offset: number; message: string } | undefined {
  const pending: [CST.Token | null | undefined, number][] = [[document.value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next;
    if (!CST.isCollection(token)) continue;
    if (depth > LIMITS.maxNestingDepth) {
      return { offset: token.offset, message: `collections are nested more than ${LIMITS.maxNestingDepth} levels deep` };
    }
    if (isMapping(token) && token.items.length > LIMITS.maxMappingEntries) {
      const message = `a mapping has ${token.items.length} entries; at most ${LIMITS.maxMappingEntries} are allowed`;
      return { offset: token.offset, message };
    }
    for (const item of token.items) pending.push([item.key, depth + 1], [item.value, depth + 1]);
  }
  return undefined;
}

function isMapping(token: CST.BlockMap | CST.BlockSequence | CST.FlowCollection): boolean {
  return token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
}

function parserFailure(location: SourceLocation, error: unknown): Diagnostic {
  if (error instanceof RangeError) {
    return { severity: 'error', code: 'limit', message: 'the document is nested too deeply to read', location };
  }
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  if (message.startsWith('Excessive alias count')) {
    const limited = `too many YAML aliases (at most ${LIMITS.maxYamlAliasCount}): ${message}`;
    return { severity: 'error', code: 'limit', message: limited, location };
  }
  return { severity: 'error', code: 'syntax', message, location };
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
