/**
 * Reading text into a bundle: the parser's hazards (empty and multi-document streams, Lists, JSON,
 * alias bombs, deep nesting, prototype keys, duplicate keys, BOM, CRLF, tabs, bad UTF-8, wrong
 * types), where every error says file, document and line; then what ingest does with the objects
 * (ignored kinds, namespaces, duplicates, workloads) and the content hash of the result.
 */
import { Composer, type CST } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { bundleFromJSON, bundleHash, bundleToJSON } from '../model/serialize.js';
import type { Bundle } from '../model/bundle.js';
import { selectorMatches } from '../model/selector.js';
import { ingestObjects, ingestSources, type IngestOptions, type IngestResult } from './bundle.js';
import type { Diagnostic } from './diagnostics.js';
import { LIMITS } from './limits.js';
import { parseSource } from './parse.js';

const FILE = 'in.yaml';

function ingest(text: string, options?: IngestOptions): IngestResult {
  return ingestSources([{ name: FILE, text }], options);
}

/**
 * The YAML documents `read` hands to the composer: the step that recurses once per nesting level
 * and compares each key of a mapping with all earlier ones. A refusal by a structure limit must
 * come before it, which bounds the work on hostile input without timing it.
 */
function documentsComposed(read: () => void): number {
  const next = vi.spyOn(Composer.prototype, 'next');
  try {
    read();
    return next.mock.calls.filter(([token]) => (token as CST.Token).type === 'document').length;
  } finally {
    next.mockRestore();
  }
}

function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  const i = lines.findIndex((line, n) => n + 1 >= from && line.includes(needle));
  if (i < 0) throw new Error(`${JSON.stringify(needle)} is not in the text`);
  return i + 1;
}

/** Every error says where: file, document index and line. */
function expectLocated(diagnostics: readonly Diagnostic[], file = FILE): void {
  for (const d of errors(diagnostics)) {
    expect(d.location, JSON.stringify(d)).toMatchObject({
      file,
      document: expect.any(Number),
      line: expect.any(Number),
    });
  }
}

/** One error, and no bundle. */
function onlyError(result: IngestResult): Diagnostic {
  expect(result.bundle).toBeUndefined();
  const found = errors(result.diagnostics);
  expect(found, JSON.stringify(result.diagnostics)).toHaveLength(1);
  expectLocated(found);
  return found[0]!;
}

const NAMESPACE_WEB = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n';

