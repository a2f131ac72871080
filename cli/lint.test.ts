/** `netpol-edge lint`: shadowed rules and validate's warnings, with its exit codes. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const LOGS = 'test/fixtures/flowlogs';

function lint(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'netpol-edge.js'), 'lint', ...args], { input, encoding: 'utf8', cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('netpol-edge lint', () => {
  it('exits 0 on a bundle with nothing to say', () => {
    expect(lint([`${LOGS}/cluster.yaml`])).toMatchObject({ code: 0, stdout: '0 shadowed rules, 0 warnings\n' });
  });

  it('reports a shadowed rule, as text and as JSON, and exits 3', () => {
    const text = lint([`${LOGS}/cluster.yaml`, `${LOGS}/staged-change.yaml`]);
    expect(text.code).toBe(3);
    expect(text.stdout).toBe(
      'shadowed: AdminNetworkPolicy http-freeze ingress rule 1 (deny-http-from-prod) never decides: ' +
        'AdminNetworkPolicy http-freeze ingress rule 0 (deny-http) always decides first\n1 shadowed rule, 0 warnings\n',
    );
    const json = lint(['--json', `${LOGS}/cluster.yaml`, `${LOGS}/staged-change.yaml`]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: true,
      shadowedRules: [
        {
          kind: 'AdminNetworkPolicy', name: 'http-freeze', direction: 'ingress', rule: 1, ruleName: 'deny-http-from-prod',
          shadowedBy: [{ kind: 'AdminNetworkPolicy', name: 'http-freeze', direction: 'ingress', rule: 0, ruleName: 'deny-http' }],
        },
      ],
      diagnostics: [],
    });
  });

  it("reports validate's warnings (exit 3) and errors (exit 1)", () => {
    const noDNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lockdown, namespace: default}
spec: {podSelector: {}, policyTypes: [Egress]}
`;
    const warned = lint(['-'], noDNS);
    expect(warned.code).toBe(3);
    expect(warned.stdout).toMatch(/warning: NetworkPolicy default\/lockdown: .*cannot resolve names/);
    const invalid = lint(['-'], noDNS.replace('policyTypes: [Egress]', 'policyTypes: [Sideways]'));
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/invalid: fix the errors above/);
  });
});
