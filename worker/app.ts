/**
 * @module The HTTP API (Hono): bundle publishing and rollback for operators, single and batch
 * decisions for sidecars and jobs. A thin front end over the same ingest, compiler and WASM engine
 * as the CLI. Every answer names the bundle version it came from; every failure is a JSON error.
 */
import { Hono, type Context } from 'hono';
import { explainDecision, summarizeDecision } from '../src/format/explanation.js';
import { decodeFlow } from '../src/flow/decode.js';
import { FlowError } from '../src/model/errors.js';
import { answerComparedLines, answerNDJSON, answerNDJSONEncoded, answerNDJSONWith, FlowLimitError } from '../src/format/verdict.js';
import { FLOW_RECORD_BYTES } from '../src/compile/layout.js';
import type { Engine } from '../src/engine/engine.js';
import { EngineError } from '../src/engine/wasm-engine.js';
import type { EndpointSpec } from '../src/model/flow.js';
import { authorize, type Role } from './auth.js';
import { BODY_LIMITS, bodyChunks, decodeText, readBody, requireMediaType } from './body.js';
import { DEMO_NAME, ensureDemo } from './demo.js';
import { BatchAudit, denyingRules, logWouldDeny, parseMode } from './audit.js';
import { connectivityResponse, diffResponse, exposureResponse, type AnalysisRequest } from './connectivity.js';
import { activeState, dropEngine, engineFor, forgetActive, store, storedVersionState, type ActiveState } from './engines.js';
import { flowFromEnvoyHeaders } from './envoy.js';
import type { Env } from './env.js';
import { accessOf, consoleAndHeaders } from './console.js';
import { ApiError, errorBody } from './errors.js';
import { openApiDocument } from './openapi.js';
import { publish } from './publish.js';
import { publishedManifests } from './stored-bundles.js';
import { rulesResponse } from './rules.js';

type AppContext = Context<{ Bindings: Env }>;

const BUNDLE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const BUNDLE_TYPES = [...YAML_TYPES, 'application/json'];
/** NDJSON lines answered together in a batch, as `netpol-edge eval` does. */
const BATCH_LINES = 1024;
const MAX_FLOW_LINE_BYTES = 64 * 1024;

export const app = new Hono<{ Bindings: Env }>();

// The web console (/ and /ui/...), and security headers on every response.
app.use('*', consoleAndHeaders);