function podText(name: string, extra = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: web\n${extra}`;
}

describe('documents', () => {
  it('reads empty streams as nothing, silently', () => {
    for (const text of ['', '\n\n', '---', '---\n---\n', '# only\n# comments\n', '---\n# c\n...\n---\n', '\uFEFF']) {
      expect(parseSource({ name: FILE, text }), JSON.stringify(text)).toEqual({ objects: [], diagnostics: [] });
      const result = ingest(text);
      expect(result.diagnostics).toEqual([]);
      expect(result.bundle).toEqual({ namespaces: [], pods: [], policies: [], clusterPolicies: [], nodes: [], options: { ipBlockMatchesPods: true } });
    }
  });

  it('numbers documents across empty ones', () => {
    const text = `---
# nothing here
---
${NAMESPACE_WEB}---
---
${podText('a')}  labels: {app: "-bad"}
`;
    const parsed = parseSource({ name: FILE, text });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.objects.map((o) => o.origin.document)).toEqual([2, 4]);
    const error = onlyError(ingest(text));
    expect(error).toMatchObject({
      code: 'invalid',
      path: 'metadata.labels.app',
      object: { kind: 'Pod', namespace: 'web', name: 'a' },
      location: { file: FILE, document: 4, line: lineOf(text, 'labels:') },
    });
  });

  it('flattens kind: List and *List items, keeping paths and lines inside the item', () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: web}
  - apiVersion: v1
    kind: Pod
    metadata: {name: a, namespace: web}
    spec:
      containers:
        - name: c
          ports: [{containerPort: 0}]
---
apiVersion: v1
kind: PodList
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: b, namespace: web}
`;
    const parsed = parseSource({ name: FILE, text });
    expect(parsed.objects.map((o) => [o.origin.document, o.origin.base])).toEqual([
      [1, ['items', 0]],
      [1, ['items', 1]],
      [2, ['items', 0]],
    ]);
    const error = onlyError(ingest(text));
    expect(error).toMatchObject({
      code: 'invalid',
      path: 'spec.containers[0].ports[0].containerPort',
      object: { kind: 'Pod', namespace: 'web', name: 'a' },
      location: { file: FILE, document: 1, line: lineOf(text, 'containerPort') },
    });
    expect(ingest(text.replace('containerPort: 0', 'containerPort: 80')).bundle?.pods.map((p) => p.ref)).toEqual([
      'web/a',
      'web/b',
    ]);
  });

  it('reports List items that are not a list, and reads null items as none', () => {
    const text = 'apiVersion: v1\nkind: List\nitems: {kind: Pod}\n';
    expect(onlyError(ingest(text))).toMatchObject({
      code: 'type',
      path: 'items',
      message: 'List.items must be a list, found a mapping',
      location: { file: FILE, document: 1, line: 3 },
    });
    expect(ingest('apiVersion: v1\nkind: List\nitems:\n').diagnostics).toEqual([]);
  });

  it('reads a top-level JSON array, and rejects its elements that are not objects', () => {
    const text = '[{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}},\n 5,\n "x"]';
    const result = ingest(text);
    expect(result.bundle).toBeUndefined();
    expect(errors(result.diagnostics)).toEqual([
      expect.objectContaining({ code: 'type', path: '[1]', location: { file: FILE, document: 1, line: 2, column: 2 } }),
      expect.objectContaining({ code: 'type', path: '[2]', message: expect.stringContaining('found the string "x"') }),
    ]);
    expectLocated(result.diagnostics);
    expect(ingest('[{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}}]').bundle?.namespaces).toHaveLength(1);
  });

  it('reads a single JSON object, with the lines of its fields', () => {
    const object = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np', namespace: 'web' },
      spec: { ingress: [{ ports: [{ port: 'HTTP' }] }] },
    };
    const text = JSON.stringify(object, null, 2);
    const result = ingest(text);
    expect(errors(result.diagnostics).map((d) => [d.path, d.location?.line])).toEqual([
      ['spec.ingress[0].ports[0].port', lineOf(text, '"port"')],
      ['spec.ingress[0].ports[0].port', lineOf(text, '"port"')],
    ]);
    expectLocated(result.diagnostics);
    expect(ingest(JSON.stringify(object).replace('HTTP', 'http')).bundle?.policies).toHaveLength(1);
  });

  it('rejects documents that are not mappings, and mappings without kind', () => {
    const text = 'hello\n---\n- a\n- b\n---\n42\n---\nfoo: bar\n---\nkind: ""\n';
    const result = ingest(text);
    expect(result.bundle).toBeUndefined();
    expect(errors(result.diagnostics).map((d) => [d.code, d.path, d.location?.document, d.location?.line])).toEqual([
      ['type', undefined, 1, 1],
      ['type', '[0]', 2, 3],
      ['type', '[1]', 2, 4],
      ['type', undefined, 3, 6],
      ['required', 'kind', 4, 8],
    ]);
    expect(errors(result.diagnostics)[4]).toMatchObject({
      message: 'Required value: every object needs apiVersion and kind',
      object: { kind: 'object' },
    });
    expectLocated(result.diagnostics);
  });

  it('refuses the whole bundle when one document does not parse', () => {
    const text = `${NAMESPACE_WEB}---\n${podText('a')}---\nkind: [unclosed\n`;
    const result = ingest(text);
    expect(result.bundle).toBeUndefined();
    expect(errors(result.diagnostics)[0]).toMatchObject({ code: 'syntax', location: { file: FILE, document: 3 } });
    expectLocated(result.diagnostics);
  });
});

