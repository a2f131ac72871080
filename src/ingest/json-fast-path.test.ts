/**
 * The JSON fast path against the `yaml` path it shortcuts: random JSON bundles (Kubernetes-shaped
 * and arbitrary, valid and broken, with escapes, unicode, odd numbers, duplicate keys, deep
 * nesting, big mappings, top-level arrays, BOM and odd whitespace) read to the same objects,
 * counts and diagnostics, with the same locations, either way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestSources } from './bundle.js';
import { readJsonFast } from './json-fast-path.js';
import { LIMITS } from './limits.js';
import { parseSource, type Source } from './parse.js';
import type { PathSegment } from './path.js';

/** A JSON value with the freedom its text has: key order, duplicates, number spelling. */
type Json =
  | { readonly t: 'obj'; readonly entries: readonly (readonly [string, Json])[]; readonly duplicate: boolean }
  | { readonly t: 'arr'; readonly items: readonly Json[] }
  | { readonly t: 'str'; readonly value: string }
  | { readonly t: 'raw'; readonly text: string };

const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'spec', 'podSelector', 'matchLabels',
  'ingress', 'egress', 'from', 'to', 'ports', 'port', 'protocol', 'policyTypes', 'items', 'status', 'podIP', 'podIPs',
  'ip', 'ipBlock', 'cidr', 'namespaceSelector', 'containers', 'containerPort', '__proto__', '<<', 'a/b', 'é', '1', '01', ''];
const STRINGS = ['v1', 'Namespace', 'Pod', 'NetworkPolicy', 'List', 'PodList', 'networking.k8s.io/v1', 'web', 'db',
  'TCP', 'UDP', 'Ingress', 'Egress', '10.0.0.1', '10.0.0.0/8', 'a"b', 'x\\y', 'tab\there', 'line\nbreak', '😀',
  '\u2028', '\u0085', '\uFEFF', '\ud800', 'a/b', '# not a comment', 'yes', 'on', '0443', '-', '', 'x: y', '[1]'];
const NUMBERS = ['0', '-0', '1', '80', '8080', '65536', '1e5', '1E+2', '1.5', '-1', '0.0', '12345678901234567890',
  '1e400', '5e-324', '-1.5e-3', '443.0', '0.1', '1e-7'];
const LITERALS = ['true', 'false', 'null'];

const str = (value: string): Json => ({ t: 'str', value });
const obj = (entries: [string, Json][], duplicate = false): Json => ({ t: 'obj', entries, duplicate });
const rarely = fc.integer({ min: 0, max: 14 }).map((n) => n === 0);

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...STRINGS).map(str),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map(str),
  fc.constantFrom(...NUMBERS, ...LITERALS).map((text): Json => ({ t: 'raw', text })),
);

const { tree } = fc.letrec<{ tree: Json }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 4 }).map((items): Json => ({ t: 'arr', items })),
    fc
      .tuple(fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('tree')), { selector: ([k]) => k, maxLength: 5 }), rarely)
      .map(([entries, duplicate]) => obj(entries, duplicate)),
  ),
}));

const labels = fc
  .uniqueArray(fc.tuple(fc.constantFrom('app', 'team', 'env', 'a/b', 'x'), fc.constantFrom(...STRINGS).map(str)), { selector: ([k]) => k, maxLength: 3 })
  .map((entries) => obj(entries));
const metadata = fc
  .tuple(fc.constantFrom('web', 'db', 'ns-a', 'Bad_Name', ''), fc.constantFrom('ns-a', 'default'), labels, rarely)
  .map(([name, namespace, l, duplicate]) => obj([['name', str(name)], ['namespace', str(namespace)], ['labels', l]], duplicate));
/** A field value that is usually right and sometimes any JSON at all (type errors, located). */
const fieldValue = (usual: fc.Arbitrary<Json>): fc.Arbitrary<Json> => fc.oneof({ weight: 4, arbitrary: usual }, { weight: 1, arbitrary: tree });
const port = fc.oneof(fc.constantFrom(...NUMBERS).map((text): Json => ({ t: 'raw', text })), fc.constantFrom('http', '80').map(str));
const peer = fieldValue(labels.map((l) => obj([['podSelector', obj([['matchLabels', l]])]])));
const rule = fc
  .tuple(fc.array(peer, { maxLength: 2 }), fc.array(fieldValue(port.map((p) => obj([['port', p], ['protocol', str('TCP')]]))), { maxLength: 2 }))
  .map(([from, ports]) => obj([['from', { t: 'arr', items: from }], ['ports', { t: 'arr', items: ports }]]));

