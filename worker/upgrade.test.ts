import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from './app.js';
import { compileBundle } from '../src/compile/compile.js';
import { FORMAT_ID, formatIdText } from '../src/compile/format-id.js';
import { HEADER, HEADER_BYTES, MAGIC } from '../src/compile/layout.js';
import { DEMO_MANIFESTS } from './demo.js';
import { dropEngine } from './engines.js';
import type { Env } from './env.js';
import type { BundleStore } from './store.js';
import { canonicalBundle } from './stored-bundles.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const QUERY = { authorization: 'Bearer test-query-token' };
const testEnv = env as unknown as Env;
const stub = () => testEnv.BUNDLES.get(testEnv.BUNDLES.idFromName('bundles'));

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://netpol-edge.test${path}`, init), testEnv, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
}

/** The demo with a policy of its own: a version no other test loads. */
async function publish(name: string): Promise<{ version: string; manifests: string }> {
  const manifests = `${DEMO_MANIFESTS}\n---\napiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ns2}
spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 9200}]}]}
`;
  const response = await call(`/v1/bundles/${name}`, { method: 'PUT', headers: { ...ADMIN, 'content-type': 'application/yaml' }, body: manifests });
  expect(response.status).toBeLessThan(300);
  return { version: ((await response.json()) as { version: string }).version, manifests };
}

const FLOWS = [
  { src: 'ns3/frontend', dst: 'ns1/web', port: 80 },
  { src: 'ns2/search', dst: 'ns1/web', port: 80 },
  { src: 'ns1/web', dst: 'ns2/search', port: 9200 },
  { src: '203.0.113.9', dst: 'ns2/search', port: 9200 },
  { src: { namespace: 'ns3', labels: { app: 'x' } }, dst: 'ns1/db', port: 80 },
];

/** Every flow's explained decision and the NDJSON batch's verdicts (decision ids left out). */
async function answers(name: string): Promise<unknown[]> {
  const single = [];
  for (const flow of FLOWS) {
    const response = await call(`/v1/bundles/${name}/decide?explain=true`, {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/json' },
      body: JSON.stringify(flow),
    });
    const { decisionId: _, ...answer } = (await response.json()) as Record<string, unknown>;
    single.push({ status: response.status, ...answer });
  }
  const batch = await call(`/v1/bundles/${name}/decide/batch?sides=true`, {
    method: 'POST',
    headers: { ...QUERY, 'content-type': 'application/x-ndjson' },
    body: FLOWS.map((f) => JSON.stringify(f)).join('\n'),
  });
  return [...single, batch.status, new TextDecoder().decode(await batch.arrayBuffer())];
}

/** The stored image (all chunks), or a rewrite of it. */
async function storedImage(version: string, replace?: (image: Uint8Array) => Uint8Array): Promise<Uint8Array> {
  return runInDurableObject(stub(), (_: BundleStore, state) => {
    const rows = state.storage.sql.exec<{ data: ArrayBuffer }>('SELECT data FROM images WHERE version = ? ORDER BY seq', version).toArray();
    const image = new Uint8Array(rows.reduce((n, r) => n + r.data.byteLength, 0));
    let at = 0;
    for (const row of rows) {
      image.set(new Uint8Array(row.data), at);
      at += row.data.byteLength;
    }
    if (replace) {
      state.storage.sql.exec('DELETE FROM images WHERE version = ?', version);
      state.storage.sql.exec('INSERT INTO images (version, seq, data) VALUES (?, 0, ?)', version, replace(image));
    }
    return image;
  });
}

/** An image as an older core wrote it: its format id, then bytes this core must never decode. */
function olderFormat(image: Uint8Array): Uint8Array {
  const older = new Uint8Array(image.length);
  for (let i = 0; i < older.length; i++) older[i] = (i * 131 + 7) & 0xff; // any layout but ours
  const view = new DataView(older.buffer);
  view.setUint32(HEADER.MAGIC, MAGIC, true);
  view.setUint32(HEADER.FORMAT_ID, 1, true); // FORMAT_VERSION 1: every image before format ids
  view.setUint32(HEADER.LENGTH, older.length, true);
  return older;
}

