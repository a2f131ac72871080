/**
 * @module The connectivity analysis over HTTP: `connectivity` (who may talk to whom), `diff` (what
 * changes between two stored versions) and `exposure` (what is open to everyone), computed by the
 * WASM core from a stored version's canonical bundle, as `netpol-edge list|diff|exposure` computes
 * them from manifests. Bounded by the limits of src/analysis/limits.ts (422 too-large above them,
 * naming the CLI command to run instead), answers cached per version in the isolate. svg is not
 * rendered here: workerd cannot run Graphviz's WASM, which is compiled from bytes at run time.
 */
import { analyzeConnectivity, type ConnectivityResult } from '../src/analysis/connectivity.js';
import { wasmDecider, type Decider } from '../src/analysis/decider.js';
import { diffVersions } from '../src/analysis/version-diff.js';
import { explainConnections } from '../src/analysis/explain.js';
import { focusedConnectivity } from '../src/analysis/focused-connectivity.js';
import { analyzeExposure } from '../src/analysis/exposure.js';
import { namespaceConnections, namespaceMatrix } from '../src/analysis/namespace-matrix.js';
import { describeWorkloads } from '../src/analysis/workload-labels.js';
import { AnalysisTooLarge, analysisCacheKey, checkAnalysisSize, checkFocusScope, limitsKey, type AnalysisKind } from '../src/analysis/limits.js';
import { CONTENT_TYPES, diffInFormat, isOutputFormat, listInFormat, type OutputFormat, type TextFormat } from '../src/format/connectivity-formats.js';
import { exposureJSON, namespaceMatrixJSON } from '../src/format/connectivity-json.js';
import { exposureText } from '../src/format/connectivity-txt.js';
import type { Bundle } from '../src/model/bundle.js';
import { FlowError } from '../src/model/errors.js';
import coreModule from '../core-as/build/netpol.wasm';
import { AnalysisCache, type AnalysisAnswer } from './analysis-cache.js';
import { analysisLimitsOf } from './analysis-limits.js';
import { store } from './engines.js';
import type { Env } from './env.js';
import { ApiError } from './errors.js';
import { canonicalBundle } from './stored-bundles.js';

/** Answers kept per isolate: a few M-size lists fit in a 128 MB isolate beside its engines. */
const answers = new AnalysisCache(16, 16 * 1024 * 1024);

/** What a route needs of its request: the bundle, its query, and its active version (on demand). */
export interface AnalysisRequest {
  readonly env: Env;
  readonly name: string;
  query(key: string): string | undefined;
  /** The active version; creates the demo bundle on first use, 404 no-bundle without one. */
  activeVersion(): Promise<string>;
}

const SVG_COMMANDS: Readonly<Record<'connectivity' | 'diff', string>> = {
  connectivity: 'netpol-edge list --output svg MANIFEST...',
  diff: 'netpol-edge diff --output svg OLD NEW',
};

/** `GET /v1/bundles/:name/connectivity[?version][&focus][&format][&explain]`, or grouped: `?group=namespace`, `?namespace=NS`. */
export async function connectivityResponse(request: AnalysisRequest): Promise<Response> {
  const group = request.query('group');
  const namespace = request.query('namespace');
  if (group !== undefined || namespace !== undefined) return groupedResponse(request, group, namespace);
  const format = textFormatOf(request.query('format'), 'connectivity');
  const explain = booleanOf(request.query('explain'), 'explain');
  if (explain && format !== 'json' && format !== 'txt') {
    throw new ApiError(400, 'invalid-query', `explain=true comes with format=json or format=txt, not format=${format}`);
  }
  const focus = request.query('focus');
  const version = await versionOf(request, request.query('version'), 'version');
  const key = analysisCacheKey('connectivity', [version], { focus, format, explain: String(explain) }, analysisLimitsOf(request.env));
  return respond(
    await answers.get(key, async () => {
      const { bundle, result, explained, decider } = await connectivityOf(request.env, version, focus, explain);
      const explanations = explain ? explainConnections(explained, decider, result) : undefined;
      return answer(listInFormat(format, version, result.connections, explanations, describeWorkloads(bundle, result.groups)), CONTENT_TYPES[format], { 'x-netpol-edge-version': version });
    }),
  );
}

/**
 * The whole analysis is run (once per version: the last one's connections are kept), and answered
 * folded to namespaces (`group=namespace`) or restricted to one namespace's rows (`namespace=NS`),
 * so a bundle too large for the whole list (size M) still fits a page.
 */