describe('hostile input', () => {
  it('stops an alias bomb by counting its aliases', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n';
    const text = `${NAMESPACE_WEB}---\n${configMap}${levels.map((l) => `  ${l}\n`).join('')}`;
    // The message is the yaml package's count check (maxAliasCount): expansion stopped by count.
    const error = onlyError(ingest(text));
    expect(error).toMatchObject({ code: 'limit', location: { file: FILE, document: 2, line: 6 } });
    expect(error.message).toContain(`too many YAML aliases (at most ${LIMITS.maxYamlAliasCount})`);
  });

  it('reads ordinary aliases, and reports an unresolved one as a syntax error', () => {
    const text = `${podText('a', '  labels: &l {app: web}\n')}---\n${podText('b', '  labels: *l\n')}`;
    // Anchors do not cross documents, as YAML says; that is no alias bomb.
    expect(onlyError(ingest(text))).toMatchObject({
      code: 'syntax',
      message: 'Unresolved alias (the anchor must be set before the alias): l',
      location: { document: 2 },
    });
    const one = `${podText('a', '  labels: &l {app: web}\n  annotations: *l\n')}`;
    expect(errors(ingest(one).diagnostics)).toEqual([]);
  });

  const deep: [string, () => string][] = [
    ['100000 [', () => '['.repeat(100_000)],
    ['100000 {', () => '{'.repeat(100_000)],
    ['100000 balanced []', () => '['.repeat(100_000) + ']'.repeat(100_000)],
    ['100000 { "a": ... } in JSON', () => '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['100000 nested block sequences, then a dedent', () => `${'- '.repeat(100_000)}x\ny: 1\n`],
    ['100000 nested block sequences', () => `${'- '.repeat(100_000)}x\n`],
    ['300 nested block mappings', () => Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n'],
  ];
  for (const [name, make] of deep) {
    it(`refuses deep nesting (${name}) with one clear error, every time`, () => {
      const text = `${NAMESPACE_WEB}---\n${make()}`;
      // Twice: a stack overflow inside the YAML composer used to abort the process on the second try.
      for (let round = 0; round < 2; round++) {
        let result: IngestResult | undefined;
        // The Namespace before it may be composed; the deep document never is.
        expect(documentsComposed(() => (result = ingest(text)))).toBeLessThan(2);
        const error = onlyError(result!);
        expect(error.code).toBe('limit');
        expect(error.message).toMatch(/nested/);
        expect(error.location).toMatchObject({ file: FILE, document: 2 });
        expect(error.location!.line).toBeGreaterThanOrEqual(6);
      }
    });
  }

  it('reads nesting up to the limit', () => {
    const depth = LIMITS.maxNestingDepth;
    // Brackets in a string do not nest; the pod mapping itself is the first level.
    const annotations = `  annotations: {x: "${'['.repeat(depth)}"}\n`;
    const text = `${podText('a', annotations)}data: ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}\n`;
    expect(errors(ingest(text).diagnostics)).toEqual([]);
    const tooDeep = `${podText('a')}data: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    expect(onlyError(ingest(tooDeep))).toMatchObject({ code: 'limit', location: { line: lineOf(tooDeep, 'data: [') } });
  });

  it('refuses a mapping with more entries than the limit before composing it (quadratic key check)', () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => [`k${i}`, 'v']);
    const atLimit = podText('a', `  annotations: ${JSON.stringify(Object.fromEntries(entries(LIMITS.maxMappingEntries)))}\n`);
    expect(errors(ingest(atLimit).diagnostics)).toEqual([]);
    // Four times the limit: the composer spy, not the size, shows that it is never composed.
    const block = `${NAMESPACE_WEB}---\ndata:\n${entries(20_000).map(([k, v]) => `  ${k}: ${v}\n`).join('')}`;
    const json = `${NAMESPACE_WEB}---\n${JSON.stringify({ kind: 'Namespace', metadata: { labels: Object.fromEntries(entries(20_000)) } })}`;
    for (const text of [block, json]) {
      let result: IngestResult | undefined;
      expect(documentsComposed(() => (result = ingest(text)))).toBeLessThan(2);
      const error = onlyError(result!);
      expect(error).toMatchObject({ code: 'limit', location: { file: FILE, document: 2 } });
      expect(error.message).toBe(`a mapping has 20000 entries; at most ${LIMITS.maxMappingEntries} are allowed`);
    }
    // Long lists are not bounded by this limit; the object-count limits apply to them instead.
    const longList = `${NAMESPACE_WEB}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${JSON.stringify(Array(LIMITS.maxMappingEntries + 1).fill(1))}\n`;
    expect(errors(ingest(longList).diagnostics)).toEqual([]);
  });

  it('keeps __proto__ and constructor keys as plain data, wherever they are', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const json = `{
  "__proto__": {"polluted": "yes", "kind": "Namespace"},
  "constructor": {"prototype": {"polluted": "yes"}},
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "a", "namespace": "web", "labels": {"constructor": "x", "toString": "y", "hasOwnProperty": "z"}},
  "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80, "name": "http"}]}]}
}`;
    const yaml = `${NAMESPACE_WEB}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: web
  __proto__: {namespace: evil}
spec:
  podSelector:
    matchLabels: {__proto__: x, constructor: x}
    matchExpressions: [{key: constructor, operator: In, values: [__proto__]}]
---
${podText('b', '  labels:\n    __proto__: {polluted: yes}\n    constructor: v\n')}`;
    const withErrors = ingestSources([
      { name: 'a.json', text: json },
      { name: FILE, text: yaml },
    ]);
    expect(errors(withErrors.diagnostics).map((d) => [d.code, d.path, d.location?.line])).toEqual([
      ['unknown-field', 'metadata.__proto__', lineOf(yaml, '__proto__: {namespace')],
      ['invalid', 'spec.podSelector.matchLabels.__proto__', lineOf(yaml, 'matchLabels')],
      ['invalid', 'spec.podSelector.matchExpressions[0].values[0]', lineOf(yaml, 'matchExpressions')],
      ['invalid', 'metadata.labels.__proto__', lineOf(yaml, '__proto__: {polluted')],
      ['type', 'metadata.labels.__proto__', lineOf(yaml, '__proto__: {polluted')],
    ]);
    // The policy stayed in its own namespace: nothing was inherited from a `__proto__` key.
    expect(errors(withErrors.diagnostics)[0]!.object).toEqual({ kind: 'NetworkPolicy', namespace: 'web', name: 'np' });

    const { bundle } = ingestSources([{ name: 'a.json', text: json }]);
    const pod = bundle!.pods[0]!;
    expect(Object.keys(pod.labels).sort()).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    expect(pod.labels.constructor).toBe('x');
    const byConstructor = { matchLabels: { constructor: 'x' }, matchExpressions: [] };
    expect(selectorMatches(byConstructor, pod.labels)).toBe(true);
    expect(selectorMatches(byConstructor, Object.create(null))).toBe(false);
    const exists = { matchLabels: {}, matchExpressions: [{ key: 'constructor', operator: 'Exists' as const, values: [] }] };
    expect(selectorMatches(exists, {})).toBe(false);

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('kind');
  });

  it('rejects duplicate keys, with the line of the second', () => {
    const yaml = `${podText('a', '  labels:\n    app: web\n    tier: db\n    app: api\n')}`;
    expect(onlyError(ingest(yaml))).toMatchObject({
      code: 'syntax',
      message: 'Map keys must be unique',
      location: { file: FILE, document: 1, line: lineOf(yaml, 'app: api') },
    });
    const json = '{"apiVersion": "v1",\n "kind": "Namespace",\n "kind": "Namespace",\n "metadata": {"name": "web"}}';
    expect(onlyError(ingest(json)).location).toMatchObject({ line: 3 });
  });

  it('skips a byte order mark and keeps line numbers', () => {
    const text = `\uFEFF${podText('a', '  labels: {app: "-"}\n')}`;
    expect(onlyError(ingest(text)).location).toMatchObject({ line: 6, column: 12 });
    expect(ingest(`\uFEFF{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}}`).bundle?.namespaces).toHaveLength(1);
  });

  it('reads CRLF line endings with the right line numbers and documents', () => {
    const text = `${NAMESPACE_WEB}---\n${podText('a', '  labels: {app: "-"}\n')}`.replace(/\n/g, '\r\n');
    const error = onlyError(ingest(text));
    expect(error.location).toMatchObject({ document: 2, line: 11, column: 12 });
    expect(error.path).toBe('metadata.labels.app');
    expect(ingest(text.replace('"-"', 'web')).bundle?.pods[0]!.labels).toEqual({ app: 'web' });
  });

  it('rejects numbers out of range, wherever a number is expected', () => {
    const text = `${podText('a')}spec:
  containers:
    - name: c
      ports:
        - containerPort: 1e400
        - containerPort: 99999999999
        - containerPort: .nan
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: web}
spec:
  ingress: [{ports: [{port: 1e400}, {port: 99999999999}, {port: 80, endPort: -99999999999}]}]
`;
    const result = ingest(text);
    expect(errors(result.diagnostics).map((d) => [d.code, d.path, d.message])).toEqual([
      ['type', 'spec.containers[0].ports[0].containerPort', 'expected an integer, found the number Infinity'],
      ['invalid', 'spec.containers[0].ports[1].containerPort', 'Invalid value: 99999999999: out of range for a 32-bit integer'],
      ['type', 'spec.containers[0].ports[2].containerPort', 'expected an integer, found the number NaN'],
      ['type', 'spec.ingress[0].ports[0].port', 'expected an integer, found the number Infinity'],
      ['invalid', 'spec.ingress[0].ports[1].port', 'Invalid value: 99999999999: out of range for a 32-bit integer'],
      ['invalid', 'spec.ingress[0].ports[2].endPort', 'Invalid value: -99999999999: out of range for a 32-bit integer'],
    ]);
    expectLocated(result.diagnostics);
  });

  it('reports wrong types in a pod, every one of them', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: a
  namespace: [web]
  labels: [app]
spec:
  hostNetwork: "true"
  containers:
    - name: c
      ports: 80
    - name: d
      ports:
        - containerPort: "80"
          protocol: [TCP]
status:
  podIP: 10
  podIPs: {ip: 10.0.0.1}
`;
    const result = ingest(text);
    expect(errors(result.diagnostics).map((d) => [d.path, d.location?.line])).toEqual([
      ['metadata.namespace', lineOf(text, 'namespace:')],
      ['metadata.labels', lineOf(text, 'labels:')],
      ['spec.hostNetwork', lineOf(text, 'hostNetwork')],
      ['spec.containers[0].ports', lineOf(text, 'ports: 80')],
      ['spec.containers[1].ports[0].containerPort', lineOf(text, 'containerPort')],
      ['spec.containers[1].ports[0].protocol', lineOf(text, 'protocol')],
      ['status.podIPs', lineOf(text, 'podIPs')],
      ['status.podIP', lineOf(text, 'podIP:')],
    ]);
    expect(errors(result.diagnostics).every((d) => d.code === 'type')).toBe(true);
    expectLocated(result.diagnostics);
  });

  it('rejects tabs used as indentation, with the line', () => {
    const text = `${NAMESPACE_WEB}---\napiVersion: v1\nkind: Pod\nmetadata:\n\tname: a\n`;
    expect(onlyError(ingest(text))).toMatchObject({ code: 'syntax', location: { file: FILE, document: 2, line: 9 } });
    expect(errors(ingest(`${podText('a')}  labels: {app: web}\t# a tab before a comment\n`).diagnostics)).toEqual([]);
  });

  it('reads invalid UTF-8 (decoded leniently) as U+FFFD, rejected where names and labels are checked', () => {
    const bytes = (text: string) => [...new TextEncoder().encode(text)];
    const input = new Uint8Array([
      ...bytes('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n  labels:\n    team: caf'),
      0xc3,
      0x28,
      ...bytes('\n    # a comment \xff is fine: '),
      0xff,
      ...bytes('\n'),
    ]);
    const text = new TextDecoder('utf-8').decode(input);
    expect(text).toContain('\uFFFD');
    expect(onlyError(ingest(text))).toMatchObject({
      code: 'invalid',
      path: 'metadata.labels.team',
      message: expect.stringContaining('Invalid value: "caf\uFFFD("'),
      location: { line: 6 },
    });
  });
});

