import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from './app.js';
import { bundleHash } from '../src/model/serialize.js';
import type { Env } from './env.js';
import { ApiError } from './errors.js';
import { MIGRATIONS, migrate } from './migrations.js';
import type { BundleStore } from './store.js';
import { canonicalBundle } from './stored-bundles.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const QUERY = { authorization: 'Bearer test-query-token' };
const testEnv = env as unknown as Env;
const stub = () => testEnv.BUNDLES.get(testEnv.BUNDLES.idFromName('bundles'));

async function call(path: string, init: RequestInit = {}, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), { ...testEnv, ...overrides }, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(response.status === 204 ? null : body, { status: response.status, headers: response.headers });
}

/** A bundle of its own per test (versions are content-addressed and shared between tests). */
function manifests(tag: string): string {
  return `# published as-is: this comment and layout must come back byte for byte
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: a}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${tag}, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]}
`;
}

/** The body as UTF-8 (Response.text() warns on a YAML content type). */
async function textOf(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

async function publish(name: string, body: string, type = 'application/yaml'): Promise<{ status: number; version: string }> {
  const response = await call(`/v1/bundles/${name}`, { method: 'PUT', headers: { ...ADMIN, 'content-type': type }, body });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return { status: response.status, version: ((await response.json()) as { version: string }).version };
}

interface VersionDescription {
  version: string;
  needsRepublish: boolean;
  manifests: { type: string; bytes: number } | null;
}

async function versionsOf(name: string): Promise<VersionDescription[]> {
  return ((await (await call(`/v1/bundles/${name}`, { headers: QUERY })).json()) as { versions: VersionDescription[] }).versions;
}

/** Makes a version look as one stored before canonical bundles and manifests were kept. */
async function forgetSources(version: string): Promise<void> {
  await runInDurableObject(stub(), (_: BundleStore, state) => {
    state.storage.sql.exec('DELETE FROM canonical_bundles WHERE version = ?', version);
    state.storage.sql.exec('DELETE FROM manifests WHERE version = ?', version);
    state.storage.sql.exec('UPDATE versions SET manifests_type = NULL, manifests_bytes = NULL WHERE version = ?', version);
  });
}

describe('what a version keeps besides its image', () => {
  it('keeps the canonical bundle, which hashes to the version', async () => {
    const { version } = await publish('kept-canonical', manifests('kept-canonical'));
    const bundle = await canonicalBundle(testEnv, version);
    expect(await bundleHash(bundle)).toBe(version);
    expect(bundle.policies.map((p) => p.name)).toEqual(['kept-canonical']);
    const [described] = await versionsOf('kept-canonical');
    expect(described).toMatchObject({ version, needsRepublish: false, manifests: { type: 'application/yaml' } });
  });

  it('answers 503 version-needs-republish for a version without one, and flags it', async () => {
    const { version } = await publish('no-canonical', manifests('no-canonical'));
    await forgetSources(version);
    const error = await canonicalBundle(testEnv, version).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'version-needs-republish' });
    expect(await versionsOf('no-canonical')).toMatchObject([{ version, needsRepublish: true, manifests: null }]);
  });

  it('refuses a stored canonical bundle that does not hash to its version', async () => {
    const { version } = await publish('tampered', manifests('tampered'));
    await runInDurableObject(stub(), async (_: BundleStore, state) => {
      const other = new Uint8Array(await new Response(new Blob(['{}']).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
      state.storage.sql.exec('UPDATE canonical_bundles SET data = ? WHERE version = ?', other, version);
    });
    await expect(canonicalBundle(testEnv, version)).rejects.toMatchObject({ status: 503, code: 'version-corrupt' });
    await publish('tampered', manifests('tampered'));
    // A re-publish fills in what is missing; a damaged blob stays until it is deleted.
    await expect(canonicalBundle(testEnv, version)).rejects.toMatchObject({ code: 'version-corrupt' });
  });

  it('is repaired by publishing the same content again', async () => {
    const text = manifests('repaired');
    const { version } = await publish('repaired', text);
    await forgetSources(version);
    const again = await publish('repaired', text);
    expect(again).toEqual({ status: 200, version });
    expect(await bundleHash(await canonicalBundle(testEnv, version))).toBe(version);
    expect(await versionsOf('repaired')).toMatchObject([{ version, needsRepublish: false, manifests: { type: 'application/yaml' } }]);
    expect(await textOf(await call(`/v1/bundles/repaired/versions/${version}/manifests`, { headers: QUERY }))).toBe(text);
  });

  it('deletes the kept blobs with the last bundle that uses them', async () => {
    const { version } = await publish('short-lived', manifests('short-lived'));
    expect((await call('/v1/bundles/short-lived', { method: 'DELETE', headers: ADMIN })).status).toBe(204);
    const left = await runInDurableObject(stub(), (_: BundleStore, state) =>
      ['images', 'canonical_bundles', 'manifests'].map(
        (table) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE version = ?`, version).one().n,
      ),
    );
    expect(left).toEqual([0, 0, 0]);
  });
});

describe('GET /v1/bundles/:name/versions/:version/manifests', () => {
  it('returns the manifests exactly as published, with their content type', async () => {
    const yaml = manifests('as-published');
    const { version } = await publish('as-published', yaml);
    const response = await call(`/v1/bundles/as-published/versions/${version}/manifests`, { headers: QUERY });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/yaml');
    expect(await textOf(response)).toBe(yaml);

    const json = JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'as-json', namespace: 'a' },
      spec: { podSelector: {}, ingress: [{}] },
    });
    const list = await publish('as-published-json', json, 'application/json');
    const asJSON = await call(`/v1/bundles/as-published-json/versions/${list.version}/manifests`, { headers: ADMIN });
    expect(asJSON.headers.get('content-type')).toBe('application/json');
    expect(await textOf(asJSON)).toBe(json);
  });

  it('keeps large manifests whole across chunks', async () => {
    const padding = `# ${'x'.repeat(1000)}\n`.repeat(3000); // ~3 MB, gzip makes it small; text stays whole
    const yaml = `${padding}${manifests('large-manifests')}`;
    const { version } = await publish('large-manifests', yaml);
    expect(await textOf(await call(`/v1/bundles/large-manifests/versions/${version}/manifests`, { headers: QUERY }))).toBe(yaml);
  });

  it('needs the query token (or the admin token) when one is set', async () => {
    const { version } = await publish('manifests-auth', manifests('manifests-auth'));
    const path = `/v1/bundles/manifests-auth/versions/${version}/manifests`;
    expect((await call(path)).status).toBe(401);
    expect((await call(path, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await call(path, { headers: ADMIN })).status).toBe(200);
    expect((await call(path, {}, { QUERY_TOKEN: '' })).status).toBe(200);
  });

  it('answers 404 for an unknown bundle or version, and for a version whose manifests were not kept', async () => {
    const { version } = await publish('manifests-404', manifests('manifests-404'));
    const codeOf = async (path: string) => {
      const response = await call(path, { headers: QUERY });
      expect(response.status).toBe(404);
      return ((await response.json()) as { error: { code: string } }).error.code;
    };
    expect(await codeOf(`/v1/bundles/nobody/versions/${version}/manifests`)).toBe('no-version');
    expect(await codeOf('/v1/bundles/manifests-404/versions/sha256:00/manifests')).toBe('no-version');
    await forgetSources(version);
    expect(await codeOf(`/v1/bundles/manifests-404/versions/${version}/manifests`)).toBe('no-manifests');
  });
});

describe('schema migrations', () => {
  it('are ordered, and each runs once', async () => {
    expect(MIGRATIONS.map((m) => m.id)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    await runInDurableObject(stub(), (_: BundleStore, state) => {
      const transaction = <T>(run: () => T): T => state.storage.transactionSync(run);
      expect(migrate(state.storage.sql, transaction)).toEqual([]);
      const extra = [...MIGRATIONS, { id: MIGRATIONS.length + 1, sql: 'CREATE TABLE migration_probe (x INTEGER)' }];
      expect(migrate(state.storage.sql, transaction, extra)).toEqual([MIGRATIONS.length + 1]);
      expect(migrate(state.storage.sql, transaction, extra)).toEqual([]);
      state.storage.sql.exec('DROP TABLE migration_probe');
      state.storage.sql.exec('DELETE FROM schema_migrations WHERE id = ?', MIGRATIONS.length + 1);
    });
  });

  it('bring a store of the first schema (no migration records) up to date, keeping its rows', async () => {
    await runInDurableObject(stub(), (_: BundleStore, state) => {
      const sql = state.storage.sql;
      const transaction = <T>(run: () => T): T => state.storage.transactionSync(run);
      // A store as the first release left it: its tables under other names, to leave the real ones be.
      const renamed = MIGRATIONS.map((m) => ({ id: m.id, sql: m.sql.replace(/\b(bundles|versions|images|canonical_bundles|manifests)\b/g, 'old_$1') }));
      sql.exec(renamed[0]!.sql);
      sql.exec("INSERT INTO old_versions VALUES ('x', 'sha256:1', 1, 10, '{}', '[]')");
      sql.exec('DELETE FROM schema_migrations WHERE id >= 1');
      try {
        expect(migrate(sql, transaction, renamed)).toEqual(renamed.map((m) => m.id));
        expect(sql.exec('SELECT name, manifests_type, mode FROM old_versions').toArray()).toEqual([{ name: 'x', manifests_type: null, mode: 'enforce' }]);
      } finally {
        for (const table of ['bundles', 'versions', 'images', 'canonical_bundles', 'manifests']) sql.exec(`DROP TABLE IF EXISTS old_${table}`);
        sql.exec('DELETE FROM schema_migrations');
        for (const m of MIGRATIONS) sql.exec('INSERT INTO schema_migrations (id, applied_at) VALUES (?, 0)', m.id);
      }
    });
  });
});
