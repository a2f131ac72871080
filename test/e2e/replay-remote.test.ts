import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startWrangler, type DevServer } from '../../scripts/wrangler-dev.js';

const ADMIN = 'replay-admin-token';
const QUERY = 'replay-query-token';
const demo = ['examples/demo-cluster.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml']
  .map((f) => readFileSync(join(ROOT, f), 'utf8'))
  .join('\n---\n');

/** Observed verdicts against the demo bundle: line 3 was allowed but is now denied. */
const LOG = `src,dst,protocol,port,verdict
ns3/frontend,ns1/web,TCP,80,allowed
ns2/search,ns1/web,TCP,80,allowed
10.1.3.10,10.1.1.20,TCP,80,allowed
ns3/ghost,ns1/web,TCP,80,allowed
not,a,valid,line
ns1/web,ns2/search,ICMP,1,allowed
`;

function replay(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/netpol-edge.js'), 'replay', ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('netpol-edge replay against a running service', () => {
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  it('answers as the local replay does, and stops clearly on a refused token', async () => {
    server = await startWrangler({ stateDir: mkdtempSync(join(tmpdir(), 'netpol-edge-replay-')), vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    const published = await fetch(`${server.url}/v1/bundles/shop`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' },
      body: demo,
    });
    expect(published.status).toBe(201);
    const dir = mkdtempSync(join(tmpdir(), 'netpol-edge-log-'));
    const log = join(dir, 'flows.csv');
    writeFileSync(log, LOG);
    const bundleFiles = ['--bundle', join(ROOT, 'examples/demo-cluster.yaml'), '--bundle', join(ROOT, 'examples/article/5-ns1-from-ns3-tcp-80.yaml')];

    const remote = replay(['--url', `${server.url}/v1/bundles/shop`, '--token', QUERY, '--summary', 'json', log]);
    const local = replay([...bundleFiles, '--summary', 'json', log]);
    expect(remote.code, remote.stderr).toBe(3);
    expect(local.code, local.stderr).toBe(3);
    const report = JSON.parse(remote.stdout) as { totals: Record<string, number>; wouldBreak: { total: number } };
    expect(report.totals).toMatchObject({ records: 6, judged: 3, allowed: 2, denied: 1, unresolved: 1, malformed: 1, notApplicable: 1 });
    expect(report.wouldBreak.total).toBe(1);
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout));

    const refused = replay(['--url', `${server.url}/v1/bundles/shop`, '--token', 'wrong', log]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/403 forbidden/);
    const unknown = replay(['--url', `${server.url}/v1/bundles/nope`, '--token', QUERY, log]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/404 no-bundle/);
  }, 120_000);
});