async function groupedResponse(request: AnalysisRequest, group: string | undefined, namespace: string | undefined): Promise<Response> {
  if (group !== undefined && group !== 'namespace') throw new ApiError(400, 'invalid-query', `group=${group}: the only grouping is group=namespace`);
  if (group !== undefined && namespace !== undefined) throw new ApiError(400, 'invalid-query', 'group=namespace and namespace=NS are separate answers: ask for one');
  for (const key of ['focus', 'explain'] as const) {
    if (request.query(key) !== undefined) throw new ApiError(400, 'invalid-query', `${key}= does not combine with ${group ? 'group' : 'namespace'}=`);
  }
  const format = request.query('format') ?? 'json';
  if (format !== 'json') throw new ApiError(400, 'invalid-format', `format=${format}: grouped connectivity answers are json only`);
  const version = await versionOf(request, request.query('version'), 'version');
  const key = analysisCacheKey('connectivity-grouped', [version], { group, namespace }, analysisLimitsOf(request.env));
  return respond(
    await answers.get(key, async () => {
      const { bundle, connections, groups } = await wholeConnectivity(request.env, version);
      const { workloads } = groups;
      const headers = { 'x-netpol-edge-version': version };
      if (group) return answer(`${namespaceMatrixJSON(version, namespaceMatrix(workloads, connections))}\n`, CONTENT_TYPES.json, headers);
      if (!workloads.some((w) => w.namespace === namespace)) {
        throw new ApiError(400, 'invalid-namespace', `namespace=${namespace}: the version has no workload or pod in that namespace`);
      }
      const described = describeWorkloads(bundle, groups).filter((w) => w.namespace === namespace);
      return answer(listInFormat('json', version, namespaceConnections(connections, namespace!), undefined, described), CONTENT_TYPES.json, headers);
    }),
  );
}

type WholeConnectivity = Pick<ConnectivityResult, 'connections' | 'groups'> & { readonly bundle: Bundle };

/**
 * The last version's whole connections (tens of MB at size M), shared by its grouped answers,
 * under the limits they were computed with (tighter ones must check the version again).
 */
let lastWhole: { key: string; result: Promise<WholeConnectivity> } | undefined;

function wholeConnectivity(env: Env, version: string): Promise<WholeConnectivity> {
  const key = `${version}?limits=${limitsKey(analysisLimitsOf(env))}`;
  if (lastWhole?.key === key) return lastWhole.result;
  const result = (async () => {
    const { bundle, decider } = await analysisInput(env, version, 'connectivity-grouped', false);
    const { connections, groups } = analyze(() => analyzeConnectivity(bundle, decider, {}));
    return { bundle, connections, groups };
  })();
  const entry = { key, result };
  lastWhole = entry;
  // A failure is not kept: the next request computes again.
  result.catch(() => {
    if (lastWhole === entry) lastWhole = undefined;
  });
  return result;
}

/** `GET /v1/bundles/:name/diff?from=V1[&to=V2][&format]`: `to` defaults to the active version. */
export async function diffResponse(request: AnalysisRequest): Promise<Response> {
  const format = textFormatOf(request.query('format'), 'diff');
  const fromQuery = request.query('from');
  if (fromQuery === undefined) throw new ApiError(400, 'invalid-query', 'from=VERSION is required: the stored version to compare with');
  const from = await versionOf(request, fromQuery, 'from');
  const to = await versionOf(request, request.query('to'), 'to');
  const key = analysisCacheKey('diff', [from, to], { format }, analysisLimitsOf(request.env));
  return respond(
    await answers.get(key, async () => {
      const sides = [];
      for (const version of [from, to]) {
        const { bundle, decider } = await analysisInput(request.env, version, 'diff', false);
        sides.push({ bundle, decider: () => decider });
      }
      const changes = diffVersions(sides[0]!, sides[1]!);
      return answer(diffInFormat(format, from, to, changes), CONTENT_TYPES[format], {
        'x-netpol-edge-version': to,
        'x-netpol-edge-from-version': from,
        'x-netpol-edge-changes': String(changes.length),
      });
    }),
  );
}

/** `GET /v1/bundles/:name/exposure[?version][&format=json|txt]`. */
export async function exposureResponse(request: AnalysisRequest): Promise<Response> {
  const format = request.query('format') ?? 'json';
  if (format !== 'json' && format !== 'txt') throw new ApiError(400, 'invalid-format', `format=${format}: exposure is json (default) or txt`);
  const version = await versionOf(request, request.query('version'), 'version');
  const key = analysisCacheKey('exposure', [version], { format }, analysisLimitsOf(request.env));
  return respond(
    await answers.get(key, async () => {
      const { bundle, decider } = await analysisInput(request.env, version, 'exposure', false);
      const exposure = analyzeExposure(bundle, decider, analyze(() => analyzeConnectivity(bundle, decider, {})));
      const body = format === 'json' ? `${exposureJSON(version, exposure)}\n` : exposureText(exposure);
      return answer(body, CONTENT_TYPES[format], { 'x-netpol-edge-version': version });
    }),
  );
}

