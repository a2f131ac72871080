/**
 * `netpol-edge replay --baseline-version` and `--baseline-url` against `wrangler dev`: the staged
 * change as the active version, the current bundle as an older version (and as a bundle of its
 * own); the report equals the local one, unused and shadowed rules included (read from the service's
 * GET .../rules for the version that answered). `replay --rules` alone too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BaselineReportJSON } from '../../src/replay/baseline-summary.js';
import { ROOT, startWrangler, type DevServer } from '../../scripts/wrangler-dev.js';

const ADMIN = 'baseline-admin-token';
const QUERY = 'baseline-query-token';
const LOGS = 'test/fixtures/flowlogs';
const current = readFileSync(join(ROOT, LOGS, 'cluster.yaml'), 'utf8');
const staged = `${current}\n---\n${readFileSync(join(ROOT, LOGS, 'staged-change.yaml'), 'utf8')}`;

function replay(args: string[]): { code: number | null; report: BaselineReportJSON; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/netpol-edge.js'), 'replay', '-q', '--summary', 'json', ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: result.status, report: JSON.parse(result.stdout || 'null') as BaselineReportJSON, stderr: result.stderr };
}

describe('netpol-edge replay --baseline-version against a running service', () => {
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  it('gives the local report, from one compare request per batch or from two bundles', async () => {
    server = await startWrangler({ stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-baseline-')), vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    const put = async (name: string, body: string): Promise<string> => {
      const response = await fetch(`${server!.url}/v1/bundles/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' },
        body,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { version: string }).version;
    };
    const old = await put('shop', current);
    await put('shop', staged); // the active version now
    await put('shop-current', current);

    const local = replay(['--bundle', `${LOGS}/cluster.yaml`, '--bundle', `${LOGS}/staged-change.yaml`, '--baseline', `${LOGS}/cluster.yaml`, `${LOGS}/flows.csv`]);
    expect(local.code, local.stderr).toBe(3);
    const url = `${server.url}/v1/bundles/shop`;
    const compared = replay(['--url', url, '--token', QUERY, '--baseline-version', old, `${LOGS}/flows.csv`]);
    const twoBundles = replay(['--url', url, '--token', QUERY, '--baseline-url', `${server.url}/v1/bundles/shop-current`, `${LOGS}/flows.csv`]);
    for (const remote of [compared, twoBundles]) {
      expect(remote.code, remote.stderr).toBe(3);
      expect(remote.report).toEqual(local.report);
    }
    expect(compared.report.changes.break.flows).toBe(1);
    expect(local.report.shadowedRules?.length).toBeGreaterThan(0);
    expect(local.report.unusedRules?.length).toBeGreaterThan(0);

    // A single replay with --rules: the same rule lists from the service as from the manifests.
    const single = (args: string[]) => replay(['--rules', ...args, `${LOGS}/flows.csv`]);
    const localRules = single(['--bundle', `${LOGS}/cluster.yaml`, '--bundle', `${LOGS}/staged-change.yaml`]);
    const remoteRules = single(['--url', url, '--token', QUERY]);
    expect(remoteRules.report).toEqual(localRules.report);
    expect(remoteRules.report.shadowedRules).toEqual(local.report.shadowedRules);

    const unknown = replay(['--url', url, '--token', QUERY, '--baseline-version', 'sha256:0000', `${LOGS}/flows.csv`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/404 no-version/);
  }, 180_000);
});
