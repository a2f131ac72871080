/**
 * @module The OpenAPI 3 description of the API. A test checks that its paths and methods are
 * exactly the app's routes, so it cannot drift.
 */

const error = { $ref: '#/components/responses/Error' };
const bundleName = { name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' } };
const admin = [{ bearer: [] }];
/** A required JSON request body of this schema. */
const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } }) as const;
const query = [{ bearer: [] }, {}];
/** The analysis routes: a stored version of the bundle, or the active one. */
const versionParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string' } });
const analysisFormat = (formats: readonly string[], description: string) => ({
  name: 'format',
  in: 'query',
  description,
  schema: { type: 'string', enum: formats, default: 'json' },
});
const analysisErrors = {
  '400': error,
  '401': error,
  '403': error,
  '404': error,
  '422': {
    description:
      'too-large: the version is bigger than the Worker analyses in one request (default 2,000 pods and 500 workloads and ' +
      'unowned pods; with a focus, 20,000 pods and 10,000 in the scope it is decided on; 10,000 pods grouped, group=namespace or namespace=NS; ANALYSIS_MAX_PODS, ' +
      'ANALYSIS_MAX_ENDPOINTS, ANALYSIS_MAX_PODS_FOCUS, ANALYSIS_MAX_FOCUS_SCOPE and ANALYSIS_MAX_PODS_GROUPED set others): details[0].command is the CLI command to run instead. ' +
      'svg-unavailable: format=svg is not rendered by the Worker (use format=dot, or the CLI\'s --output svg)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '503': error,
} as const;
/** The decide routes: a stored version instead of the active one (its own mode applies). */
const DECIDE_VERSION = versionParam(
  'version',
  'a stored version of this bundle (sha256:...) to decide with, in its own mode (enforce or audit); default: the active one. ' +
    '404 no-version when the bundle has no such version',
);
const LIST_FORMATS = ['json', 'txt', 'csv', 'md', 'dot', 'svg'] as const;
const FORMATS_TEXT = 'json (the interface of `netpol-edge list --output json`), txt, csv, md, dot (Graphviz); svg answers 422 svg-unavailable';

const flowBody = {
  required: true,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Flow' } } },
};

export const openApiDocument = {
  openapi: '3.0.3',
  info: {
    title: 'netpol-edge',
    version: '1',
    description:
      'May this flow pass? Kubernetes NetworkPolicy decisions from published bundles. Writes need the admin token; ' +
      'reads need the query token when one is configured (the admin token works too). ' +
      'Envoy ext_authz (HTTP service): any method on /v1/bundles/{name}/envoy/authz/*, the flow in the headers ' +
      'x-netpol-src, x-netpol-dst, x-netpol-port and x-netpol-protocol; 200 allows, 403 denies, 400 when a header is missing or malformed.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    responses: {
      Error: {
        description: 'An error: 4xx for bad input, 503 when the service cannot answer (never "allowed").',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'details'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: {} } },
          },
        },
      },
      Endpoint: {
        oneOf: [
          { type: 'string', description: '"namespace/name", "namespace/kind/name", or an IPv4/IPv6 address' },
          {
            type: 'object',
            required: ['namespace'],
            properties: {
              namespace: { type: 'string' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              ports: {
                type: 'array',
                items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' }, protocol: { type: 'string' } } },
              },
            },
          },
        ],
      },
      Flow: {
        type: 'object',
        required: ['src', 'dst', 'port'],
        properties: {
          src: { $ref: '#/components/schemas/Endpoint' },
          dst: { $ref: '#/components/schemas/Endpoint' },
          protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
        },
      },
      Decision: {
        type: 'object',
        required: ['allowed', 'reason', 'version', 'decisionId'],
        properties: {
          allowed: { type: 'boolean' },
          reason: { type: 'string', enum: ['loopback', 'no-policy', 'allowed', 'denied'] },
          deniedBy: { type: 'array', items: { type: 'string', enum: ['egress', 'ingress'] } },
          version: { type: 'string' },
          decisionId: { type: 'string' },
          explanation: { type: 'object', description: 'With ?explain=true: both sides, isolating policies, deciding rules.' },
        },
      },
      Published: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          version: { type: 'string' },
          active: { type: 'string', nullable: true },
          counts: { type: 'object' },
          warnings: { type: 'array', items: {} },
        },
      },
    },
  },
  paths: {
    '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { summary: 'Readiness: the store answers', responses: { '200': { description: 'ready' }, '503': error } } },
    '/v1/access': {
      get: {
        summary: 'What the presented token may do, without a 401 or 403: for the web console',
        security: query,
        responses: {
          '200': {
            description:
              '{"tokenRequired": true if reads need a query token, "role": "admin" | "query" | null, ' +
              '"analysisLimits": {"maxPods", "maxPodsWithFocus", "maxFocusScope", "maxEndpoints", "maxPodsGrouped"}: the sizes the analysis routes answer}',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        },
      },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3' } } } },
    '/v1/bundles': {
      get: { summary: 'List bundles', security: admin, responses: { '200': { description: 'bundles' }, '401': error, '403': error } },
    },
    '/v1/bundles/{name}': {
      put: {
        summary: 'Publish a version (validated, compiled, content-addressed); activates it unless ?activate=false',
        security: admin,
        parameters: [
          bundleName,
          { name: 'activate', in: 'query', schema: { type: 'boolean', default: true } },
          { name: 'mode', in: 'query', schema: { type: 'string', enum: ['enforce', 'audit'] }, description: 'audit: denials answer allowed with "audit": "would-deny" and are logged' },
        ],
        requestBody: {
          required: true,
          content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: {} } },
        },
        responses: {
          '201': { description: 'a new version', content: { 'application/json': { schema: { $ref: '#/components/schemas/Published' } } } },
          '200': { description: 'this content was already a version (idempotent)' },
          '400': error,
          '401': error,
          '403': error,
          '413': error,
          '415': error,
          '422': error,
        },
      },
      get: {
        summary:
          'Versions, the active one, created times and counts; per version, needsRepublish (no canonical bundle kept: ' +
          'publish the same manifests again), the kept manifests, and the stored image\'s format (recompiled on first use when not current)',
        security: query,
        parameters: [bundleName],
        responses: { '200': { description: 'the bundle' }, '404': error },
      },
      delete: { summary: 'Delete a bundle and its versions', security: admin, parameters: [bundleName], responses: { '204': { description: 'deleted' }, '404': error } },
    },
    '/v1/bundles/{name}/versions/{version}/manifests': {
      get: {
        summary: 'The manifests of a version exactly as they were published, with the content type they were published with',
        security: query,
        parameters: [bundleName, { name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'the published body',
            content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: {} } },
          },
          '404': error,
        },
      },
    },
    '/v1/bundles/{name}/activate': {
      post: {
        summary: 'Point the bundle at one of its versions (rollback, roll-forward); ifActive makes it a compare-and-swap',
        security: admin,
        parameters: [bundleName],
        requestBody: jsonBody({ type: 'object', required: ['version'], properties: { version: { type: 'string' }, ifActive: { type: 'string', nullable: true } } }),
        responses: { '200': { description: 'activated' }, '400': error, '404': error, '409': error },
      },
    },
    '/v1/bundles/{name}/mode': {
      post: {
        summary: 'Set a version (default: the active one) to enforce or audit; audit answers denials as allowed, flagged and logged',
        security: admin,
        parameters: [bundleName],
        requestBody: jsonBody({ type: 'object', required: ['mode'], properties: { mode: { type: 'string', enum: ['enforce', 'audit'] }, version: { type: 'string' } } }),
        responses: { '200': { description: 'mode set' }, '400': error, '404': error },
      },
    },
    '/v1/bundles/{name}/decide': {
      post: {
        summary: 'Decide one flow with the active version, or with a stored version of the bundle given as version',
        security: query,
        parameters: [bundleName, { name: 'explain', in: 'query', schema: { type: 'boolean', default: false } }, DECIDE_VERSION],
        requestBody: flowBody,
        responses: {
          '200': { description: 'the decision', content: { 'application/json': { schema: { $ref: '#/components/schemas/Decision' } } } },
          '400': error,
          '404': error,
          '413': error,
          '415': error,
          '503': { description: 'the engine cannot answer; code version-needs-republish: publish the same manifests again' },
        },
      },
    },
    '/v1/bundles/{name}/decide/batch': {
      post: {
        summary: 'Decide many flows: NDJSON lines in, NDJSON verdicts out in input order; or 40-byte flow records in, 20-byte verdict records out',
        security: query,
        parameters: [
          bundleName,
          DECIDE_VERSION,
          { name: 'sides', in: 'query', description: 'NDJSON: add egress and ingress sides (reasons, deciding rules)', schema: { type: 'boolean', default: false } },
          { name: 'explain', in: 'query', description: 'NDJSON: add the full explanation of each flow (slower)', schema: { type: 'boolean', default: false } },
          {
            name: 'compare',
            in: 'query',
            description:
              'NDJSON: a stored version of this bundle (sha256:...) to compare with: each answer also carries "baseline", ' +
              'that version\'s verdict ({"allowed", "reason", ...} or {"error"} when it cannot answer the flow); the header ' +
              'x-netpol-edge-baseline-version names it. 404 no-version when the bundle has no such version; not with explain',
            schema: { type: 'string' },
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '200': {
            description: 'verdicts; the header x-netpol-edge-version names the version',
            content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          '400': error,
          '404': error,
          '409': error,
          '413': error,
          '415': error,
          '503': error,
        },
      },
    },
    '/v1/bundles/{name}/connectivity': {
      get: {
        summary:
          'Every allowed connection between workloads, pods and outside address ranges, with its protocols and ports ' +
          '(as `netpol-edge list`), for the active or a given version; computed by the WASM core, cached per version',
        security: query,
        parameters: [
          bundleName,
          versionParam('version', 'a stored version of this bundle (sha256:...); default: the active one'),
          { name: 'focus', in: 'query', description: 'NS/NAME or NS/KIND/NAME: only connections into or out of that workload or pod', schema: { type: 'string' } },
          analysisFormat(LIST_FORMATS, FORMATS_TEXT),
          { name: 'explain', in: 'query', description: 'json and txt: per connection and direction, the rules that allow it', schema: { type: 'boolean', default: false } },
          {
            name: 'group',
            in: 'query',
            description:
              'namespace (json only, alone): the namespace-by-namespace matrix instead of the list; per namespace pair with a connected ' +
              'workload pair, coverage (some or everything), workloadPairs, connected, allowedEverything, and the union of the sets',
            schema: { type: 'string', enum: ['namespace'] },
          },
          {
            name: 'namespace',
            in: 'query',
            description: "NS (json only, alone): only the connections into or out of NS's workloads, and NS's workloads",
            schema: { type: 'string' },
          },
        ],
        responses: { '200': { description: 'the connections, or the namespace matrix; x-netpol-edge-version names the version' }, ...analysisErrors },
      },
    },
    '/v1/bundles/{name}/diff': {
      get: {
        summary:
          'Every endpoint pair whose allowed set differs between two stored versions: added, removed or changed, with both sets ' +
          '(as `netpol-edge diff`); x-netpol-edge-changes counts them',
        security: query,
        parameters: [
          bundleName,
          { ...versionParam('from', 'the old version (sha256:...), a stored version of this bundle'), required: true },
          versionParam('to', 'the new version; default: the active one'),
          analysisFormat(LIST_FORMATS, FORMATS_TEXT.replace('list', 'diff')),
        ],
        responses: { '200': { description: 'the changes (json: {"old", "new", "changes": [...]})' }, ...analysisErrors },
      },
    },
    '/v1/bundles/{name}/exposure': {
      get: {
        summary:
          'Workloads open to every namespace, every pod or the whole outside world, per direction and ports, and rules that would ' +
          'admit future namespaces or pods (as `netpol-edge exposure`)',
        security: query,
        parameters: [
          bundleName,
          versionParam('version', 'a stored version of this bundle (sha256:...); default: the active one'),
          analysisFormat(['json', 'txt'], 'json or txt'),
        ],
        responses: { '200': { description: 'the exposure' }, ...analysisErrors },
      },
    },
    '/v1/bundles/{name}/rules': {
      get: {
        summary:
          'Every rule of the active or a given version ({"kind", "namespace"?, "name", "direction", "rule", "ruleName"?}, in bundle ' +
          'order) and the shadowed ones, each with the earlier rules that always decide first (as `netpol-edge lint`); what remote ' +
          '`replay --rules` and `replay --baseline` read to list unused and shadowed rules; cached per version',
        security: query,
        parameters: [bundleName, versionParam('version', 'a stored version of this bundle (sha256:...); default: the active one')],
        responses: {
          '200': { description: '{"version", "rules": [RULEREF...], "shadowedRules": [RULEREF + {"shadowedBy": [RULEREF...]}...]}' },
          '401': error,
          '403': error,
          '404': error,
          '503': error,
        },
      },
    },
  },
} as const;