app.onError((error, c) => {
  if (error instanceof ApiError) return c.json(errorBody(error), error.status);
  if (error instanceof FlowError) return c.json(errorBody(new ApiError(400, 'invalid-flow', error.message)), 400);
  // Anything else is ours: fail closed with a 503, and log the message (never a header or a body).
  console.error(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  const engine = error instanceof EngineError || error instanceof WebAssembly.RuntimeError;
  return c.json(
    errorBody(new ApiError(503, engine ? 'engine-unavailable' : 'internal', 'the request could not be answered; try again')),
    503,
  );
});

app.notFound((c) => c.json(errorBody(new ApiError(404, 'not-found', `no route ${c.req.method} ${new URL(c.req.url).pathname}`)), 404));

async function guard(c: AppContext, role: Role): Promise<void> {
  await authorize(c.env, role, c.req.header('authorization'));
}

function bundleName(c: AppContext): string {
  const name = c.req.param('name') ?? '';
  if (!BUNDLE_NAME.test(name)) {
    throw new ApiError(400, 'invalid-name', 'a bundle name is a DNS label: lower-case letters, digits and "-", at most 63');
  }
  return name;
}

/** The active version of a bundle and its mode, creating the demo on first use. */
async function servingVersion(c: AppContext, name: string): Promise<ActiveState> {
  let state = await activeState(c.env, name);
  if (state === null && name === DEMO_NAME) {
    await ensureDemo(c.env, name, false);
    forgetActive(name);
    state = await activeState(c.env, name);
  }
  if (state === null) throw new ApiError(404, 'no-bundle', `no bundle ${JSON.stringify(name)}, or it has no active version`);
  return state;
}

/** `?version=V`: that stored version of the bundle and its mode (404 no-version); else the active one. */
async function decidingVersion(c: AppContext, name: string): Promise<ActiveState> {
  const asked = c.req.query('version');
  if (asked === undefined) return servingVersion(c, name);
  let stored = await storedVersionState(c.env, name, asked);
  if (stored === null && name === DEMO_NAME) {
    await servingVersion(c, name); // creates the demo bundle on first use
    stored = await storedVersionState(c.env, name, asked);
  }
  if (stored === null) throw new ApiError(404, 'no-version', `version=${asked}: bundle ${JSON.stringify(name)} has no such version`);
  return stored;
}

app.get('/healthz', (c) => c.json({ ok: true }));

app.get('/readyz', async (c) => {
  try {
    await store(c.env).ping();
  } catch {
    throw new ApiError(503, 'store-unavailable', 'the bundle store does not answer');
  }
  return c.json({ ready: true });
});

app.get('/openapi.json', (c) => c.json(openApiDocument));

app.get('/v1/access', async (c) => c.json(await accessOf(c.env, c.req.header('authorization'))));

app.put('/v1/bundles/:name', async (c) => {
  await guard(c, 'admin');
  const name = bundleName(c);
  const type = requireMediaType(c.req.raw, BUNDLE_TYPES);
  const bytes = await readBody(c.req.raw, BODY_LIMITS.bundleBytes);
  const text = decodeText(bytes);
  const activate = c.req.query('activate') !== 'false';
  const mode = parseMode(c.req.query('mode'));
  const published = await publish(c.env, name, text, 'request body', activate, { bytes, type }, mode);
  forgetActive(name);
  return c.json(
    { name, version: published.version, active: published.active, mode: published.mode, counts: published.counts, warnings: published.warnings },
    published.created ? 201 : 200,
  );
});

app.get('/v1/bundles', async (c) => {
  await guard(c, 'admin');
  return c.json({ bundles: await store(c.env).list() });
});

app.get('/v1/bundles/:name', async (c) => {
  await guard(c, 'query');
  const name = bundleName(c);
  let info = await store(c.env).describe(name);
  if (!info && name === DEMO_NAME) {
    await ensureDemo(c.env, name, false);
    info = await store(c.env).describe(name);
  }
  if (!info) throw new ApiError(404, 'no-bundle', `no bundle ${JSON.stringify(name)}`);
  return c.json(info);
});

app.get('/v1/bundles/:name/versions/:version/manifests', async (c) => {
  await guard(c, 'query');
  const name = bundleName(c);
  const version = c.req.param('version');
  const manifests = await publishedManifests(c.env, name, version);
  return c.body(manifests.bytes, 200, { 'content-type': manifests.type, 'x-netpol-edge-version': version });
});

/** The connectivity analysis of stored versions (worker/connectivity.ts): reads, with the query token. */
async function analysisRequest(c: AppContext): Promise<AnalysisRequest> {
  await guard(c, 'query');
  const name = bundleName(c);
  return { env: c.env, name, query: (key) => c.req.query(key), activeVersion: async () => (await servingVersion(c, name)).version };
}
app.get('/v1/bundles/:name/connectivity', async (c) => connectivityResponse(await analysisRequest(c)));
app.get('/v1/bundles/:name/diff', async (c) => diffResponse(await analysisRequest(c)));
app.get('/v1/bundles/:name/exposure', async (c) => exposureResponse(await analysisRequest(c)));
app.get('/v1/bundles/:name/rules', async (c) => rulesResponse(await analysisRequest(c)));

app.post('/v1/bundles/:name/activate', async (c) => {
  await guard(c, 'admin');
  const name = bundleName(c);
  requireMediaType(c.req.raw, ['application/json']);
  const body = parseJSON(decodeText(await readBody(c.req.raw, BODY_LIMITS.flowBytes))) as Record<string, unknown> | null;
  const version = body?.version;
  const ifActive = body?.ifActive;
  if (typeof version !== 'string') throw new ApiError(400, 'invalid-body', 'expected {"version": "sha256:...", "ifActive"?: ...}');
  if (ifActive !== undefined && ifActive !== null && typeof ifActive !== 'string') {
    throw new ApiError(400, 'invalid-body', 'ifActive is the version expected to be active (a string), or null');
  }
  const result = await store(c.env).activate(name, version, ifActive as string | null | undefined);
  forgetActive(name);
  if (!result.ok) {
    if (result.reason === 'no-bundle') throw new ApiError(404, 'no-bundle', `no bundle ${JSON.stringify(name)}`);
    if (result.reason === 'no-version') throw new ApiError(404, 'no-version', `bundle ${name} has no version ${version}`);
    throw new ApiError(409, 'conflict', `the active version is ${result.active ?? 'none'}, not ${String(ifActive)}`);
  }
  return c.json({ name, active: result.active, previous: result.previous, generation: result.generation });
});

/** Audit or enforce: `{"mode": "audit"|"enforce", "version"?: "sha256:..."}` (default: the active version). */
app.post('/v1/bundles/:name/mode', async (c) => {
  await guard(c, 'admin');
  const name = bundleName(c);
  requireMediaType(c.req.raw, ['application/json']);
  const body = parseJSON(decodeText(await readBody(c.req.raw, BODY_LIMITS.flowBytes))) as Record<string, unknown> | null;
  const mode = typeof body?.mode === 'string' ? parseMode(body.mode) : undefined;
  const version = body?.version ?? null;
  if (mode === undefined || (version !== null && typeof version !== 'string')) {
    throw new ApiError(400, 'invalid-body', 'expected {"mode": "audit" | "enforce", "version"?: "sha256:..."}');
  }
  const result = await store(c.env).setMode(name, version as string | null, mode);
  forgetActive(name);
  if (!result.ok) {
    if (result.reason === 'no-bundle') throw new ApiError(404, 'no-bundle', `no bundle ${JSON.stringify(name)}`);
    throw new ApiError(404, 'no-version', `bundle ${name} has no version ${version ?? '(no active version)'}`);
  }
  return c.json({ name, version: result.version, mode });
});

app.delete('/v1/bundles/:name', async (c) => {
  await guard(c, 'admin');
  const name = bundleName(c);
  if (!(await store(c.env).remove(name))) throw new ApiError(404, 'no-bundle', `no bundle ${JSON.stringify(name)}`);
  forgetActive(name);
  return c.body(null, 204);
});

app.post('/v1/bundles/:name/decide', async (c) => {
  await guard(c, 'query');
  const name = bundleName(c);
  requireMediaType(c.req.raw, ['application/json']);
  const flow = decodeFlow(parseJSON(decodeText(await readBody(c.req.raw, BODY_LIMITS.flowBytes))));
  const { version, mode } = await decidingVersion(c, name);
  const engine = await withEngine(c, version);
  const decisionId = crypto.randomUUID();
  const headers = { 'x-netpol-edge-version': version };
  const audit = async (denied: boolean) => {
    if (!denied || mode !== 'audit') return {};
    logWouldDeny({ bundle: name, version, decisionId, flow, decision: await failClosed(version, () => engine.explain(flow)) });
    return { audit: 'would-deny' };
  };
  if (c.req.query('explain') !== 'true') {
    // The sidecar's path: one call into the core, no explanation built.
    const verdict = await failClosed(version, () => engine.decide(flow));
    const deniedBy = verdict.allowed ? {} : { deniedBy: verdict.deniedBy };
    const audited = await audit(!verdict.allowed);
    return c.json({ allowed: verdict.allowed || 'audit' in audited, ...audited, reason: verdict.reason, ...deniedBy, version, decisionId }, 200, headers);
  }
  const decision = await failClosed(version, () => engine.explain(flow));
  const labels = { src: describeEndpoint(flow.src), dst: describeEndpoint(flow.dst), service: `${flow.protocol}/${flow.port}` };
  const audited = await audit(!decision.allowed);
  return c.json(
    {
      allowed: decision.allowed || 'audit' in audited,
      ...audited,
      reason: decision.reason,
      ...(decision.allowed ? {} : { deniedBy: decision.deniedBy }),
      version,
      decisionId,
      explanation: {
        summary: summarizeDecision(decision, labels),
        egress: decision.egress,
        ingress: decision.ingress,
        text: explainDecision(decision, labels),
      },
    },
    200,
    headers,
  );
});

app.post('/v1/bundles/:name/decide/batch', async (c) => {
  await guard(c, 'query');
  const name = bundleName(c);
  const type = requireMediaType(c.req.raw, ['application/x-ndjson', 'application/octet-stream']);
  const { version, mode } = await decidingVersion(c, name);
  const engine = await withEngine(c, version);
  if (type === 'application/octet-stream' && mode === 'audit') {
    throw new ApiError(409, 'audit-mode', `version ${version} of ${name} is in audit mode, which binary batches cannot report; send NDJSON`);
  }
  // A comparison reports what each version decides: audit mode does not rewrite it.
  const compare = c.req.query('compare');
  if (compare !== undefined) return compareBatch(c, name, type, { version, engine }, compare);
  if (type === 'application/octet-stream') {
    const records = await readBody(c.req.raw, BODY_LIMITS.binaryBatchBytes);
    if (records.length % FLOW_RECORD_BYTES !== 0) {
      throw new ApiError(400, 'invalid-records', `the body is ${records.length} bytes, not a whole number of ${FLOW_RECORD_BYTES}-byte flow records`);
    }
    const verdicts = await failClosed(version, () => engine.decideRecords(records));
    return c.body(verdicts, 200, {
      'content-type': 'application/octet-stream',
      'x-netpol-edge-version': version,
      'x-netpol-edge-flows': String(records.length / FLOW_RECORD_BYTES),
    });
  }
  const options = { explain: c.req.query('explain') === 'true', sides: c.req.query('sides') === 'true' };
  const limits = { maxLineBytes: MAX_FLOW_LINE_BYTES, batchLines: BATCH_LINES, maxFlows: BODY_LIMITS.ndjsonBatchFlows };
  const chunks = bodyChunks(c.req.raw, BODY_LIMITS.ndjsonBatchBytes);
  const audit = mode === 'audit' ? new BatchAudit(name, version) : undefined;
  // Audit mode rewrites the verdict texts; otherwise the answers go out as the bytes they are made as.
  const verdicts = audit ? audit.rewriteAll(answerNDJSON(chunks, audit.engine(engine), options, limits)) : answerNDJSONEncoded(chunks, engine, options, limits);
  return streamNDJSON(c, verdicts, [version], { 'x-netpol-edge-version': version });
});

/**
 * `?compare=VERSION`: each flow answered by the deciding version (the active one unless `?version=`)
 * and by VERSION, a stored version of the same bundle (NDJSON only; `sides` adds both verdicts' sides).
 */
async function compareBatch(
  c: AppContext,
  name: string,
  type: string,
  { version, engine }: { version: string; engine: Engine },
  compare: string,
): Promise<Response> {
  if (type !== 'application/x-ndjson') throw new ApiError(400, 'invalid-query', 'compare works with NDJSON flows (application/x-ndjson) only');
  if (c.req.query('explain') === 'true') throw new ApiError(400, 'invalid-query', 'compare and explain do not combine; use sides=true');
  // The stub's type of describe() is lost to RPC serialisation typing; its shape is BundleInfo.
  const info = (await store(c.env).describe(name)) as { versions: readonly { version: string }[] } | null;
  if (!info?.versions.some((v) => v.version === compare)) throw new ApiError(404, 'no-version', `bundle ${name} has no version ${compare}`);
  const baseline = await withEngine(c, compare);
  const options = { explain: false, sides: c.req.query('sides') === 'true' };
  return streamNDJSON(
    c,
    answerNDJSONWith(bodyChunks(c.req.raw, BODY_LIMITS.ndjsonBatchBytes), (lines) => answerComparedLines(lines, engine, baseline, options), {
      maxLineBytes: MAX_FLOW_LINE_BYTES,
      batchLines: BATCH_LINES,
      maxFlows: BODY_LIMITS.ndjsonBatchFlows,
    }),
    [version, compare],
    { 'x-netpol-edge-version': version, 'x-netpol-edge-baseline-version': compare },
  );
}

/**
 * Verdict lines stream out as they are answered. A failure after the first byte cannot change the
 * status: it ends the stream with an error line, never with made-up verdicts.
 */
function streamNDJSON(c: AppContext, lines: AsyncGenerator<string | Uint8Array>, versions: readonly string[], headers: Record<string, string>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const stream = async (): Promise<void> => {
    try {
      for await (const text of lines) await writer.write(typeof text === 'string' ? encoder.encode(text) : text);
    } catch (error) {
      if (error instanceof FlowLimitError) throw new ApiError(413, 'too-many-flows', error.message);
      // A core that failed is dropped (the next request gets a fresh one), as failClosed does.
      if (error instanceof EngineError || error instanceof WebAssembly.RuntimeError) for (const version of versions) dropEngine(version);
      throw error;
    }
  };
  c.executionCtx.waitUntil(
    stream().then(
      () => writer.close(),
      async (error: unknown) => {
        const body = error instanceof ApiError ? errorBody(error) : errorBody(new ApiError(503, 'engine-unavailable', 'the batch could not be finished'));
        await writer.write(encoder.encode(`${JSON.stringify(body)}\n`)).catch(() => {});
        await writer.close().catch(() => {});
      },
    ),
  );
  return c.body(readable, 200, { 'content-type': 'application/x-ndjson', ...headers });
}

/**
 * Envoy ext_authz (HTTP service): any method, any path below the prefix; the body is ignored.
 * 200 allows (also a would-deny in audit mode, flagged `x-netpol-audit`); 403 denies with the
 * reason and the denying rules; 400 when the x-netpol-* headers do not describe a flow.
 */
const envoyAuthz = async (c: AppContext) => {
  await guard(c, 'query');
  const name = bundleName(c);
  const flow = flowFromEnvoyHeaders((header) => c.req.header(header));
  const { version, mode } = await servingVersion(c, name);
  const engine = await withEngine(c, version);
  const decisionId = crypto.randomUUID();
  const headers: Record<string, string> = { 'x-netpol-decision-id': decisionId, 'x-netpol-version': version };
  const verdict = await failClosed(version, () => engine.decide(flow));
  if (verdict.allowed) return c.json({ allowed: true, reason: verdict.reason, version, decisionId }, 200, headers);
  const decision = await failClosed(version, () => engine.explain(flow));
  const rules = denyingRules(decision);
  if (mode === 'audit') {
    logWouldDeny({ bundle: name, version, decisionId, flow, decision });
    return c.json({ allowed: true, audit: 'would-deny', reason: decision.reason, deniedBy: decision.deniedBy, rules, version, decisionId }, 200, {
      ...headers,
      'x-netpol-audit': 'would-deny',
    });
  }
  const labels = { src: describeEndpoint(flow.src), dst: describeEndpoint(flow.dst), service: `${flow.protocol}/${flow.port}` };
  const summary = summarizeDecision(decision, labels);
  return c.json({ allowed: false, reason: decision.reason, deniedBy: decision.deniedBy, rules, summary, version, decisionId }, 403, headers);
};
app.all('/v1/bundles/:name/envoy/authz', envoyAuthz);
app.all('/v1/bundles/:name/envoy/authz/*', envoyAuthz);

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'malformed-json', 'the body is not valid JSON');
  }
}

async function withEngine(c: AppContext, version: string) {
  try {
    return await engineFor(c.env, version);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(503, 'engine-unavailable', `version ${version} could not be loaded`);
  }
}

/** Runs the engine; if the core fails, the engine is dropped (the next request gets a fresh one). */
async function failClosed<T>(version: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EngineError || error instanceof WebAssembly.RuntimeError) dropEngine(version);
    throw error;
  }
}

function describeEndpoint(endpoint: EndpointSpec): string {
  if (endpoint.kind === 'ref') return endpoint.ref;
  if (endpoint.kind === 'ip') return endpoint.ip;
  const labels = Object.entries(endpoint.pod.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `${endpoint.pod.namespace}:${labels}`;
}