describe('kinds', () => {
  it('ignores kinds that do not affect policy, with one warning per kind', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: Service
metadata: {name: s}
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
  - {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
`;
    const result = ingest(text);
    expect(result.bundle).toBeDefined();
    expect(result.counts.ignored).toBe(5);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'ignored-kind',
        object: { kind: 'ConfigMap' },
        message: 'ConfigMap does not affect network policy; 3 objects of this kind (the first is here) ignored',
        location: expect.objectContaining({ document: 1, line: 2 }),
      }),
      expect.objectContaining({
        code: 'ignored-kind',
        message: 'Service does not affect network policy; this object ignored',
        location: expect.objectContaining({ document: 2, line: 6 }),
      }),
      expect.objectContaining({ code: 'ignored-kind', object: { kind: 'Widget' }, location: expect.objectContaining({ line: 13 }) }),
    ]);
  });

  it('rejects a known kind with another apiVersion', () => {
    const text = 'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {}\n';
    expect(onlyError(ingest(text))).toMatchObject({
      code: 'unsupported',
      path: 'apiVersion',
      message: 'Unsupported value: "extensions/v1beta1": supported values: "networking.k8s.io/v1"',
      object: { kind: 'NetworkPolicy' },
    });
    expect(onlyError(ingest('kind: Pod\nmetadata: {name: a}\n'))).toMatchObject({ code: 'required', path: 'apiVersion' });
  });

  it('puts namespaced objects without a namespace in default, or in defaultNamespace', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: a}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ""}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template: {metadata: {labels: {app: d}}}
`;
    const plain = ingest(text).bundle!;
    expect(plain.pods.map((p) => p.ref)).toEqual(['default/a', 'default/b', 'default/deployment/d']);
    expect(plain.policies.map((p) => p.namespace)).toEqual(['default']);
    const team = ingest(text, { defaultNamespace: 'team' }).bundle!;
    expect(team.pods.map((p) => p.ref)).toEqual(['team/a', 'team/b', 'team/deployment/d']);
    expect(team.policies.map((p) => p.namespace)).toEqual(['team']);
    expect(team.namespaces.map((n) => [n.name, n.implicit])).toEqual([['team', true]]);
  });

  it('rejects an object defined twice, naming where it was first', () => {
    const first = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: default}\n';
    const second = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n';
    const result = ingestSources([
      { name: 'one.yaml', text: first },
      { name: 'two.yaml', text: `${NAMESPACE_WEB}---\n${second}` },
    ]);
    expect(result.bundle).toBeUndefined();
    expect(errors(result.diagnostics)).toEqual([
      expect.objectContaining({
        code: 'duplicate',
        object: { kind: 'Pod', namespace: 'default', name: 'a' },
        message: 'this object is defined twice (first defined at one.yaml, document 1)',
        location: expect.objectContaining({ file: 'two.yaml', document: 2, line: 6 }),
      }),
    ]);
    // Same name, other kind or namespace: not a duplicate.
    const distinct = `${first}---\n${podText('a')}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: {}\n`;
    expect(errors(ingest(distinct).diagnostics)).toEqual([]);
    const namespaces = `${NAMESPACE_WEB}---\n${NAMESPACE_WEB}`;
    expect(onlyError(ingest(namespaces))).toMatchObject({ code: 'duplicate', object: { kind: 'Namespace', name: 'web' } });
  });

  it('implies a missing namespace once, with a warning, labelled with its name', () => {
    const text = `${podText('a')}---\n${podText('b')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: web}
spec: {}
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {kubernetes.io/metadata.name: other, team: x}
`;
    const result = ingest(text);
    const shop = lineOf(text, 'kubernetes.io/metadata.name');
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'normalized',
        object: { kind: 'Namespace', name: 'shop' },
        location: expect.objectContaining({ document: 4, line: shop }),
      }),
      expect.objectContaining({
        severity: 'warning',
        code: 'implicit-namespace',
        object: { kind: 'Namespace', name: 'web' },
        message: 'no Namespace object; Pod web/a implies one labelled only kubernetes.io/metadata.name=web',
      }),
    ]);
    expect(result.bundle!.namespaces.map((n) => [n.name, n.implicit, { ...n.labels }])).toEqual([
      ['shop', false, { 'kubernetes.io/metadata.name': 'shop', team: 'x' }],
      ['web', true, { 'kubernetes.io/metadata.name': 'web' }],
    ]);
  });

  it('treats a plain value shaped like a parsed object as a plain value', () => {
    const result = ingestObjects([{ origin: { file: 'x' }, value: { kind: 'Pod' } }, { origin: 1, value: 2 }]);
    expect(errors(result.diagnostics).map((d) => [d.code, d.path])).toEqual([
      ['required', 'kind'],
      ['required', 'kind'],
    ]);
  });
});

