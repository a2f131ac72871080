/**
 * @module A deterministic hostile-input corpus for ingest, flow decoding and the HTTP API:
 * truncated and mangled fixtures, alias bombs, deep nesting, prototype keys, duplicate keys, huge
 * values, invalid UTF-8, mutated NetworkPolicies and AdminNetworkPolicies, and absurd flows.
 * Everything comes from a seeded generator (no Math.random), so every run sees the same inputs.
 * Pure TypeScript with no Node imports: the workerd tests import it too.
 */

/** One bundle input: text (what a file or request body holds), or raw bytes when not valid UTF-8. */
export interface BundleInput {
  readonly category: string;
  readonly name: string;
  readonly text?: string;
  readonly bytes?: Uint8Array;
}

/** One NDJSON flow line (possibly not JSON at all). */
export interface FlowInput {
  readonly category: string;
  readonly name: string;
  readonly line: string;
}

/** mulberry32: small, seeded, good enough to pick offsets and mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Valid fixtures

export const DEMO_YAML = `# The demo cluster, trimmed.
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: ns1
    labels: {team: payments, env: prod}
- apiVersion: v1
  kind: Namespace
  metadata:
    name: ns2
    labels: {team: search, env: prod}
- apiVersion: v1
  kind: Namespace
  metadata:
    name: ns3
    labels: {team: frontend, env: prod}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web
    namespace: ns1
    labels: {app: web, tier: frontend}
  spec:
    containers:
    - name: nginx
      image: nginx:1.27
      ports:
      - {name: http, containerPort: 80}
      - {name: metrics, containerPort: 9090}
  status: {podIP: 10.1.1.10, podIPs: [{ip: 10.1.1.10}], hostIP: 192.168.0.11}
- apiVersion: v1
  kind: Pod
  metadata:
    name: search
    namespace: ns2
    labels: {app: search}
  spec:
    containers:
    - name: search
      image: opensearch:2
      ports:
      - {name: http, containerPort: 9200}
  status: {podIP: 10.1.2.10, podIPs: [{ip: 10.1.2.10}], hostIP: 192.168.0.11}
- apiVersion: v1
  kind: Pod
  metadata:
    name: frontend
    namespace: ns3
    labels: {app: frontend}
  spec:
    containers:
    - name: ui
      image: ui:3
      ports:
      - {name: http, containerPort: 8080}
  status: {podIP: 10.1.3.10, podIPs: [{ip: 10.1.3.10}], hostIP: 192.168.0.12}
`;

export const NP_YAML = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ns1-from-ns3
  namespace: ns1
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {team: frontend}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.9.0.0/16]}
    ports:
    - {protocol: TCP, port: 80}
    - {protocol: TCP, port: http}
    - {protocol: UDP, port: 1000, endPort: 2000}
  egress:
  - to:
    - podSelector:
        matchExpressions:
        - {key: app, operator: In, values: [db, search]}
    ports: [{port: 5432}]
`;

export const ANP_YAML = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: guard}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {env: prod}}}
  ingress:
  - name: no-dev
    action: Deny
    from: [{namespaces: {matchLabels: {env: dev}}}]
    ports: [{portNumber: {protocol: TCP, port: 80}}, {namedPort: http}, {portRange: {protocol: UDP, start: 1000, end: 2000}}]
  egress:
  - action: Allow
    to: [{networks: [203.0.113.0/24]}, {nodes: {matchLabels: {role: worker}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{networks: [0.0.0.0/0]}]
`;

export const DEPLOYMENT_YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ns1}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: api:1
        ports: [{name: http, containerPort: 8080}]
`;

/** The bundle flows are decided against (reference decide in node, the demo bundle in workerd). */
export const VALID_BUNDLE_YAML = `${DEMO_YAML}---\n${NP_YAML}---\n${ANP_YAML}`;

/** Valid objects to mutate. JSON-able, so each mutation is one JSON text (JSON is YAML 1.2). */
export const NP_OBJECT = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'np', namespace: 'ns1', labels: { app: 'web' } },
  spec: {
    podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { app: 'x' } }, namespaceSelector: { matchLabels: { team: 't' } } },
          { ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] } },
        ],
        ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 1000, endPort: 2000 }, { port: 'http' }],
      },
    ],
    egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }],
  },
};

