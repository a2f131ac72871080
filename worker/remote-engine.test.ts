/**
 * The RemoteEngine against the service, in-process (the app answers its requests), through every
 * path (test/cases/paths.ts) on a representative subset of the shared cases: the semantics cases
 * that need no bundle options (a published bundle has none) and the tier cases. Every case is
 * published as its own bundle; the remote engine's answers must match the cases as the in-process
 * engines' do.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { compileBundle } from '../src/compile/compile.js';
import { RemoteEngine } from '../src/engine/remote-engine.js';
import { WasmEngine } from '../src/engine/wasm-engine.js';
import { FlowError } from '../src/model/errors.js';
import { decodeFlow } from '../src/flow/decode.js';
import type { EngineUnderTest } from '../test/cases/paths.js';
import { semanticsCases } from '../test/cases/semantics.js';
import { runCaseGroups } from '../test/cases/suite.js';
import { tierCases } from '../test/cases/tiers.js';
import coreModule from '../core-as/build/netpol.wasm';
import { app } from './app.js';
import type { Env } from './env.js';

const ADMIN = 'Bearer test-admin-token';
const QUERY = 'test-query-token';
const BASE = 'http://netpol-edge.test/v1/bundles';

/** Hands a request to the app, as a running service would get it. */
const inProcess: typeof fetch = async (input, init) => {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(input, init), env as unknown as Env, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, { status: response.status, headers: response.headers });
};

let published = 0;

const remoteEngine: EngineUnderTest = {
  name: 'remote',
  async load(_bundle, manifests) {
    const name = `remote-case-${++published}`;
    const response = await inProcess(`${BASE}/${name}`, {
      method: 'PUT',
      headers: { authorization: ADMIN, 'content-type': 'application/yaml' },
      body: manifests!.join('\n---\n'),
    });
    if (response.status !== 201) throw new Error(`publishing ${name}: ${response.status} ${await response.text()}`);
    return new RemoteEngine({ url: `${BASE}/${name}`, token: QUERY, fetch: inProcess, attempts: 1 });
  },
  reader: (bundle) => WasmEngine.fromCompiled(coreModule, compileBundle(bundle)),
};

runCaseGroups(remoteEngine, [{ name: semanticsCases.name, cases: semanticsCases.cases.filter((c) => c.options === undefined) }, tierCases]);

describe('RemoteEngine', () => {
  it('names the version that answered, and refuses what the service refuses as FlowError', async () => {
    const engine = await remoteEngine.load(undefined as never, [tierCases.cases[0]!.manifests.join('\n---\n')]);
    expect(engine.version).toBeNull();
    const flow = decodeFlow({ src: 'nowhere/ghost', dst: '10.0.0.1', port: 80 });
    await expect(engine.explain(flow)).rejects.toThrow(FlowError);
    await expect(engine.decide(flow)).rejects.toThrow(FlowError);
    expect((await engine.decideBatch([flow]))[0]).toBeInstanceOf(FlowError);
    await expect(engine.decideRecords(new Uint8Array(41))).rejects.toThrow(FlowError);
    expect(engine.version).toMatch(/^sha256:/);
  });

  it('reads the rule list of the version that answered, with the token; an unknown version is a RemoteError', async () => {
    const engine = (await remoteEngine.load(undefined as never, [tierCases.cases[0]!.manifests.join('\n---\n')])) as RemoteEngine;
    await engine.decideBatch([decodeFlow({ src: '10.9.9.9', dst: '10.9.9.8', port: 80 })]);
    const list = (await engine.readJSON(`/rules?version=${engine.version}`)) as { version: string; rules: unknown[]; shadowedRules: unknown[] };
    expect(list.version).toBe(engine.version);
    expect(list.rules.length).toBeGreaterThan(0);
    expect(Array.isArray(list.shadowedRules)).toBe(true);
    await expect(engine.readJSON('/rules?version=sha256:00')).rejects.toThrow(/404 no-version/);
  });
});
