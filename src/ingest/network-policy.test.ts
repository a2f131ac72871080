/**
 * NetworkPolicy validation and defaulting, rule by rule against upstream
 * (pkg/apis/networking/validation/validation.go, metav1 ValidateLabelSelector, util/validation) and
 * pkg/apis/networking/v1/defaults.go. Cases are YAML whose expected diagnostics are written on the
 * line they must point at: `# error: <code> <path> ["message part"]` or `# warning: ...`, several
 * separated by `|`. Each case asserts the exact set: every error of an object, none missing, none extra.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '../model/bundle.js';
import { formatCIDR } from '../net/ip.js';
import { ingestObjects, ingestSources, type IngestResult } from './bundle.js';
import type { Diagnostic, ObjectRef } from './diagnostics.js';
import { LIMITS } from './limits.js';

const FILE = 'policies.yaml';
const NAMESPACE_DOC = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n';
const POLICY_REF: ObjectRef = { kind: 'NetworkPolicy', namespace: 'prod', name: 'np' };

interface Expected {
  severity: string;
  code: string;
  path: string;
  line: number;
  message?: string;
}

const MARKER = /#\s*((?:error|warning):.*)$/;
const ENTRY = /^\s*(error|warning):\s*(\S+)\s+(\S+)(?:\s+"(.*)")?\s*$/;

/** Reads the `# error: ...` markers of a text; lines are 1-based. */
function expectedFrom(text: string): Expected[] {
  const expected: Expected[] = [];
  text.split('\n').forEach((line, i) => {
    const marker = MARKER.exec(line);
    if (!marker) return;
    for (const entry of marker[1]!.split('|')) {
      const [, severity, code, path, message] = ENTRY.exec(entry)!;
      expected.push({ severity: severity!, code: code!, path: path!, line: i + 1, message: message?.replace(/\\"/g, '"') });
    }
  });
  return expected;
}

/** A Namespace then the policy (document 2), so no implicit-namespace warning mixes in. */
function policyText(spec: string, metadata = 'name: np\nnamespace: prod'): string {
  return (
    `${NAMESPACE_DOC}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n` +
    `metadata:\n${indent(metadata)}\nspec:\n${indent(spec)}\n`
  );
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/**
 * Ingests `text` and asserts its diagnostics are exactly the markers: severity, code, path, line,
 * object reference, file and document index.
 */
function check(text: string, ref: ObjectRef = POLICY_REF, document = 2): IngestResult {
  const result = ingestSources([{ name: FILE, text }]);
  const found = result.diagnostics.filter((d) => !isLint(d));
  const expected = expectedFrom(text);
  const key = (d: { severity: string; code: string; path?: string; line?: number }) =>
    `${d.line}:${d.severity}:${d.code}:${d.path}`;
  expect(found.map((d) => key({ ...d, line: d.location?.line })).sort()).toEqual(expected.map(key).sort());
  for (const d of found) {
    expect(d.object).toEqual(ref);
    expect(d.location).toMatchObject({ file: FILE, document });
  }
  // Each expected message part is in a different diagnostic of the same line, severity, code and path.
  const unmatched = [...found];
  for (const e of expected.filter((e) => e.message !== undefined)) {
    const i = unmatched.findIndex((d) => key({ ...d, line: d.location?.line }) === key(e) && d.message.includes(e.message!));
    expect(i, `no ${key(e)} diagnostic says ${JSON.stringify(e.message)}`).toBeGreaterThanOrEqual(0);
    unmatched.splice(i, 1);
  }
  if (expected.some((e) => e.severity === 'error')) expect(result.bundle).toBeUndefined();
  else expect(result.bundle).toBeDefined();
  return result;
}

/** lint.ts's warnings about the whole bundle: they have no source line. */
function isLint(d: Diagnostic): boolean {
  return d.code === 'suspicious' && d.location === undefined;
}

/** The one policy of a valid bundle. */
function onlyPolicy(result: IngestResult): NetworkPolicy {
  expect(result.bundle?.policies).toHaveLength(1);
  return result.bundle!.policies[0]!;
}

function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

describe('NetworkPolicyPort', () => {
  it('rejects a protocol other than TCP, UDP or SCTP, case-sensitively', () => {
    check(
      policyText(`
ingress:
  - ports:
      - protocol: ICMP # error: unsupported spec.ingress[0].ports[0].protocol "supported values: \\"TCP\\", \\"UDP\\", \\"SCTP\\""
        port: 80
      - protocol: tcp # error: unsupported spec.ingress[0].ports[1].protocol
egress:
  - ports:
      - protocol: ICMP # error: unsupported spec.egress[0].ports[0].protocol
`),
    );
  });

  it('rejects port numbers outside 1-65535', () => {
    check(
      policyText(`
ingress:
  - ports:
      - port: 0 # error: invalid spec.ingress[0].ports[0].port "Invalid value: 0: must be between 1 and 65535, inclusive"
      - port: 65536 # error: invalid spec.ingress[0].ports[1].port "must be between 1 and 65535, inclusive"
      - port: -1 # error: invalid spec.ingress[0].ports[2].port "must be between 1 and 65535, inclusive"
      - port: 123456789 # error: invalid spec.ingress[0].ports[3].port
      - port: 65535
      - port: 1
egress:
  - ports:
      - protocol: TCP
        port: 123456789 # error: invalid spec.egress[0].ports[0].port
`),
    );
  });

  it('rejects bad named ports with every problem upstream IsValidPortName lists', () => {
    check(
      policyText(`
ingress:
  - ports:
      - port: abcdefghijklmnop # error: invalid spec.ingress[0].ports[0].port "must be no more than 15 characters"
      - port: HTTP # error: invalid spec.ingress[0].ports[1].port "only alpha-numeric" | error: invalid spec.ingress[0].ports[1].port "at least one letter"
      - port: "8080" # error: invalid spec.ingress[0].ports[2].port "at least one letter"
      - port: web--api # error: invalid spec.ingress[0].ports[3].port "consecutive hyphens"
      - port: -web # error: invalid spec.ingress[0].ports[4].port "must not begin or end with a hyphen"
      - port: web- # error: invalid spec.ingress[0].ports[5].port "must not begin or end with a hyphen"
      - port: "!@#$" # error: invalid spec.ingress[0].ports[6].port "only alpha-numeric" | error: invalid spec.ingress[0].ports[6].port "at least one letter"
      - port: abcdefghijklmno
      - port: dns-tcp
        protocol: UDP
`),
    );
  });

  it('checks endPort as upstream does', () => {
    const result = check(
      policyText(`
ingress:
  - ports:
      - endPort: 90 # error: invalid spec.ingress[0].ports[0].endPort "may not be specified when \`port\` is not specified"
      - port: http
        endPort: 90 # error: invalid spec.ingress[0].ports[1].endPort "may not be specified when \`port\` is non-numeric"
      - port: 80
        endPort: 79 # error: invalid spec.ingress[0].ports[2].endPort "must be greater than or equal to \`port\`"
      - port: 80
        endPort: 70000 # error: invalid spec.ingress[0].ports[3].endPort "must be between 1 and 65535, inclusive"
      - port: 80
        endPort: 0 # error: invalid spec.ingress[0].ports[4].endPort "greater than or equal" | error: invalid spec.ingress[0].ports[4].endPort "between 1 and 65535"
      - port: 80
        endPort: 80
      - port: 32000
        endPort: 32768
`),
    );
    expect(errors(result.diagnostics)).toHaveLength(6);
  });

  it('defaults protocol to TCP and reads port ranges', () => {
    const policy = onlyPolicy(
      check(
        policyText(`
ingress:
  - ports:
      - port: 80
      - {}
      -
      - protocol: UDP
      - port: 32000
        endPort: 32768
        protocol: SCTP
      - port: metrics
`),
      ),
    );
    expect(policy.ingress[0]!.ports).toEqual([
      { kind: 'range', protocol: 'TCP', from: 80, to: 80 },
      { kind: 'all', protocol: 'TCP' },
      { kind: 'all', protocol: 'TCP' },
      { kind: 'all', protocol: 'UDP' },
      { kind: 'range', protocol: 'SCTP', from: 32000, to: 32768 },
      { kind: 'named', protocol: 'TCP', name: 'metrics' },
    ]);
  });

  it('reads absent or empty ports and peers as "everything"', () => {
    const policy = onlyPolicy(check(policyText('ingress:\n  - {}\n  - from: []\n    ports: []\n  -\n')));
    expect(policy.ingress).toEqual([
      { peers: null, ports: null },
      { peers: null, ports: null },
      { peers: null, ports: null },
    ]);
  });
});

describe('NetworkPolicyPeer', () => {
  it('requires a peer to name at least one field', () => {
    check(
      policyText(`
ingress:
  - from:
      - {} # error: required spec.ingress[0].from[0] "Required value: must specify a peer"
      -  # error: required spec.ingress[0].from[1] "must specify a peer"
egress:
  - to:
      - {} # error: required spec.egress[0].to[0] "must specify a peer"
`),
    );
  });

  it('forbids ipBlock together with a selector', () => {
    check(
      policyText(`
ingress:
  - from:
      - namespaceSelector: # error: forbidden spec.ingress[0].from[0] "Forbidden: may not specify both ipBlock and another peer"
          matchLabels: {c: d}
        ipBlock:
          cidr: 192.168.0.0/16
          except: [192.168.3.0/24, 192.168.4.0/24]
egress:
  - to:
      - podSelector: # error: forbidden spec.egress[0].to[0] "may not specify both ipBlock and another peer"
          matchLabels: {c: d}
        ipBlock:
          cidr: 192.168.0.0/16
`),
    );
  });

  it('validates every field of a peer that mixes ipBlock and a selector', () => {
    check(
      policyText(`
ingress:
  - from:
      - podSelector: # error: forbidden spec.ingress[0].from[0]
          matchLabels:
            bad+key: x # error: invalid spec.ingress[0].from[0].podSelector.matchLabels.bad+key
        namespaceSelector:
          matchExpressions:
            - key: team # error: required spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values
              operator: In
        ipBlock:
          cidr: 10.0.0.0/33 # error: invalid spec.ingress[0].from[0].ipBlock.cidr
`),
    );
  });

  it('reads podSelector and namespaceSelector in one peer as their intersection', () => {
    const policy = onlyPolicy(
      check(
        policyText(`
ingress:
  - from:
      - namespaceSelector: {matchLabels: {c: d}}
        podSelector: {matchLabels: {e: f}}
      - podSelector: {}
      - namespaceSelector: {}
`),
      ),
    );
    const peers = policy.ingress[0]!.peers!;
    expect(peers).toHaveLength(3);
    expect(peers[0]).toMatchObject({ kind: 'pods', namespaceSelector: { matchLabels: { c: 'd' } } });
    expect(peers[0]).toMatchObject({ podSelector: { matchLabels: { e: 'f' } } });
    expect(peers[1]).toMatchObject({ kind: 'pods', namespaceSelector: null, podSelector: { matchExpressions: [] } });
    expect(peers[2]).toMatchObject({ kind: 'pods', namespaceSelector: { matchExpressions: [] } });
  });
});

describe('IPBlock', () => {
  it('requires cidr', () => {
    check(
      policyText(`
ingress:
  - from:
      - ipBlock:
          except: [192.168.8.0/24, 192.168.9.0/24] # error: required spec.ingress[0].from[0].ipBlock.cidr
      - ipBlock:
          cidr: "" # error: required spec.ingress[0].from[1].ipBlock.cidr
      - ipBlock:
          cidr: # error: required spec.ingress[0].from[2].ipBlock.cidr
`),
    );
  });

  it('rejects invalid CIDRs', () => {
    check(
      policyText(`
ingress:
  - from:
      - ipBlock: {cidr: 192.168.5.6} # error: invalid spec.ingress[0].from[0].ipBlock.cidr "must be a valid CIDR value"
      - ipBlock: {cidr: "fd00:192:168::"} # error: invalid spec.ingress[0].from[1].ipBlock.cidr
      - ipBlock: {cidr: 10.0.0.0/33} # error: invalid spec.ingress[0].from[2].ipBlock.cidr
      - ipBlock: {cidr: 300.0.0.0/8} # error: invalid spec.ingress[0].from[3].ipBlock.cidr
      - ipBlock: {cidr: 010.0.0.0/8} # error: invalid spec.ingress[0].from[4].ipBlock.cidr
      - ipBlock: {cidr: 10.0.0.0/08} # error: invalid spec.ingress[0].from[5].ipBlock.cidr
      - ipBlock: {cidr: "fd00::/129"} # error: invalid spec.ingress[0].from[6].ipBlock.cidr
      - ipBlock: {cidr: "1.2.3.4::/64"} # error: invalid spec.ingress[0].from[7].ipBlock.cidr
      - ipBlock: {cidr: "1.2.3.4::5/128"} # error: invalid spec.ingress[0].from[8].ipBlock.cidr
      - ipBlock: {cidr: " 10.0.0.0/8"} # error: invalid spec.ingress[0].from[9].ipBlock.cidr
      - ipBlock: {cidr: "::ffff:10.0.0.0/104"} # error: invalid spec.ingress[0].from[10].ipBlock.cidr "IPv4-mapped"
      - ipBlock: {cidr: "0.0.0.0/0"}
      - ipBlock: {cidr: "::/0"}
`),
    );
  });

  it('rejects an except that is invalid, or not strictly inside cidr, or of the other family', () => {
    check(
      policyText(`
ingress:
  - from:
      - ipBlock:
          cidr: 192.168.8.0/24
          except:
            - "" # error: invalid spec.ingress[0].from[0].ipBlock.except[0] "must be a valid CIDR value"
            - " " # error: invalid spec.ingress[0].from[0].ipBlock.except[1]
            -  # error: invalid spec.ingress[0].from[0].ipBlock.except[2]
      - ipBlock:
          cidr: 192.168.8.0/24
          except: [192.168.9.0/24] # error: invalid spec.ingress[0].from[1].ipBlock.except[0] "must be a strict subset of \`cidr\`"
      - ipBlock:
          cidr: 192.168.0.0/24
          except: [192.168.0.0/24] # error: invalid spec.ingress[0].from[2].ipBlock.except[0] "strict subset"
      - ipBlock:
          cidr: 10.0.0.0/16
          except: [10.0.0.0/8] # error: invalid spec.ingress[0].from[3].ipBlock.except[0] "strict subset"
      - ipBlock:
          cidr: 10.0.0.0/8
          except: ["fd00::/64"] # error: invalid spec.ingress[0].from[4].ipBlock.except[0] "strict subset"
      - ipBlock:
          cidr: "fd00:192:168:1::/64"
          except: ["fd00:192:168:2::/64"] # error: invalid spec.ingress[0].from[5].ipBlock.except[0] "strict subset"
      - ipBlock:
          cidr: "::/0"
          except: [10.0.0.0/8] # error: invalid spec.ingress[0].from[6].ipBlock.except[0] "strict subset"
`),
    );
  });

  it('accepts a CIDR with host bits set, with a warning, and masks it', () => {
    const result = check(
      policyText(`
ingress:
  - from:
      - ipBlock:
          cidr: 10.0.0.1/8 # warning: normalized spec.ingress[0].from[0].ipBlock.cidr "it is read as 10.0.0.0/8"
          except:
            - 10.1.2.3/16 # warning: normalized spec.ingress[0].from[0].ipBlock.except[0] "it is read as 10.1.0.0/16"
      - ipBlock:
          cidr: "fd00::1/64" # warning: normalized spec.ingress[0].from[1].ipBlock.cidr "it is read as fd00::/64"
`),
    );
    const [first, second] = onlyPolicy(result).ingress[0]!.peers!;
    expect(first!.kind === 'ipBlock' && formatCIDR(first!.cidr)).toBe('10.0.0.0/8');
    expect(first!.kind === 'ipBlock' && first!.except.map(formatCIDR)).toEqual(['10.1.0.0/16']);
    expect(second!.kind === 'ipBlock' && formatCIDR(second!.cidr)).toBe('fd00::/64');
  });

  it('reports an except with host bits outside cidr as a warning and an error', () => {
    check(
      policyText(`
ingress:
  - from:
      - ipBlock:
          cidr: 192.168.8.0/24
          except: [192.168.9.1/24] # warning: normalized spec.ingress[0].from[0].ipBlock.except[0] | error: invalid spec.ingress[0].from[0].ipBlock.except[0] "strict subset"
`),
    );
  });
});

describe('LabelSelector', () => {
  it('rejects unsupported operators and a missing key or operator', () => {
    check(
      policyText(`
podSelector:
  matchExpressions:
    - key: app
      operator: Equals # error: unsupported spec.podSelector.matchExpressions[0].operator "supported values: \\"In\\", \\"NotIn\\", \\"Exists\\", \\"DoesNotExist\\""
      values: [web]
    - key: app
      operator: in # error: unsupported spec.podSelector.matchExpressions[1].operator
      values: [web]
    - key: app # error: required spec.podSelector.matchExpressions[2].operator
    - operator: Exists # error: required spec.podSelector.matchExpressions[3].key
    -  # error: required spec.podSelector.matchExpressions[4]
`),
    );
  });

  it('requires values for In and NotIn and forbids them for Exists and DoesNotExist', () => {
    check(
      policyText(`
podSelector:
  matchExpressions:
    - {key: a, operator: In} # error: required spec.podSelector.matchExpressions[0].values "must be specified when \`operator\` is 'In' or 'NotIn'"
    - {key: a, operator: NotIn, values: []} # error: required spec.podSelector.matchExpressions[1].values
    - {key: a, operator: Exists, values: [x]} # error: forbidden spec.podSelector.matchExpressions[2].values "may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'"
    - {key: a, operator: DoesNotExist, values: [x]} # error: forbidden spec.podSelector.matchExpressions[3].values
    - {key: a, operator: Exists, values: []}
    - {key: a, operator: DoesNotExist}
`),
    );
  });

  it('rejects bad keys and values in matchExpressions', () => {
    const long = 'a'.repeat(64);
    check(
      policyText(`
podSelector:
  matchExpressions:
    - key: NoUppercaseOrSpecialCharsLike=Equals # error: invalid spec.podSelector.matchExpressions[0].key "name part must consist of"
      operator: Exists
    - key: Example.com/app # error: invalid spec.podSelector.matchExpressions[1].key "prefix part"
      operator: Exists
    - key: a/b/c # error: invalid spec.podSelector.matchExpressions[2].key "a qualified name must consist of"
      operator: Exists
    - key: /app # error: invalid spec.podSelector.matchExpressions[3].key "prefix part must be non-empty"
      operator: Exists
    - key: ${long} # error: invalid spec.podSelector.matchExpressions[4].key "no more than 63 characters"
      operator: Exists
    - key: app
      operator: In
      values:
        - -web # error: invalid spec.podSelector.matchExpressions[5].values[0] "a valid label must be an empty string or"
        - ${long} # error: invalid spec.podSelector.matchExpressions[5].values[1] "no more than 63 characters"
        - ok
    - key: example.com/My_Name.1
      operator: Exists
`),
    );
  });

  it('rejects bad keys and values in matchLabels, in every selector', () => {
    check(
      policyText(`
podSelector:
  matchLabels:
    NoUppercaseOrSpecialCharsLike=Equals: b # error: invalid spec.podSelector.matchLabels.NoUppercaseOrSpecialCharsLike=Equals "name part must consist of"
    app: bad value # error: invalid spec.podSelector.matchLabels.app "a valid label must be an empty string or"
    empty: ""
    nothing:
ingress:
  - from:
      - podSelector:
          matchLabels: {_x: v} # error: invalid spec.ingress[0].from[0].podSelector.matchLabels._x
      - namespaceSelector:
          matchLabels: {x: y-} # error: invalid spec.ingress[0].from[1].namespaceSelector.matchLabels.x
egress:
  - to:
      - podSelector:
          matchLabels: {"a/b/c": v} # error: invalid spec.egress[0].to[0].podSelector.matchLabels.a/b/c
`),
    );
  });

  it('makes selectors canonical: null values are "", values sorted and de-duplicated', () => {
    const policy = onlyPolicy(
      check(
        policyText(`
podSelector:
  matchLabels: {tier: }
  matchExpressions:
    - {key: app, operator: In, values: [web, api, web]}
    - {key: env, operator: NotIn, values: [~]}
`),
      ),
    );
    expect({ ...policy.podSelector.matchLabels }).toEqual({ tier: '' });
    expect(policy.podSelector.matchExpressions).toEqual([
      { key: 'app', operator: 'In', values: ['api', 'web'] },
      { key: 'env', operator: 'NotIn', values: [''] },
    ]);
  });
});

describe('policyTypes', () => {
  it('rejects more than two entries with one error, as upstream stops there', () => {
    check(policyText('policyTypes: [foo, bar, baz] # error: invalid spec.policyTypes "may not specify more than two policyTypes"'));
    check(policyText('policyTypes: [Ingress, Egress, Ingress] # error: invalid spec.policyTypes'));
  });

  it('rejects unknown types, case-sensitively, and null', () => {
    check(
      policyText(`
policyTypes:
  - foo # error: unsupported spec.policyTypes[0] "supported values: \\"Ingress\\", \\"Egress\\""
  - egress # error: unsupported spec.policyTypes[1]
`),
    );
    check(policyText('policyTypes:\n  - Ingress\n  -  # error: unsupported spec.policyTypes[1] "Unsupported value: \\"\\""'));
  });

  const cases: [string, string, boolean, boolean][] = [
    ['absent, no rules: Ingress', 'podSelector: {}', true, false],
    ['absent, ingress rules only: Ingress', 'ingress: [{}]', true, false],
    ['absent, egress rules: Ingress and Egress', 'egress: [{}]', true, true],
    ['absent, `egress: []` restricts nothing', 'egress: []', true, false],
    ['empty list: defaulted as absent', 'policyTypes: []\negress: [{}]', true, true],
    ['[Egress] without rules: all egress denied', 'policyTypes: [Egress]', false, true],
    ['[Ingress, Egress]', 'policyTypes: [Ingress, Egress]', true, true],
    ['[Egress, Egress]', 'policyTypes: [Egress, Egress]\negress: [{}]', false, true],
  ];
  for (const [name, spec, ingress, egress] of cases) {
    it(`defaults: ${name}`, () => {
      const policy = onlyPolicy(ingestSources([{ name: FILE, text: policyText(spec) }]));
      expect([policy.affectsIngress, policy.affectsEgress]).toEqual([ingress, egress]);
    });
  }

  it("warns about rules of a type that policyTypes leaves out (the article's example 4)", () => {
    const result = check(
      policyText(`
podSelector: {}
ingress:
  - {} # warning: suspicious spec.ingress "1 ingress rule but policyTypes does not list Ingress, so it is ignored; the policy denies all egress. Did you mean"
policyTypes:
  - Egress
`),
    );
    const policy = onlyPolicy(result);
    expect([policy.affectsIngress, policy.affectsEgress]).toEqual([false, true]);
    expect(policy.egress).toEqual([]);
    // And lint adds that the pods it isolates for egress cannot resolve names.
    expect(result.diagnostics.filter(isLint)).toEqual([expect.objectContaining({ object: POLICY_REF, path: 'spec.policyTypes' })]);
  });

  it('warns about egress rules under policyTypes [Ingress]', () => {
    check(
      policyText(`
egress:
  - {} # warning: suspicious spec.egress "2 egress rules but policyTypes does not list Egress, so they are ignored; the policy denies all ingress"
  - to: [{podSelector: {}}]
policyTypes: [Ingress]
`),
    );
  });
});

describe('strict decoding', () => {
  it('rejects unknown fields at every level', () => {
    check(
      policyText(
        `
podSelecter: {} # error: unknown-field spec.podSelecter "unknown field \\"podSelecter\\""
podSelector:
  matchLabel: {a: b} # error: unknown-field spec.podSelector.matchLabel
  matchExpressions:
    - {key: a, operator: Exists, value: [x]} # error: unknown-field spec.podSelector.matchExpressions[0].value
ingress:
  - form: [] # error: unknown-field spec.ingress[0].form
    ports:
      - protocl: UDP # error: unknown-field spec.ingress[0].ports[0].protocl
    from:
      - namespaceSelecter: {} # error: unknown-field spec.ingress[0].from[0].namespaceSelecter | error: required spec.ingress[0].from[0]
      - ipBlock:
          cidrs: 10.0.0.0/8 # error: unknown-field spec.ingress[0].from[1].ipBlock.cidrs | error: required spec.ingress[0].from[1].ipBlock.cidr
egress:
  - from: [] # error: unknown-field spec.egress[0].from
`,
        'name: np\nnamespace: prod\nlables: {a: b} # error: unknown-field metadata.lables',
      ),
    );
  });

  it('rejects unknown top-level fields', () => {
    check(
      `${NAMESPACE_DOC}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: prod}
specs: {} # error: unknown-field specs
`,
    );
  });

  it('reads a policy without spec as upstream does: every pod isolated for ingress', () => {
    const { bundle, diagnostics } = ingestSources([
      { name: FILE, text: `${NAMESPACE_DOC}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: prod}\n` },
    ]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(bundle!.policies[0]).toMatchObject({ affectsIngress: true, affectsEgress: false, ingress: [], egress: [] });
  });
});

describe('wrong types', () => {
  it('reports a value of the wrong type wherever it is, with what was found', () => {
    check(
      policyText(`
podSelector:
  matchLabels:
    a: 1 # error: type spec.podSelector.matchLabels.a "expected a string, found the number 1"
    b: true # error: type spec.podSelector.matchLabels.b
  matchExpressions:
    - key: c
      operator: Exists
      values: c # error: type spec.podSelector.matchExpressions[0].values "expected a list, found the string \\"c\\""
ingress:
  - ports:
      - port: true # error: type spec.ingress[0].ports[0].port "expected a port number or a port name"
      - port: [80] # error: type spec.ingress[0].ports[1].port
      - port: 1.5 # error: type spec.ingress[0].ports[2].port "expected an integer"
      - port: 99999999999 # error: invalid spec.ingress[0].ports[3].port "out of range for a 32-bit integer"
      - port: 80
        endPort: "90" # error: type spec.ingress[0].ports[4].endPort "expected an integer, found the string"
      - protocol: 6 # error: type spec.ingress[0].ports[5].protocol "expected a string"
    from:
      - podSelector: [] # error: type spec.ingress[0].from[0].podSelector "expected a mapping, found a list"
      - ipBlock: 10.0.0.0/8 # error: type spec.ingress[0].from[1].ipBlock "expected a mapping"
      - ipBlock: {cidr: 10} # error: type spec.ingress[0].from[2].ipBlock.cidr
      - ipBlock: {cidr: 10.0.0.0/8, except: 10.1.0.0/16} # error: type spec.ingress[0].from[3].ipBlock.except "expected a list"
      - namespaceSelector: {matchLabels: [a]} # error: type spec.ingress[0].from[4].namespaceSelector.matchLabels
      - namespaceSelector: {matchExpressions: {key: a}} # error: type spec.ingress[0].from[5].namespaceSelector.matchExpressions
  - [] # error: type spec.ingress[1] "expected a mapping, found a list"
  - from: {podSelector: {}} # error: type spec.ingress[2].from "expected a list, found a mapping"
    ports: "80" # error: type spec.ingress[2].ports
egress: {} # error: type spec.egress "expected a list, found a mapping"
policyTypes: Ingress # error: type spec.policyTypes
`),
    );
  });

  it('reports a spec that is not a mapping', () => {
    check(policyText('[]').replace('spec:\n  []', 'spec: [] # error: type spec "expected a mapping, found a list"'));
  });

  it('reads a port name that looks like a number as a name, as intstr does', () => {
    check(policyText('ingress:\n  - ports:\n      - port: "80" # error: invalid spec.ingress[0].ports[0].port "at least one letter"'));
  });
});

describe('metadata', () => {
  const unnamed: ObjectRef = { kind: 'NetworkPolicy', namespace: 'prod', name: undefined };

  it('requires a name', () => {
    check(policyText('podSelector: {}', 'namespace: prod # error: required metadata.name "name is required"'), unnamed);
    check(
      policyText('podSelector: {}', 'namespace: prod # error: required metadata.name "generateName is not supported"\ngenerateName: np-'),
      unnamed,
    );
  });

  it('requires metadata', () => {
    check(
      `${NAMESPACE_DOC}---
apiVersion: networking.k8s.io/v1 # error: required metadata | error: required metadata.name
kind: NetworkPolicy
spec: {}
`,
      { kind: 'NetworkPolicy', namespace: 'default', name: undefined },
    );
  });

  it('rejects a name that is not a DNS-1123 subdomain', () => {
    check(
      policyText('podSelector: {}', 'name: My_Policy # error: invalid metadata.name "lowercase RFC 1123 subdomain"\nnamespace: prod'),
      { ...POLICY_REF, name: 'My_Policy' },
    );
    const long = 'a'.repeat(254);
    check(
      policyText('podSelector: {}', `name: ${long} # error: invalid metadata.name "no more than 253 characters"\nnamespace: prod`),
      { ...POLICY_REF, name: long },
    );
    check(policyText('podSelector: {}', 'name: a.b-c.d\nnamespace: prod'), { ...POLICY_REF, name: 'a.b-c.d' });
  });

  it('rejects a namespace that is not a DNS-1123 label', () => {
    const text = policyText('podSelector: {}', 'name: np\nnamespace: Prod.x # error: invalid metadata.namespace "lowercase RFC 1123 label"');
    const result = ingestSources([{ name: FILE, text }]);
    const own = result.diagnostics.filter((d) => d.code !== 'implicit-namespace');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({
      severity: 'error',
      code: 'invalid',
      path: 'metadata.namespace',
      object: { kind: 'NetworkPolicy', namespace: 'Prod.x', name: 'np' },
      location: { file: FILE, document: 2, line: expectedFrom(text)[0]!.line },
    });
  });

  it('reports wrong types in metadata', () => {
    check(policyText('podSelector: {}', 'name: 5 # error: type metadata.name "expected a string, found the number 5"\nnamespace: prod'), {
      ...POLICY_REF,
      name: undefined,
    });
  });
});

describe('a policy with many problems', () => {
  it('reports all of them, not just the first', () => {
    const result = check(
      policyText(`
podSelector:
  matchLabels: {"a+b": c} # error: invalid spec.podSelector.matchLabels.a+b
ingress:
  - ports:
      - protocol: ICMP # error: unsupported spec.ingress[0].ports[0].protocol
        port: 0 # error: invalid spec.ingress[0].ports[0].port
      - endPort: 5 # error: invalid spec.ingress[0].ports[1].endPort
    from:
      - {} # error: required spec.ingress[0].from[0]
      - ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]} # error: invalid spec.ingress[0].from[1].ipBlock.except[0]
egress:
  - to: # warning: suspicious spec.egress "policyTypes does not list Egress"
      - podSelector:
          matchExpressions: [{key: k, operator: Exists, values: [v]}] # error: forbidden spec.egress[0].to[0].podSelector.matchExpressions[0].values
policyTypes: [Ingress, Sideways] # error: unsupported spec.policyTypes[1]
`),
    );
    expect(errors(result.diagnostics)).toHaveLength(8);
  });

  it('reports the problems of every policy of a stream, each with its document', () => {
    const text = `${NAMESPACE_DOC}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: one, namespace: prod}
spec:
  ingress: [{ports: [{port: 0}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: two, namespace: prod}
spec:
  egress: [{to: [{}]}]
`;
    const found = ingestSources([{ name: FILE, text }]).diagnostics;
    expect(found).toEqual([
      expect.objectContaining({
        severity: 'error',
        path: 'spec.ingress[0].ports[0].port',
        object: { kind: 'NetworkPolicy', namespace: 'prod', name: 'one' },
        location: expect.objectContaining({ file: FILE, document: 2, line: 10 }),
      }),
      expect.objectContaining({
        severity: 'error',
        path: 'spec.egress[0].to[0]',
        object: { kind: 'NetworkPolicy', namespace: 'prod', name: 'two' },
        location: expect.objectContaining({ file: FILE, document: 3, line: 16 }),
      }),
    ]);
  });
});

describe('limits', () => {
  it('refuses more rules, peers or ports than the limits allow, naming the limit', () => {
    const many = (n: number, item: unknown) => Array.from({ length: n }, () => item);
    const result = ingestObjects([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'np', namespace: 'prod' },
        spec: {
          ingress: many(LIMITS.maxRulesPerDirection + 1, {}),
          egress: [
            { to: many(LIMITS.maxPeersPerRule + 1, { podSelector: {} }), ports: many(LIMITS.maxPortsPerRule + 1, {}) },
          ],
        },
      },
    ]);
    expect(result.bundle).toBeUndefined();
    expect(errors(result.diagnostics).map((d) => [d.code, d.path])).toEqual([
      ['limit', 'spec.ingress'],
      ['limit', 'spec.egress[0].to'],
      ['limit', 'spec.egress[0].ports'],
    ]);
  });
});

describe('plain objects (no source text)', () => {
  it('report the same paths and references, without a location', () => {
    const result = ingestObjects([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'np', namespace: 'prod' },
        spec: { ingress: [{ ports: [{ port: 80, endPort: 79 }] }] },
      },
    ]);
    expect(errors(result.diagnostics)).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        message: 'Invalid value: 79: must be greater than or equal to `port`',
        object: POLICY_REF,
        path: 'spec.ingress[0].ports[0].endPort',
        location: undefined,
      },
    ]);
  });
});