export const ANP_OBJECT = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name: 'anp' },
  spec: {
    priority: 10,
    subject: { pods: { namespaceSelector: { matchLabels: { env: 'prod' } }, podSelector: { matchLabels: { app: 'db' } } } },
    ingress: [
      {
        name: 'r1',
        action: 'Deny',
        from: [{ namespaces: { matchLabels: { env: 'dev' } } }],
        ports: [{ portNumber: { protocol: 'TCP', port: 80 } }, { namedPort: 'http' }, { portRange: { protocol: 'UDP', start: 1, end: 9 } }],
      },
    ],
    egress: [{ action: 'Pass', to: [{ networks: ['203.0.113.0/24'] }, { nodes: { matchLabels: { role: 'w' } } }] }],
  },
};

export const POD_OBJECT = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns1', labels: { app: 'web' } },
  spec: { hostNetwork: false, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }] },
  status: { phase: 'Running', podIP: '10.1.1.10', podIPs: [{ ip: '10.1.1.10' }], hostIP: '192.168.0.1' },
};

export const FLOWS_NDJSON = [
  '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
  '{"src":"10.1.2.10","dst":"10.1.1.10","protocol":"TCP","port":80}',
  '{"src":{"namespace":"ns3","labels":{"app":"frontend"}},"dst":"ns1/web","protocol":"udp","port":"1500"}',
  '{"src":"ns1/web","dst":"203.0.113.9","protocol":17,"port":53}',
].join('\n');

// ---------------------------------------------------------------------------------------------
// A JSON writer that can emit what objects cannot hold: duplicate and `__proto__` keys, raw numbers.

type Path = readonly (string | number)[];

/** Raw JSON text inserted as is (huge numbers, exponents). */
export class Raw {
  constructor(readonly text: string) {}
}

/** Extra entries to emit in the mapping at `path`. */
type Extra = (path: Path) => [string, unknown][] | undefined;