describe('workloads', () => {
  const template = (labels = '{app: web}') =>
    `template:\n    metadata: {labels: ${labels}}\n    spec:\n      containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]`;
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, uid: d1}
spec:
  selector: {matchLabels: {app: web}}
  ${template()}
`;
  const replicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f7c9b4
  namespace: shop
  uid: r1
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1}]
spec:
  selector: {matchLabels: {app: web, pod-template-hash: 5d8f7c9b4}}
  ${template('{app: web, pod-template-hash: 5d8f7c9b4}')}
`;
  const pod = (hash = '5d8f7c9b4', owner = `{kind: ReplicaSet, name: web-5d8f7c9b4, uid: r1}`) => `apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f7c9b4-x2x9z
  namespace: shop
  labels: {app: web, pod-template-hash: "${hash}"}
  ownerReferences: [${owner}]
spec:
  containers: [{name: c}]
`;
  const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      ${template('{app: backup}').replace(/\n/g, '\n    ')}
`;
  const refs = (...docs: string[]) => {
    const result = ingest(docs.join('---\n'));
    expect(errors(result.diagnostics)).toEqual([]);
    return result.bundle!.pods.map((p) => p.ref);
  };

  it('expands a workload into one representative pod', () => {
    const result = ingest(deployment);
    expect(result.bundle!.pods).toEqual([
      {
        ref: 'shop/deployment/web',
        namespace: 'shop',
        name: 'web',
        labels: { app: 'web' },
        ips: [],
        hostIPs: [],
        hostNetwork: false,
        ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
        workload: { kind: 'Deployment', name: 'web' },
      },
    ]);
    expect(result.counts).toMatchObject({ pods: 0, workloadPods: 1 });
  });

  it('expands every workload kind', () => {
    const selector = 'selector: {matchLabels: {app: web}}';
    const docs = [
      ['apps/v1', 'StatefulSet', selector],
      ['apps/v1', 'DaemonSet', selector],
      ['apps/v1', 'ReplicaSet', selector],
      ['v1', 'ReplicationController', 'selector: {app: web}'],
      ['v1', 'ReplicationController', ''],
      ['batch/v1', 'Job', ''],
    ].map(
      ([apiVersion, kind, sel], i) =>
        `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: w${i}, namespace: shop}\nspec:\n  ${sel}\n  ${template()}\n`,
    );
    expect(refs(...docs, cronJob)).toEqual([
      'shop/cronjob/backup',
      'shop/daemonset/w1',
      'shop/job/w5',
      'shop/replicaset/w2',
      'shop/replicationcontroller/w3',
      'shop/replicationcontroller/w4',
      'shop/statefulset/w0',
    ]);
  });

  it('stands aside for the pods a workload owns: directly, via a ReplicaSet, or by the ReplicaSet name', () => {
    // Pod -> ReplicaSet -> Deployment, all in the bundle.
    expect(refs(deployment, replicaSet, pod())).toEqual(['shop/web-5d8f7c9b4-x2x9z']);
    // The ReplicaSet is absent: `<deployment>-<hash>` plus the pod's pod-template-hash tell the owner.
    expect(refs(deployment, pod())).toEqual(['shop/web-5d8f7c9b4-x2x9z']);
    // A hash that does not match the name: the pod is not known to be the Deployment's.
    expect(refs(deployment, pod('abc'))).toEqual(['shop/deployment/web', 'shop/web-5d8f7c9b4-x2x9z']);
    // Owned directly.
    expect(refs(deployment, pod('x', '{kind: Deployment, name: web}'))).toEqual(['shop/web-5d8f7c9b4-x2x9z']);
    // An owner reference with another uid names another object of that name.
    expect(refs(deployment, pod('x', '{kind: Deployment, name: web, uid: other}'))).toEqual([
      'shop/deployment/web',
      'shop/web-5d8f7c9b4-x2x9z',
    ]);
    // A ReplicaSet owned by a Deployment of the bundle is represented by the Deployment only.
    expect(refs(deployment, replicaSet)).toEqual(['shop/deployment/web']);
  });

  it('stands aside for the pods of a CronJob, found by its Jobs names', () => {
    const jobPod = pod('x', '{kind: Job, name: backup-28912345}').replace('web-5d8f7c9b4-x2x9z', 'backup-28912345-abcde');
    expect(refs(cronJob, jobPod)).toEqual(['shop/backup-28912345-abcde']);
  });

  it('rejects a selector that does not match the template labels, or is missing or empty', () => {
    const mismatch = deployment.replace('selector: {matchLabels: {app: web}}', 'selector: {matchLabels: {app: api}}');
    expect(onlyError(ingest(mismatch))).toMatchObject({
      code: 'invalid',
      path: 'spec.template.metadata.labels',
      message: expect.stringContaining('`selector` does not match template `labels`'),
      object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
      location: { file: FILE, document: 1, line: lineOf(mismatch, 'labels') },
    });
    expect(onlyError(ingest(deployment.replace('selector: {matchLabels: {app: web}}', 'replicas: 2')))).toMatchObject({
      code: 'required',
      path: 'spec.selector',
    });
    expect(onlyError(ingest(deployment.replace('selector: {matchLabels: {app: web}}', 'selector: {}')))).toMatchObject({
      code: 'invalid',
      path: 'spec.selector',
      message: 'Invalid value: "{}": empty selector is invalid for deployment',
    });
    const expressions = deployment.replace(
      'selector: {matchLabels: {app: web}}',
      'selector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}',
    );
    expect(onlyError(ingest(expressions)).path).toBe('spec.template.metadata.labels');
    const rc = `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec:\n  selector: {app: other}\n  ${template()}\n`;
    expect(onlyError(ingest(rc)).path).toBe('spec.template.metadata.labels');
  });
});

describe('content hash', () => {
  const yaml = `${NAMESPACE_WEB}---