function textFormatOf(value: string | undefined, kind: 'connectivity' | 'diff'): TextFormat {
  const format: string = value ?? 'json';
  if (!isOutputFormat(format)) {
    throw new ApiError(400, 'invalid-format', `format=${format}: use one of json, txt, csv, md, dot`);
  }
  if (format === 'svg') {
    throw new ApiError(
      422,
      'svg-unavailable',
      `format=svg is not rendered by the API (the Worker runtime cannot run Graphviz's WASM build): ask for format=dot and render it ` +
        `(dot -Tsvg), or run ${SVG_COMMANDS[kind]}`,
      [{ command: SVG_COMMANDS[kind], format: 'dot' }],
    );
  }
  return format satisfies Exclude<OutputFormat, 'svg'>;
}

function booleanOf(value: string | undefined, key: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ApiError(400, 'invalid-query', `${key}=${value}: expected true or false`);
}

/** A version of this bundle: the one asked for (404 no-version when the bundle has none such), or the active one. */
export async function versionOf(request: AnalysisRequest, asked: string | undefined, key: string): Promise<string> {
  if (asked === undefined) return request.activeVersion();
  let info = await describe(request);
  if (info === null) {
    await request.activeVersion();
    info = await describe(request);
  }
  if (!info?.versions.some((v) => v.version === asked)) {
    throw new ApiError(404, 'no-version', `${key}=${asked}: bundle ${JSON.stringify(request.name)} has no such version`);
  }
  return asked;
}

async function describe(request: AnalysisRequest): Promise<{ versions: readonly { version: string }[] } | null> {
  // The stub's type of describe() is lost to RPC serialisation typing; its shape is BundleInfo.
  return (await store(request.env).describe(request.name)) as { versions: readonly { version: string }[] } | null;
}

/** The stored version's bundle, within the size limit, and the core to decide it. */
async function analysisInput(env: Env, version: string, kind: AnalysisKind, focused: boolean) {
  const bundle = await checkedBundle(env, version, kind, focused);
  return { bundle, decider: wasmDecider(coreModule, bundle) };
}

async function checkedBundle(env: Env, version: string, kind: AnalysisKind, focused: boolean): Promise<Bundle> {
  const bundle = await canonicalBundle(env, version);
  withinLimits(() => checkAnalysisSize(bundle, kind, focused, analysisLimitsOf(env)));
  return bundle;
}

/** Runs `check`, answering its AnalysisTooLarge as the 422 that names the CLI command. */
function withinLimits<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof AnalysisTooLarge) throw new ApiError(422, error.code, error.message, [{ command: error.command }]);
    throw error;
  }
}

/**
 * The list, whole or focused, with the bundle and decider its explanations' flows belong to: a
 * focus is decided on its scope alone (focused-connectivity.ts, as `list --focus`), and the scope,
 * not the whole bundle, is what is compiled and bounded by maxFocusScope.
 */
async function connectivityOf(env: Env, version: string, focus: string | undefined, explain: boolean) {
  if (focus === undefined) {
    const { bundle, decider } = await analysisInput(env, version, 'connectivity', false);
    return { bundle, decider, explained: bundle, result: analyze(() => analyzeConnectivity(bundle, decider, { explain })) };
  }
  const bundle = await checkedBundle(env, version, 'connectivity', true);
  const limits = analysisLimitsOf(env);
  const deciderFor = (scoped: Bundle): Decider => {
    withinLimits(() => checkFocusScope(scoped, focus, limits));
    return wasmDecider(coreModule, scoped);
  };
  const focused = analyze(() => focusedConnectivity(bundle, deciderFor, { focus, explain }));
  return { bundle, decider: focused.decider, explained: focused.bundle, result: focused.result };
}

function analyze<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    // The focus is the only input the analysis checks: it names no workload, or several.
    if (error instanceof FlowError) throw new ApiError(400, 'invalid-focus', error.message.replace('--focus ', 'focus='));
    throw error;
  }
}

function answer(body: string, type: string, headers: Record<string, string>): AnalysisAnswer {
  return { body, type, headers };
}

function respond({ body, type, headers }: AnalysisAnswer): Response {
  return new Response(body, { status: 200, headers: { 'content-type': type, ...headers } });
}
