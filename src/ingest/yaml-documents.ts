/**
 * @module The documents of a YAML stream, read by the `yaml` package one document at a time:
 * each document's syntax tree is checked against the structure limits, composed and converted,
 * then dropped, so a stream of thousands of documents never holds all their trees at once (that
 * held memory was the biggest part of reading a large YAML bundle). What it reports is what
 * reading the whole stream first, then every document, would report.
 */
import { Composer, CST, isMap, isScalar, isSeq, LineCounter, Parser, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLocation } from './diagnostics.js';
import { LIMITS } from './limits.js';
import type { PathSegment } from './path.js';

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

/** One document of a stream: its value with a way to locate its fields, or its errors. */
export type YamlDocument =
  | { readonly index: number; readonly errors: readonly Diagnostic[] }
  | {
      readonly index: number;
      readonly value: unknown;
      /** Where the document's contents start. */
      readonly location: SourceLocation;
      /** Finds the deepest existing node along `path`. */
      readonly locate: (path: readonly PathSegment[]) => SourceLocation;
    };

/**
 * Every document in order, or the one error that refuses the whole stream. The refusals rank as
 * when the stream was parsed, checked and composed in three passes: the parser giving up, then
 * the first document over a structure limit, then the composer failing, then too many documents.
 */
export function readYamlDocuments(file: string, text: string): { readonly documents: YamlDocument[] } | { readonly refused: Diagnostic } {
  const lineCounter = new LineCounter();
  const composer = new Composer(YAML_OPTIONS);
  const documents: YamlDocument[] = [];
  const take = (doc: Document.Parsed): void => {
    documents.push(convert(file, documents.length + 1, lineCounter, doc));
  };
  let documentTokens = 0;
  let overLimit: Diagnostic | undefined;
  let composerFailure: unknown;
  try {
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      if (token.type === 'document') {
        documentTokens++;
        // Bounded before composing: the composer recurses once per nesting level, and a stack
        // overflow there can abort the whole process (V8 fails fatally compiling a RegExp near
        // the stack limit); its duplicate-key check compares each key with all earlier ones.
        overLimit ??= limitDiagnostic(file, documentTokens, lineCounter, token);
      }
      // After a refusal the rest is only parsed, for a parser failure that would outrank it.
      if (overLimit || composerFailure !== undefined) continue;
      try {
        for (const doc of composer.next(token)) take(doc);
      } catch (error) {
        composerFailure = error;
      }
    }
  } catch (error) {
    // The line counter has seen the input up to where the parser gave up.
    return { refused: parserFailure({ file, document: documentTokens + 1, line: lineCounter.lineStarts.length }, error) };
  }
  if (overLimit) return { refused: overLimit };
  if (composerFailure === undefined) {
    try {
      for (const doc of composer.end()) take(doc);
    } catch (error) {
      composerFailure = error;
    }
  }
  if (composerFailure !== undefined) return { refused: parserFailure({ file }, composerFailure) };
  if (documents.length > LIMITS.maxDocumentsPerSource) {
    const message = `${documents.length} documents; at most ${LIMITS.maxDocumentsPerSource} are read from one input`;
    return { refused: { severity: 'error', code: 'limit', message, location: { file } } };
  }
  return { documents };
}

/** A composed document's value (aliases bounded) or its errors, with offsets turned into lines. */
function convert(file: string, index: number, lineCounter: LineCounter, doc: Document.Parsed): YamlDocument {
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, document: index, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error): Diagnostic => ({ severity: 'error', code: 'syntax', message: error.message.split('\n')[0]!, location: at(error.pos[0]) }));
    return { index, errors };
  }
  const location = at(doc.contents?.range?.[0] ?? 0);
  try {
    const value = doc.toJS({ maxAliasCount: LIMITS.maxYamlAliasCount });
    const locate = (path: readonly PathSegment[]): SourceLocation => {
      const node = deepestNode(doc.contents, path);
      return node?.range ? at(node.range[0]) : { file, document: index };
    };
    return { index, value, location, locate };
  } catch (error) {
    return { index, errors: [parserFailure(location, error)] };
  }
}

function limitDiagnostic(file: string, document: number, lineCounter: LineCounter, token: CST.Document): Diagnostic | undefined {
  const excess = structureLimitExceeded(token);
  if (excess === undefined) return undefined;
  const pos = lineCounter.linePos(excess.offset);
  return { severity: 'error', code: 'limit', message: excess.message, location: { file, document, line: pos.line, column: pos.col } };
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
  const tokens: (CST.Token | null | undefined)[] = [document.value];
  const depths: number[] = [1];
  while (tokens.length > 0) {
    const token = tokens.pop();
    const depth = depths.pop()!;
    if (!CST.isCollection(token)) continue;
    if (depth > LIMITS.maxNestingDepth) {
      return { offset: token.offset, message: `collections are nested more than ${LIMITS.maxNestingDepth} levels deep` };
    }
    if (isMapping(token) && token.items.length > LIMITS.maxMappingEntries) {
      const message = `a mapping has ${token.items.length} entries; at most ${LIMITS.maxMappingEntries} are allowed`;
      return { offset: token.offset, message };
    }
    for (const item of token.items) {
      if (CST.isCollection(item.key)) tokens.push(item.key), depths.push(depth + 1);
      if (CST.isCollection(item.value)) tokens.push(item.value), depths.push(depth + 1);
    }
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