const kubernetesObject: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(metadata).map(([m]) => obj([['apiVersion', str('v1')], ['kind', str('Namespace')], ['metadata', m]])),
  fc
    .tuple(metadata, fieldValue(fc.constantFrom('10.0.0.1', '10.0.0.2', 'not-an-ip').map(str)))
    .map(([m, ip]) => obj([['apiVersion', str('v1')], ['kind', str('Pod')], ['metadata', m], ['status', obj([['podIP', ip]])]])),
  fc.tuple(metadata, labels, fc.array(rule, { maxLength: 2 })).map(([m, l, rules]) =>
    obj([
      ['apiVersion', str('networking.k8s.io/v1')],
      ['kind', str('NetworkPolicy')],
      ['metadata', m],
      ['spec', obj([['podSelector', obj([['matchLabels', l]])], ['ingress', { t: 'arr', items: rules }]])],
    ]),
  ),
  tree,
);

/** A Namespace inside `depth` nested collections in all (lists and `items` mappings). */
function nested(depth: number): Json {
  let value = obj([['apiVersion', str('v1')], ['kind', str('Namespace')], ['metadata', obj([['name', str('deep')]])]]);
  for (let level = 2; level < depth; level++) value = level % 2 === 0 ? { t: 'arr', items: [value] } : obj([['items', value]]);
  return value;
}

/** A Namespace whose labels mapping has `entries` entries. */
function bigMapping(entries: number): Json {
  const labelEntries = Array.from({ length: entries }, (_, i): [string, Json] => [`k${i}`, str('v')]);
  return obj([['apiVersion', str('v1')], ['kind', str('Namespace')], ['metadata', obj([['name', str('big')], ['labels', obj(labelEntries)]])]]);
}

const document: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: kubernetesObject },
  { weight: 2, arbitrary: fc.array(kubernetesObject, { maxLength: 4 }).map((items): Json => ({ t: 'arr', items })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('List', 'PodList', 'List'), fc.array(fieldValue(kubernetesObject), { maxLength: 4 })).map(([kind, items]) => obj([['apiVersion', str('v1')], ['kind', str(kind)], ['items', { t: 'arr', items }]])) },
);

const WHITESPACE = ['', '', '', ' ', '\n', '  ', '\t', '\r\n', '\n\t ', '\r', '\n  \n'];

/**
 * Writes a JSON text, spending `ws` between tokens and spelling string characters by `escapes`
 * (0 as JSON.stringify does, 1 and 3 as \\u escapes, 2 with `\\/` for a slash).
 */
function write(value: Json, ws: readonly string[], escapes: readonly number[]): string {
  let gap = 0;
  let spelled = 0;
  const space = (): string => ws[gap++ % ws.length]!;
  const quote = (text: string): string => {
    let out = '"';
    for (const ch of text) {
      const style = escapes[spelled++ % escapes.length]!;
      if (style === 1 || style === 3) out += unicodeEscapes(ch, style === 3);
      else if (style === 2 && ch === '/') out += '\\/';
      else out += JSON.stringify(ch).slice(1, -1);
    }
    return `${out}"`;
  };
  const emit = (node: Json): string => {
    switch (node.t) {
      case 'str':
        return quote(node.value);
      case 'raw':
        return node.text;
      case 'arr':
        return `[${space()}${node.items.map((item) => `${emit(item)}${space()}`).join(`,${space()}`)}]`;
      case 'obj': {
        const entries = node.duplicate && node.entries.length > 0 ? [...node.entries, node.entries[0]!] : node.entries;
        const members = entries.map(([key, item]) => `${quote(key)}${space()}:${space()}${emit(item)}${space()}`);
        return `{${space()}${members.join(`,${space()}`)}}`;
      }
    }
  };
  return emit(value);
}

/** Every UTF-16 unit of `ch` as a \\u escape, in lower or upper case hex. */
function unicodeEscapes(ch: string, upper: boolean): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) {
    const hex = ch.charCodeAt(i).toString(16).padStart(4, '0');
    out += `\\u${upper ? hex.toUpperCase() : hex}`;
  }
  return out;
}

/** Breaks a text the way hand edits do: a cut, a stray character, a second document. */
const damage = fc.oneof(
  { weight: 6, arbitrary: fc.constant((text: string) => text) },
  { weight: 1, arbitrary: fc.nat().map((at) => (text: string) => text.slice(0, at % (text.length + 1))) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(',', '}', ']', ':', '"', 'x', '#', '\n---\n', '&a ', '*a')).map(([at, ch]) => (text: string) => text.slice(0, at % (text.length + 1)) + ch + text.slice(at % (text.length + 1))) },
  { weight: 1, arbitrary: fc.constantFrom('\n---\n{"kind": "Namespace"}', '\n{"a": 1}', '\n...\n').map((tail) => (text: string) => text + tail) },
);

