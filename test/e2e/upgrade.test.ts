/**
 * An upgrade of the image format under `wrangler dev`: versions are published, the server stops,
 * their stored images are rewritten in the Durable Object's SQLite file as an older core would
 * have left them (another format id, bytes of no layout of ours), one version loses its canonical
 * bundle as versions stored before they were kept did, and the server starts again. The first
 * version must answer exactly as before (recompiled, never decoded); the second must answer 503
 * version-needs-republish, be flagged, and be repaired by publishing it again. The SQLite file is
 * edited with the sqlite3 command-line tool (.ci/run installs Debian's sqlite3).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerFetch, ROOT, startWrangler, type DevServer } from '../../scripts/wrangler-dev.js';
import { HEADER, MAGIC } from '../../src/compile/layout.js';

const ADMIN = 'upgrade-admin-token';
const QUERY = 'upgrade-query-token';
const DEMO = ['examples/demo-cluster.yaml', 'examples/article/1-default-deny-ingress.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml']
  .map((f) => readFileSync(join(ROOT, f), 'utf8'))
  .join('\n---\n');
const FLOWS = [
  { src: 'ns3/frontend', dst: 'ns1/web', port: 80 },
  { src: 'ns2/search', dst: 'ns1/web', port: 80 },
  { src: '203.0.113.9', dst: 'ns3/frontend', port: 8080 },
  { src: { namespace: 'ns3', labels: { app: 'x' } }, dst: 'ns1/web', port: 80 },
];

function sqlite(database: string, statement: string): string {
  try {
    return execFileSync('sqlite3', [database, statement], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('this test edits the Durable Object store with the sqlite3 tool: apt-get install sqlite3 (.ci/run does)');
    }
    throw error;
  }
}

/** The SQLite file of the bundle store under wrangler's state directory. */
function storeDatabase(stateDir: string): string {
  const files = (readdirSync(stateDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.sqlite')).map((f) => join(stateDir, f));
  const stores = files.filter((f) => sqlite(f, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'canonical_bundles'") === '1');
  expect(stores, `one bundle store among ${files.join(', ')}`).toHaveLength(1);
  return stores[0]!;
}

/** An image header of FORMAT_VERSION 1 (every image before format ids), then bytes of no layout. */
function olderImageHex(length: number): string {
  const image = new Uint8Array(length);
  for (let i = 0; i < length; i++) image[i] = (i * 131 + 7) & 0xff;
  const view = new DataView(image.buffer);
  view.setUint32(HEADER.MAGIC, MAGIC, true);
  view.setUint32(HEADER.FORMAT_ID, 1, true);
  view.setUint32(HEADER.LENGTH, length, true);
  return Buffer.from(image).toString('hex');
}

describe('a core upgrade across a wrangler dev restart', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'netpol-edge-upgrade-'));
  let server: DevServer | undefined;
  afterAll(async () => server?.stop());

  const request = bearerFetch(() => server!, QUERY);
  const publish = async (name: string, manifests: string): Promise<{ status: number; version: string }> => {
    const response = await request(`/v1/bundles/${name}`, {
      method: 'PUT',
      token: ADMIN,
      headers: { 'content-type': 'application/yaml' },
      body: manifests,
    });
    return { status: response.status, version: ((await response.json()) as { version: string }).version };
  };
  const answers = async (name: string): Promise<unknown[]> => {
    const single = [];
    for (const flow of FLOWS) {
      const response = await request(`/v1/bundles/${name}/decide?explain=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(flow),
      });
      const { decisionId: _, ...answer } = (await response.json()) as Record<string, unknown>;
      single.push({ status: response.status, ...answer });
    }
    const batch = await request(`/v1/bundles/${name}/decide/batch?sides=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: FLOWS.map((f) => JSON.stringify(f)).join('\n'),
    });
    return [...single, batch.status, await batch.text()];
  };
  const versionInfo = async (name: string) =>
    ((await (await request(`/v1/bundles/${name}`)).json()) as { versions: { needsRepublish: boolean; image: { current: boolean } | null }[] })
      .versions[0];

  it('recompiles images of an older format and refuses, flags and repairs a version without its canonical bundle', async () => {
    server = await startWrangler({ stateDir, vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    const upgraded = await publish('upgraded', DEMO);
    const legacyManifests = `${DEMO}\n---\napiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: legacy, namespace: ns3}
spec: {podSelector: {}, ingress: [{}]}
`;
    const legacy = await publish('legacy', legacyManifests);
    expect([upgraded.status, legacy.status]).toEqual([201, 201]);
    const before = await answers('upgraded');
    const legacyBefore = await answers('legacy');
    expect(before.slice(0, FLOWS.length)).toContainEqual(expect.objectContaining({ status: 200, allowed: false }));
    await server.stop();

    const database = storeDatabase(stateDir);
    for (const version of [upgraded.version, legacy.version]) {
      const length = Number(sqlite(database, `SELECT SUM(length(data)) FROM images WHERE version = '${version}'`));
      sqlite(database, `DELETE FROM images WHERE version = '${version}'`);
      sqlite(database, `INSERT INTO images (version, seq, data) VALUES ('${version}', 0, X'${olderImageHex(length)}')`);
    }
    sqlite(database, `DELETE FROM canonical_bundles WHERE version = '${legacy.version}'`);

    server = await startWrangler({ stateDir, vars: { ADMIN_TOKEN: ADMIN, QUERY_TOKEN: QUERY } });
    expect(await versionInfo('upgraded')).toMatchObject({ needsRepublish: false, image: { current: false } });
    expect(await answers('upgraded')).toEqual(before);
    expect(await versionInfo('upgraded')).toMatchObject({ image: { current: true } });

    const refused = await answers('legacy');
    expect(refused[0]).toMatchObject({ status: 503, error: { code: 'version-needs-republish' } });
    expect(await versionInfo('legacy')).toMatchObject({ needsRepublish: true, image: { current: false } });
    expect(await publish('legacy', legacyManifests)).toEqual({ status: 200, version: legacy.version });
    expect(await versionInfo('legacy')).toMatchObject({ needsRepublish: false, image: { current: true } });
    expect(await answers('legacy')).toEqual(legacyBefore);
  }, 240_000);
});