apiVersion: v1
kind: Pod
metadata:
  name: a
  namespace: web
  labels: {app: web, tier: front}
spec:
  containers: [{name: c, ports: [{name: http, containerPort: 80}]}]
status:
  podIP: 10.0.0.5
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: web}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {podSelector: {}}]
      ports: [{port: 80}, {port: http, protocol: TCP}]
`;
  const hashOf = async (...texts: string[]): Promise<string> => {
    const result = ingestSources(texts.map((text, i) => ({ name: `f${i}`, text })));
    expect(errors(result.diagnostics)).toEqual([]);
    return bundleHash(result.bundle!);
  };

  it('is the same for the same objects in any order or formatting', async () => {
    const base = await hashOf(yaml);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [namespace, podDoc, policyDoc] = yaml.split('---\n') as [string, string, string];
    expect(await hashOf(`${policyDoc}---\n${namespace}---\n${podDoc}`)).toBe(base);
    expect(await hashOf(policyDoc, podDoc, namespace)).toBe(base);
    const reorderedKeys = `${namespace}---
status: {podIP: 10.0.0.5}
spec:
  containers:
    - ports:
        - containerPort: 80
          name: http
      name: c
metadata:
  labels:
    tier: front
    app: web
  namespace: web
  name: a
kind: Pod
apiVersion: v1
---
# the same policy, in another style
spec:
  ingress:
    - ports:
        - port: 80
          protocol: "TCP"
        - {protocol: TCP, port: "http"}
      from:
        - ipBlock:
            except: ["10.1.0.0/16"]
            cidr: 10.0.0.1/8
        - podSelector: {matchLabels: {}}
  podSelector:
    matchLabels:
      app: 'web'
