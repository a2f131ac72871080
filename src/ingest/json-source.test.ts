import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.js';
import { parseLargeJSON, parseSource, type ParseResult } from './parse.js';
import type { PathSegment } from './path.js';

/** Both readers on the same text: the YAML path and json-source.ts (what large JSON the fast path declines takes). */
function bothWays(text: string): [ParseResult, ParseResult] {
  return [parseSource({ name: 'in.json', text }, { yamlOnly: true }), parseLargeJSON('in.json', text)];
}

/** Every path to a node of the value, and a few that leave it. */
function pathsOf(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const paths: PathSegment[][] = [prefix, [...prefix, 'missing'], [...prefix, 99]];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

const key = fc.constantFrom('kind', 'apiVersion', 'metadata', 'name', 'spec', 'a"b', 'é\\n', 'items', 'ports');
const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const object = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('Pod', 'Namespace'), metadata: fc.dictionary(key, tree, { maxKeys: 3 }) });
const document = fc.oneof(
  object,
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('List'), items: fc.array(fc.oneof(object, leaf), { maxLength: 4 }) }),
  fc.array(object, { maxLength: 3 }),
);

describe('parseSource: large JSON without the YAML parser', () => {
  it('gives the YAML path\'s objects, and the same line and column for every field path', () => {
    fc.assert(
      fc.property(document, fc.constantFrom(0, 1, 2), (value, indent) => {
        const [yaml, json] = bothWays(JSON.stringify(value, null, indent));
        expect(json.diagnostics).toEqual(yaml.diagnostics);
        expect(json.objects.map((o) => [o.value, o.origin.base])).toEqual(yaml.objects.map((o) => [o.value, o.origin.base]));
        for (const [i, object] of json.objects.entries()) {
          for (const path of pathsOf(object.value)) expect(object.origin.locate(path)).toEqual(yaml.objects[i]!.origin.locate(path));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a duplicate key at the key, as the YAML path does', () => {
    const [yaml, json] = bothWays('{"apiVersion": "v1",\n "kind": "Pod",\n "kind": "Pod"}');
    expect(yaml.diagnostics[0]?.location).toMatchObject({ line: 3, column: 2 });
    expect(json.diagnostics).toEqual([{ severity: 'error', code: 'syntax', message: 'Map keys must be unique', location: { file: 'in.json', document: 1, line: 3, column: 2 } }]);
  });

  it('finds a duplicate key spelt with an escape', () => {
    const [, json] = bothWays('{"kind": "Pod", "\\u006bind": "Pod"}');
    expect(json.diagnostics[0]?.message).toBe('Map keys must be unique');
  });

  it('enforces the nesting and mapping-size limits', () => {
    const deep = `${'['.repeat(LIMITS.maxNestingDepth + 1)}${']'.repeat(LIMITS.maxNestingDepth + 1)}`;
    expect(bothWays(deep)[1].diagnostics[0]).toMatchObject({ code: 'limit', location: { line: 1, column: LIMITS.maxNestingDepth + 1 } });
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: LIMITS.maxMappingEntries + 1 }, (_, i) => [`k${i}`, i])));
    expect(bothWays(wide)[1].diagnostics[0]).toMatchObject({ code: 'limit', location: { line: 1, column: 1 } });
  });

  it('reports a syntax error with its place when the engine names one', () => {
    const [, json] = bothWays('{"kind": "Pod",\n "x": }');
    expect(json.objects).toEqual([]);
    expect(json.diagnostics).toHaveLength(1);
    expect(json.diagnostics[0]).toMatchObject({ severity: 'error', code: 'syntax', location: { file: 'in.json', document: 1 } });
  });
});