const source = (dense: fc.Arbitrary<Json>) =>
  fc
    .record({
      value: dense,
      ws: fc.array(fc.constantFrom(...WHITESPACE), { minLength: 1, maxLength: 6 }),
      escapes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }),
      bom: fc.boolean(),
      lead: fc.constantFrom('', ' ', '\n\n', '\t', '\r\n'),
      trail: fc.constantFrom('', '\n', '\r\n', ' \n\n', '\t'),
      damage,
    })
    .map(({ value, ws, escapes, bom, lead, trail, damage: hurt }) => hurt(`${bom ? '\uFEFF' : ''}${lead}${write(value, ws, escapes)}${trail}`));

/** Paths to every node of a value (to ask `locate` about), plus one that does not exist. */
function pathsOf(value: unknown, limit = 40): PathSegment[][] {
  const paths: PathSegment[][] = [[], ['no-such-field']];
  const pending: [unknown, PathSegment[]][] = [[value, []]];
  while (pending.length > 0 && paths.length < limit) {
    const [node, path] = pending.shift()!;
    if (typeof node !== 'object' || node === null) continue;
    const children: [PathSegment, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [segment, child] of children.slice(0, limit)) {
      paths.push([...path, segment], [...path, segment, 'missing']);
      pending.push([child, [...path, segment]]);
    }
  }
  return paths;
}

function expectSameParse(text: string): void {
  const input: Source = { name: 'bundle.json', text };
  const fast = parseSource(input);
  const slow = parseSource(input, { yamlOnly: true });
  expect(fast.diagnostics).toEqual(slow.diagnostics);
  expect(fast.objects.length).toBe(slow.objects.length);
  fast.objects.forEach((object, i) => {
    const other = slow.objects[i]!;
    expect(object.value).toEqual(other.value);
    expect([object.origin.file, object.origin.document, object.origin.base]).toEqual([other.origin.file, other.origin.document, other.origin.base]);
    for (const path of pathsOf(object.value)) expect(object.origin.locate(path)).toEqual(other.origin.locate(path));
  });
}

function expectSameIngest(texts: readonly string[]): void {
  const sources = texts.map((text, i) => ({ name: `file-${i}.json`, text }));
  const fast = ingestSources(sources);
  const slow = ingestSources(sources, { yamlOnly: true });
  expect(fast.diagnostics).toEqual(slow.diagnostics);
  expect(fast.counts).toEqual(slow.counts);
  expect(fast.bundle).toEqual(slow.bundle);
}

describe('JSON fast path', () => {
  it('reads random JSON bundles to the same objects and locations as the yaml path', () => {
    fc.assert(fc.property(source(document), expectSameParse), { numRuns: 300 });
  });

  it('ingests random JSON bundles to the same bundle, counts and diagnostics as the yaml path', () => {
    fc.assert(fc.property(fc.array(source(document), { minLength: 1, maxLength: 3 }), expectSameIngest), { numRuns: 200 });
  });

  it('agrees on nesting around the depth limit and mappings around the entry limit', () => {
    for (const depth of [LIMITS.maxNestingDepth - 1, LIMITS.maxNestingDepth, LIMITS.maxNestingDepth + 1]) {
      expectSameParse(write(nested(depth), ['', '\n '], [0]));
    }
    for (const entries of [LIMITS.maxMappingEntries, LIMITS.maxMappingEntries + 1]) expectSameParse(write(bigMapping(entries), [' '], [0]));
  }, 120_000);

  it('takes the fast path for most valid bundles (so the comparisons above test something)', () => {
    let taken = 0;
    const runs = 200;
    fc.assert(
      fc.property(fc.record({ value: document, ws: fc.array(fc.constantFrom(' ', '\n', '\r\n', '\t'), { minLength: 1 }) }), ({ value, ws }) => {
        if (readJsonFast(write(value, ws, [0])) !== undefined) taken++;
      }),
      { numRuns: runs },
    );
    expect(taken).toBeGreaterThan(runs / 2);
  });

  it('declines what the yaml path reads differently or reports', () => {
    const declined = ['{"a":1,"a":2}', '{"a":1,"\\u0061":2}', '{"a":1,\r"b":2}', '{"a":1}\r', '[{"a":1}]\n---\n[]', 'a: 1', '"x"', '{a: 1}',
      `{"d":${'['.repeat(LIMITS.maxNestingDepth)}${']'.repeat(LIMITS.maxNestingDepth)}}`];
    for (const text of declined) expect(readJsonFast(text), JSON.stringify(text)).toBeUndefined();
    expect(readJsonFast(`{"d":${'['.repeat(LIMITS.maxNestingDepth - 1)}${']'.repeat(LIMITS.maxNestingDepth - 1)}}`)).toBeDefined();
    expect(readJsonFast('\r\n {"a":[1e5,-0,"\\/"],"__proto__":{"<<":1}}\r\n')).toEqual({ value: JSON.parse('{"a":[1e5,-0,"/"],"__proto__":{"<<":1}}') });
  });
});