kind: NetworkPolicy
metadata: {namespace: web, name: np}
apiVersion: networking.k8s.io/v1
`;
    expect(await hashOf(reorderedKeys.replace('\n', '\r\n'))).toBe(base);
    const asJSON = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a', namespace: 'web', labels: { tier: 'front', app: 'web' } },
        spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }] },
        status: { podIP: '10.0.0.5' },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'np', namespace: 'web' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [
            {
              from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { podSelector: {} }],
              ports: [{ port: 80 }, { port: 'http' }],
            },
          ],
        },
      },
    ];
    expect(await hashOf(JSON.stringify(asJSON, null, 2))).toBe(base);
    expect(await hashOf(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: asJSON.reverse() }))).toBe(base);
  });

  it('survives a round trip through its canonical JSON', async () => {
    const bundle = ingestSources([{ name: 'f', text: yaml }]).bundle!;
    const again: Bundle = bundleFromJSON(bundleToJSON(bundle));
    expect(again).toEqual(bundle);
    expect(await bundleHash(again)).toBe(await bundleHash(bundle));
  });

  it('changes when a field that matters changes', async () => {
    const base = await hashOf(yaml);
    const changes: [string, string][] = [
      ['port: 80}', 'port: 81}'],
      ['tier: front', 'tier: back'],
      ['podIP: 10.0.0.5', 'podIP: 10.0.0.6'],
      ['containerPort: 80', 'containerPort: 8080'],
      ['except: [10.1.0.0/16]', 'except: [10.2.0.0/16]'],
      ['cidr: 10.0.0.0/8', 'cidr: 10.0.0.0/9'],
      ['{podSelector: {}}', '{namespaceSelector: {}}'],
      ['  podSelector: {matchLabels: {app: web}}', '  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress, Egress]'],
      ['name: np', 'name: np2'],
    ];
    const seen = new Set([base]);
    for (const [from, to] of changes) {
      expect(yaml.includes(from), from).toBe(true);
      const hash = await hashOf(yaml.replace(from, to));
      expect(seen.has(hash), `${from} -> ${to}`).toBe(false);
      seen.add(hash);
    }
    const options = ingestSources([{ name: 'f', text: yaml }], { options: { ipBlockMatchesPods: false } });
    expect(await bundleHash(options.bundle!)).not.toBe(base);
  });
});

describe('YAML 1.1, as kubectl reads it', () => {
  it('reads 0443 as octal, and yes/no/y/n as booleans', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: prod, labels: {enabled: yes}}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{ports: [{port: 0443}]}]
---
apiVersion: v1
kind: Namespace
metadata: {name: n}
`;
    const result = ingestSources([{ name: FILE, text }]);
    const found = result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.path, d.message]);
    expect(found).toEqual([
      ['metadata.labels.enabled', 'expected a string, found the boolean true'],
      ['metadata.name', 'expected a string, found the boolean false'],
    ]);
    const quoted = text.replace('enabled: yes', 'enabled: "yes"').replace('name: n}', 'name: "n"}');
    const { bundle } = ingestSources([{ name: FILE, text: quoted }]);
    expect(bundle!.policies[0]!.ingress[0]!.ports).toEqual([{ kind: 'range', protocol: 'TCP', from: 291, to: 291 }]);
  });
});