interface VersionDescription {
  version: string;
  needsRepublish: boolean;
  image: { formatId: string; compilerVersion: string; current: boolean } | null;
}

async function describeVersion(name: string, version: string): Promise<VersionDescription | undefined> {
  const info = (await (await call(`/v1/bundles/${name}`, { headers: QUERY })).json()) as { versions: VersionDescription[] };
  return info.versions.find((v) => v.version === version);
}

describe('a stored image of an older format', () => {
  it('is recompiled from the canonical bundle on first use, rewritten, and answers as before', async () => {
    const { version } = await publish('upgrade-recompiled');
    const before = await answers('upgrade-recompiled');
    expect(before.slice(0, FLOWS.length)).toContainEqual(expect.objectContaining({ status: 200, allowed: true }));
    expect(before.slice(0, FLOWS.length)).toContainEqual(expect.objectContaining({ status: 200, allowed: false }));

    await storedImage(version, olderFormat);
    dropEngine(version); // as a new deploy starts with no engine loaded
    expect(await describeVersion('upgrade-recompiled', version)).toMatchObject({
      needsRepublish: false,
      image: { formatId: '00000001', compilerVersion: 'unknown', current: false },
    });

    expect(await answers('upgrade-recompiled')).toEqual(before);
    const rewritten = await storedImage(version);
    const expected = compileBundle(await canonicalBundle(testEnv, version)).image;
    expect(rewritten).toEqual(expected);
    expect((await describeVersion('upgrade-recompiled', version))?.image).toMatchObject({ formatId: formatIdText(FORMAT_ID), current: true });
  });

  it('is recompiled when the image is missing altogether', async () => {
    const { version } = await publish('upgrade-no-image');
    const before = await answers('upgrade-no-image');
    await runInDurableObject(stub(), (_: BundleStore, state) => {
      state.storage.sql.exec('DELETE FROM images WHERE version = ?', version);
    });
    dropEngine(version);
    expect((await describeVersion('upgrade-no-image', version))?.image).toBeNull();
    expect(await answers('upgrade-no-image')).toEqual(before);
    expect((await storedImage(version)).length).toBeGreaterThan(HEADER_BYTES);
  });
});

describe('a version stored before canonical bundles were kept', () => {
  it('answers 503 version-needs-republish, is flagged, and publishing the same content repairs it', async () => {
    const { version, manifests } = await publish('upgrade-legacy');
    const before = await answers('upgrade-legacy');
    await runInDurableObject(stub(), (_: BundleStore, state) => {
      state.storage.sql.exec('DELETE FROM canonical_bundles WHERE version = ?', version);
      state.storage.sql.exec('DELETE FROM manifests WHERE version = ?', version);
      state.storage.sql.exec('UPDATE versions SET manifests_type = NULL, manifests_bytes = NULL WHERE version = ?', version);
    });
    await storedImage(version, olderFormat);
    dropEngine(version);

    const refused = await call('/v1/bundles/upgrade-legacy/decide', {
      method: 'POST',
      headers: { ...QUERY, 'content-type': 'application/json' },
      body: JSON.stringify(FLOWS[0]),
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('version-needs-republish');
    expect(await describeVersion('upgrade-legacy', version)).toMatchObject({ needsRepublish: true, image: { current: false } });

    const again = await call('/v1/bundles/upgrade-legacy', { method: 'PUT', headers: { ...ADMIN, 'content-type': 'application/yaml' }, body: manifests });
    expect(again.status).toBe(200);
    expect(await describeVersion('upgrade-legacy', version)).toMatchObject({ needsRepublish: false, image: { current: true } });
    expect(await answers('upgrade-legacy')).toEqual(before);
  });
});