export function writeJson(value: unknown, extra?: Extra, path: Path = []): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map((v, i) => writeJson(v, extra, [...path, i])).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries: [string, unknown][] = [...Object.entries(value), ...(extra?.(path) ?? [])];
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${writeJson(v, extra, [...path, k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Every path of a JSON value: [path, value at it], root first. */
function walk(value: unknown, path: Path = []): [Path, unknown][] {
  const out: [Path, unknown][] = [[path, value]];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...walk(v, [...path, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) out.push(...walk(v, [...path, k]));
  }
  return out;
}

const DELETE = Symbol('delete');

/** A copy of `value` with the node at `path` replaced (or deleted). Uses null-prototype mappings. */
function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    const next = replaceAt(copy[head as number], rest, replacement);
    if (next === DELETE) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const copy: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value as object)) copy[k] = v;
  const next = replaceAt(copy[head as string], rest, replacement);
  if (next === DELETE) delete copy[head as string];
  else copy[head as string] = next;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Bundles

const NAMESPACE_JSON = '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"}}';

function list(...items: string[]): string {
  return `{"apiVersion":"v1","kind":"List","items":[${items.join(',')}]}`;
}

const FIXTURES: Record<string, string> = {
  demo: DEMO_YAML,
  np: NP_YAML,
  anp: ANP_YAML,
  deployment: DEPLOYMENT_YAML,
  npJson: JSON.stringify(NP_OBJECT, null, 2),
  anpJson: JSON.stringify(ANP_OBJECT),
  listJson: list(NAMESPACE_JSON, JSON.stringify(POD_OBJECT), JSON.stringify(NP_OBJECT)),
  ndjson: FLOWS_NDJSON,
};

const WRONG_VALUES: readonly [string, unknown][] = [
  ['number', 42],
  ['negative', -1],
  ['zero', 0],
  ['port+1', 65536],
  ['fraction', 1.5],
  ['int32+1', 2147483648],
  ['numeric-string', '80'],
  ['unknown-enum', 'Bogus'],
  ['empty-string', ''],
  ['bool', true],
  ['null', null],
  ['empty-list', []],
  ['list', ['x']],
  ['empty-map', {}],
  ['map', { x: 'y' }],
];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function nested(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

export function bundleCorpus(seed = 0x5eed): BundleInput[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const out: BundleInput[] = [];
  const add = (category: string, name: string, text: string): void => {
    out.push({ category, name, text });
  };

  // Truncated: every fixture cut at ~40 offsets (evenly spaced plus seeded).
  for (const [name, text] of Object.entries(FIXTURES)) {
    const offsets = new Set<number>([0, 1, text.length - 1]);
    for (let i = 1; i < 25; i++) offsets.add(Math.floor((text.length * i) / 25));
    while (offsets.size < 40) offsets.add(Math.floor(random() * text.length));
    for (const offset of [...offsets].sort((a, b) => a - b)) add('truncated', `${name}[0:${offset}]`, text.slice(0, offset));
  }

  // Malformed: seeded single-point damage to each fixture.
  const damage = ['{', '}', '[', ']', ':', '\t', '"', "'", '- ', '\n  ', '&a ', '*a', '!!binary ', '%YAML 1.1\n', '\0', '? ', '|', '>', '#', ',', '\\u'];
  for (const [name, text] of Object.entries(FIXTURES)) {
    for (let i = 0; i < 15; i++) {
      const at = Math.floor(random() * text.length);
      const what = pick(damage);
      const mode = random() < 0.5 ? 'insert' : 'replace';
      const mangled = mode === 'insert' ? text.slice(0, at) + what + text.slice(at) : text.slice(0, at) + what + text.slice(at + 1);
      add('malformed', `${name} ${mode} ${JSON.stringify(what)} at ${at}`, mangled);
    }
  }
  for (const text of ['', ' ', '\n', '---', '---\n---\n', '...', '~', 'null', '[]', '{}', '42', '"x"', '[1,2', '{"a":', 'a: b: c', ':', '- - -', '!!python/object:os.system ls', '%TAG ! tag:x\n---\n!x {}', '\uFEFF\uFEFFkind: Pod', 'kind: List\nitems: 7', 'apiVersion: v1\nkind: List\nitems: [1, "x", null, []]', '[[[]]]', '{"kind":{"kind":"Pod"}}']) {
    add('malformed', `literal ${JSON.stringify(text).slice(0, 40)}`, text);
  }

  // Alias bombs.
  const laughs = (levels: number, width: number): string => {
    let text = 'a0: &a0 [lol]\n';
    for (let i = 1; i <= levels; i++) text += `a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]\n`;
    return text;
  };
  for (const [levels, width] of [[9, 9], [20, 10], [3, 200], [50, 2]] as const) add('alias-bomb', `laughs ${levels}x${width}`, laughs(levels, width));
  add('alias-bomb', 'laughs in a policy', `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: a}\nspec:\n  podSelector: &s {matchLabels: {a: b}}\n  ingress:\n${Array.from({ length: 200 }, () => '  - from: [{podSelector: *s}]').join('\n')}\n`);
  add('alias-bomb', 'merge keys', `base: &b {a: 1, b: 2}\nx: {<<: [*b, *b, *b], c: 3}\n`);
  add('alias-bomb', 'undefined alias', 'kind: *nothing\n');
  add('alias-bomb', 'self alias', 'a: &a [*a]\n');
  add('alias-bomb', 'aliased metadata', `apiVersion: v1\nkind: Namespace\nmetadata: &m {name: a, labels: &l {x: y}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: *m\n`);
  add('alias-bomb', 'alias as key', `a: &k kind\n*k : Pod\n`);

  // Deep nesting, around and far over the 256 limit, in both flow and block style and inside a policy.
  for (const depth of [100, 255, 256, 257, 1000, 5000, 50_000]) {
    add('deep-nesting', `json arrays ${depth}`, nested(depth, '[', ']'));
    add('deep-nesting', `json objects ${depth}`, nested(depth, '{"a":', '}'));
    add('deep-nesting', `yaml flow in spec ${depth}`, `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: a}\nspec: {podSelector: ${nested(depth, '{a: ', '}', '{}')}}\n`);
  }
  for (const depth of [100, 300, 2000]) {
    let block = '';
    for (let i = 0; i < depth; i++) block += `${' '.repeat(i)}- \n`;
    add('deep-nesting', `yaml block lists ${depth}`, block);
    let maps = '';
    for (let i = 0; i < depth; i++) maps += `${' '.repeat(i)}k:\n`;
    add('deep-nesting', `yaml block maps ${depth}`, maps);
  }

  // Prototype keys at every mapping of the valid objects, as mapping and scalar values, and as labels.
  for (const [objectName, object] of [['np', NP_OBJECT], ['anp', ANP_OBJECT], ['pod', POD_OBJECT]] as const) {
    const mappings = walk(object).filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v)).map(([p]) => p);
    for (const key of PROTO_KEYS) {
      for (const target of mappings) {
        const value = random() < 0.5 ? { polluted: 'yes', toString: 'x' } : 'polluted';
        const text = writeJson(object, (p) => (p.join('.') === target.join('.') ? [[key, value]] : undefined));
        add('proto-keys', `${objectName} ${key} at .${target.join('.')}`, list(NAMESPACE_JSON, text));
      }
    }
  }
  for (const key of PROTO_KEYS) {
    add('proto-keys', `yaml ${key} as object key`, `${key}: {polluted: yes}\napiVersion: v1\nkind: Namespace\nmetadata: {name: a, ${key}: {polluted: yes}, labels: {${key}: x}}\n`);
    add('proto-keys', `yaml ${key} as kind`, `apiVersion: v1\nkind: ${key}\nmetadata: {name: a}\n`);
    add('proto-keys', `yaml ${key} in merge`, `x: &x {${key}: {polluted: yes}}\napiVersion: v1\nkind: Namespace\nmetadata: {<<: *x, name: a}\n`);
    add('proto-keys', `${key} as a label key and namespace name`, `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${key}, labels: {${key}: ${key}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${key}, namespace: ${key}}\nspec: {podSelector: {matchLabels: {${key}: x}}}\n`);
  }

  // Duplicate keys at every mapping.
  for (const [objectName, object] of [['np', NP_OBJECT], ['anp', ANP_OBJECT]] as const) {
    for (const [path, value] of walk(object)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      const first = Object.keys(value)[0];
      if (first === undefined) continue;
      const text = writeJson(object, (p) => (p.join('.') === path.join('.') ? [[first, (value as Record<string, unknown>)[first]]] : undefined));
      add('duplicate-keys', `${objectName} duplicate ${first} at .${path.join('.')}`, list(NAMESPACE_JSON, text));
    }
  }
  add('duplicate-keys', 'yaml duplicate kind', 'apiVersion: v1\nkind: Namespace\nkind: Pod\nmetadata: {name: a}\n');
  add('duplicate-keys', 'duplicate objects', `${NAMESPACE_JSON}\n---\n${NAMESPACE_JSON}\n`);

  // Huge strings and numbers.
  const MiB = 1024 * 1024;
  for (const [field, size] of [['name', MiB], ['namespace', 64 * 1024], ['label value', 100_000], ['label key', 100_000], ['kind', MiB], ['apiVersion', 10_000], ['cidr', 100_000]] as const) {
    const big = 'a'.repeat(size);
    const metadata = field === 'name' ? { name: big, namespace: 'ns1' } : field === 'namespace' ? { name: 'x', namespace: big } : field === 'label value' ? { name: 'x', labels: { k: big } } : field === 'label key' ? { name: 'x', labels: { [big]: 'v' } } : { name: 'x' };
    const object = {
      ...NP_OBJECT,
      apiVersion: field === 'apiVersion' ? big : NP_OBJECT.apiVersion,
      kind: field === 'kind' ? big : NP_OBJECT.kind,
      metadata,
      spec: field === 'cidr' ? { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: big } }] }] } : NP_OBJECT.spec,
    };
    add('huge', `huge ${field} (${size})`, JSON.stringify(object));
  }
  const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  add('huge', '3,000 labels', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: labels(3_000) } }));
  // Refused by maxMappingEntries before the (quadratic) duplicate-key check composes it.
  add('huge', '100,000 labels', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: labels(100_000) } }));
  add('huge', '5,000 ingress rules', JSON.stringify({ ...NP_OBJECT, spec: { podSelector: {}, ingress: Array.from({ length: 5000 }, () => ({})) } }));
  add('huge', '5,000 ports', JSON.stringify({ ...NP_OBJECT, spec: { podSelector: {}, ingress: [{ ports: Array.from({ length: 5000 }, (_, i) => ({ port: (i % 65535) + 1 })) }] } }));
  add('huge', '5,000 values', JSON.stringify({ ...NP_OBJECT, spec: { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: Array.from({ length: 5000 }, (_, i) => `v${i}`) }] } } }));
  add('huge', '2,000 except', JSON.stringify({ ...NP_OBJECT, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: Array.from({ length: 2000 }, (_, i) => `10.${i % 256}.${Math.floor(i / 256)}.0/24`) } }] }] } }));
  add('huge', '20,000 documents', Array.from({ length: 20_000 }, (_, i) => `kind: Thing\napiVersion: x/v1\nmetadata: {name: t${i}}`).join('\n---\n'));
  add('huge', '5,000 namespaces', Array.from({ length: 5000 }, (_, i) => `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n${i}"}}`).join('\n---\n'));
  for (const number of ['1e309', '-1e309', '9'.repeat(100_000), '1' + '0'.repeat(400), '9007199254740993', '-0', '0x50', '0o120', '.inf', '-.inf', '.nan', '1_000', '80.0', '8e1', '1e-400', '0.1e2']) {
    add('huge', `number ${number.slice(0, 20)} as port`, `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"x","namespace":"a"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":${number}}]}]}}`);
    add('huge', `number ${number.slice(0, 20)} as yaml priority`, `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: x}\nspec:\n  priority: ${number}\n  subject: {namespaces: {}}\n`);
  }

  // Invalid UTF-8 (raw bytes) and awkward code points (valid text).
  const badSequences: [string, number[]][] = [
    ['0xff', [0xff]],
    ['0xfe', [0xfe]],
    ['lone continuation', [0x80]],
    ['truncated 2-byte', [0xc3]],
    ['truncated 3-byte', [0xe2, 0x82]],
    ['overlong slash', [0xc0, 0xaf]],
    ['encoded surrogate', [0xed, 0xa0, 0x80]],
    ['over U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['utf-16 bom', [0xff, 0xfe]],
  ];
  for (const [name, fixture] of [['np', NP_YAML], ['demo', DEMO_YAML], ['anpJson', FIXTURES.anpJson!]] as const) {
    const bytes = utf8(fixture);
    for (const [badName, bad] of badSequences) {
      const at = Math.floor(random() * bytes.length);
      out.push({ category: 'invalid-utf8', name: `${name} ${badName} at ${at}`, bytes: concatBytes(bytes.slice(0, at), new Uint8Array(bad), bytes.slice(at)) });
    }
  }
  for (const [text, what] of [['\uD800', 'lone surrogate'], ['\u0000', 'NUL'], ['\u202E', 'RTL override'], ['\uFFFE', 'noncharacter'], ['\u0085', 'NEL'], ['\u2028', 'line separator'], ['😀', 'emoji']] as const) {
    add('code-points', `${what} in name and label`, `apiVersion: v1\nkind: Namespace\nmetadata: {name: "a${text}", labels: {"k${text}": "v${text}"}}\n`);
  }

  // Mutations: every node of a valid NetworkPolicy, AdminNetworkPolicy and Pod, deleted or replaced.
  for (const [objectName, object, extra] of [['np', NP_OBJECT, NAMESPACE_JSON], ['anp', ANP_OBJECT, undefined], ['pod', POD_OBJECT, NAMESPACE_JSON]] as const) {
    for (const [path, value] of walk(object)) {
      if (path.length === 0) continue;
      const at = `.${path.join('.')}`;
      const items = (mutated: unknown): string => list(...(extra ? [extra] : []), writeJson(mutated));
      add('mutation', `${objectName} delete ${at}`, items(replaceAt(object, path, DELETE)));
      for (const [wrongName, wrong] of WRONG_VALUES) {
        if (JSON.stringify(wrong) === JSON.stringify(value)) continue;
        // Keep the corpus bounded: every wrong value for leaves, a seeded half for inner nodes.
        if (typeof value === 'object' && value !== null && random() < 0.5) continue;
        add('mutation', `${objectName} ${at} = ${wrongName}`, items(replaceAt(object, path, wrong)));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Flows

const GOOD_ENDPOINTS: readonly unknown[] = ['ns3/frontend', 'ns1/web', '10.1.1.10', '203.0.113.9', '2001:db8::1', { namespace: 'ns3', labels: { app: 'frontend' } }, 'ns1/deployment/api'];

const BAD_PORTS: readonly unknown[] = [0, 65536, -1, 1.5, '80', ' 80', '080', '0x50', '1e2', 1e309 /* Infinity -> null in JSON */, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, -0, true, [], [80], {}, { port: 80 }, 'http', '', null, '65536', '99999'];

const BAD_ENDPOINTS: readonly unknown[] = [
  '', ' ', '/', 'ns1/', '/web', 'ns1/web/x/y', 'NS1/web', 'ns1/WEB', 'ns1//web', '999.1.1.1', '10.1.1', '10.1.1.1.1', '010.1.1.1',
  '10.1.1.10/32', '::ffff:10.1.1.10', '::1::', 'fe80::1%eth0', '1.2.3.-4', '-1', 'a'.repeat(70) + '/web', 'ns1/' + 'a'.repeat(300),
  '__proto__/constructor', 'constructor', 'ns1/pod/web', 'ns1/Deployment/api', 42, true, [], ['ns1/web'], { namespace: 'ns1', labels: 'app=web' },
  { namespace: 'NS', labels: {} }, { namespace: '' }, { namespace: 42 }, { labels: { app: 'web' } }, { namespace: 'ns1', labels: { app: { nested: 'x' } } },
  { namespace: 'ns1', labels: { app: ['x'] } }, { namespace: 'ns1', labels: { 'bad key!': 'x' } }, { namespace: 'ns1', labels: { app: 'bad value!' } },
  { namespace: 'ns1', labels: { app: 'a'.repeat(64) } }, { namespace: 'ns1', ports: 'http' }, { namespace: 'ns1', ports: [{ port: 0 }] },
  { namespace: 'ns1', ports: [{ name: 'http', port: 80, protocol: 'ICMP' }] }, { namespace: 'ns1', ports: [{ name: 42, port: 80 }] },
  { namespace: 'ns1', ports: [null] }, { namespace: 'ns1', ports: Array.from({ length: 65 }, (_, i) => ({ port: i + 1 })) },
  { namespace: { namespace: 'ns1' } },
];

const BAD_PROTOCOLS: readonly unknown[] = ['ICMP', 'tcp ', '', 'T C P', 6.0, 1, 0, -6, 256, 'SCTP\u0000', true, [], {}, ['TCP'], 'constructor', '__proto__', 'toString'];

export function flowCorpus(seed = 0xf10e): FlowInput[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const out: FlowInput[] = [];
  const add = (category: string, name: string, line: string): void => {
    out.push({ category, name, line });
  };
  const flow = (src: unknown, dst: unknown, port: unknown, protocol?: unknown): string =>
    writeJson({ src, dst, ...(protocol === undefined ? {} : { protocol }), port });

  for (const port of BAD_PORTS) add('flow-port', `port ${JSON.stringify(port)}`, flow('ns3/frontend', 'ns1/web', port));
  for (const protocol of BAD_PROTOCOLS) add('flow-protocol', `protocol ${JSON.stringify(protocol)}`, flow('ns3/frontend', 'ns1/web', 80, protocol));
  for (const endpoint of BAD_ENDPOINTS) {
    add('flow-endpoint', `src ${JSON.stringify(endpoint).slice(0, 40)}`, flow(endpoint, 'ns1/web', 80));
    add('flow-endpoint', `dst ${JSON.stringify(endpoint).slice(0, 40)}`, flow('ns3/frontend', endpoint, 80));
  }
  for (const key of PROTO_KEYS) {
    add('flow-proto-keys', `${key} at top`, `{"${key}":{"polluted":"yes"},"src":"ns3/frontend","dst":"ns1/web","port":80}`);
    add('flow-proto-keys', `${key} as src`, `{"src":"ns3/frontend","dst":"ns1/web","port":80,"${key}":{"port":1}}`);
    add('flow-proto-keys', `${key} in labels`, `{"src":{"namespace":"ns3","labels":{"${key}":{"polluted":"yes"}}},"dst":"ns1/web","port":80}`);
    add('flow-proto-keys', `${key} as label key`, `{"src":{"namespace":"ns3","labels":{"${key}":"x"}},"dst":"ns1/web","port":80}`);
    add('flow-proto-keys', `${key} in endpoint`, `{"src":{"namespace":"ns3","${key}":{"labels":{"a":"b"}}},"dst":"ns1/web","port":80}`);
    add('flow-proto-keys', `${key} in ports`, `{"src":{"namespace":"ns3","ports":[{"${key}":{"port":80},"port":80}]},"dst":"ns1/web","port":80}`);
  }
  add('flow-duplicate-keys', 'duplicate port', '{"src":"ns3/frontend","dst":"ns1/web","port":80,"port":0}');
  add('flow-duplicate-keys', 'duplicate src', '{"src":"ns3/frontend","src":"ns1/web","dst":"ns1/web","port":80}');
  for (const size of [10, 200, 1000, 5000]) {
    const labels = Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}.example.com/key-${i}`, `v${i}`]));
    add('flow-huge', `${size} ad-hoc labels`, flow({ namespace: 'ns3', labels }, 'ns1/web', 80));
  }
  add('flow-huge', '60 KiB string endpoint', flow('a'.repeat(60 * 1024), 'ns1/web', 80));
  add('flow-huge', '10k-digit port', `{"src":"ns3/frontend","dst":"ns1/web","port":${'9'.repeat(10_000)}}`);
  add('flow-huge', 'deep nesting in src', `{"src":${nested(5000, '{"a":', '}')},"dst":"ns1/web","port":80}`);
  add('flow-huge', 'deep nesting in labels', `{"src":{"namespace":"ns3","labels":${nested(2000, '{"a":', '}', '"x"')}},"dst":"ns1/web","port":80}`);
  for (const line of ['', ' ', 'null', 'true', '42', '"ns1/web"', '[]', '[{"src":"ns3/frontend","dst":"ns1/web","port":80}]', '{}', '{"src":', 'not json', '{"src":"ns3/frontend","dst":"ns1/web","port":80}garbage', '\uFEFF{"src":"ns3/frontend","dst":"ns1/web","port":80}', '{\'src\':1}', '{"src":"ns3/frontend","dst":"ns1/web","port":NaN}', '{"src":"ns3/frontend","dst":"ns1/web","port":Infinity}', '{"src":"\\ud800","dst":"ns1/web","port":80}', '{"src":"ns3/frontend\\u0000","dst":"ns1/web","port":80}']) {
    add('flow-malformed', `literal ${JSON.stringify(line).slice(0, 40)}`, line);
  }
  for (const line of FLOWS_NDJSON.split('\n')) {
    for (let offset = 0; offset < line.length; offset += 4) add('flow-truncated', `${line.slice(0, 20)}[0:${offset}]`, line.slice(0, offset));
  }
  // Seeded combinations of good and bad parts.
  const srcs = [...GOOD_ENDPOINTS, ...BAD_ENDPOINTS];
  const ports: unknown[] = [80, 443, 53, 65535, 1, ...BAD_PORTS];
  const protocols: unknown[] = [undefined, 'TCP', 'udp', 'Sctp', 6, 17, 132, ...BAD_PROTOCOLS];
  for (let i = 0; i < 250; i++) {
    const src = pick(srcs);
    const dst = pick(srcs);
    const port = pick(ports);
    const protocol = pick(protocols);
    const extra = random() < 0.2 ? { note: pick([{ deep: [1, { x: null }] }, 'x'.repeat(1000), 12]) } : {};
    add('flow-seeded', `seeded ${i}`, writeJson({ src, dst, ...(protocol === undefined ? {} : { protocol }), port, ...extra }));
  }
  return out;
}
