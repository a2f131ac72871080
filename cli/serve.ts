/**
 * @module `netpol-edge serve`: the Worker (the same code `wrangler deploy` ships, bundled into
 * dist/worker.js) in-process under Miniflare, for sidecars and CI: no wrangler, no login, no repo.
 * The web console comes with it: dist/console holds its files, served as wrangler serves ui/dist.
 * Bundles named on the command line are validated here, published at start and, with --watch,
 * republished when their files change (a bad edit keeps the last good version serving).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ingestSources } from '../src/ingest/bundle.js';
import { formatDiagnostic, hasErrors } from '../src/ingest/diagnostics.js';
import { parseSource, type Source } from '../src/ingest/parse.js';
import { isNotAManifest } from '../src/ingest/skipping.js';
import { inputLimitBytes, readManifestSources } from './manifests.js';
import { EXIT, UsageError } from './usage.js';

export const SERVE_HELP = `netpol-edge serve: the HTTP API locally (Miniflare), for sidecars and CI

Usage:
  netpol-edge serve [--port 8787] [--host 127.0.0.1] [--state DIR] [--bundle NAME=PATH]... [--watch]

Options:
  --port N              port to listen on (default 8787; 0 picks a free one)
  --host ADDR           address to bind (default 127.0.0.1, loopback only)
  --state DIR           keep bundles in DIR across restarts (default: in memory)
  --bundle NAME=PATH    validate PATH (a file or directory of manifests) and publish it as NAME
                        at start; repeat for more bundles, or name one bundle several times
  --watch               republish a bundle when its files change; a bad edit prints its errors
                        and keeps the last good version serving
  --admin-token T       token for writes (or NETPOL_EDGE_ADMIN_TOKEN); without one, HTTP writes
                        are refused and only --bundle publishes
  --query-token T       token for decisions (or NETPOL_EDGE_QUERY_TOKEN); without one they are open
  --demo                also serve the built-in demo bundle as "demo"
  -h, --help            this help

Tokens are never printed. Prefer the environment: a command line is visible to other users.

Examples:
  netpol-edge serve --bundle prod=manifests/ --watch
  NETPOL_EDGE_QUERY_TOKEN=s3cret netpol-edge serve --port 9000 --state .netpol-state --bundle prod=cluster.yaml
  curl -s -X POST 127.0.0.1:8787/v1/bundles/prod/decide -d '{"src":"ns3/frontend","dst":"ns1/web","port":80}' \\
    -H 'content-type: application/json'`;

/** Same as wrangler.toml's, so the Worker runs on the same workerd behaviour locally. */
const COMPATIBILITY_DATE = '2026-04-01';
const WATCH_INTERVAL_MS = 500;

interface BundleSpec {
  readonly name: string;
  readonly paths: string[];
}

export async function runServe(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      state: { type: 'string' },
      bundle: { type: 'string', multiple: true },
      watch: { type: 'boolean' },
      'admin-token': { type: 'string' },
      'query-token': { type: 'string' },
      demo: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return EXIT.ok;
  }
  const port = portOf(values.port ?? '8787');
  const bundles = bundleSpecs(values.bundle ?? []);
  const adminToken = values['admin-token'] ?? process.env.NETPOL_EDGE_ADMIN_TOKEN ?? '';
  const queryToken = values['query-token'] ?? process.env.NETPOL_EDGE_QUERY_TOKEN ?? '';
  // Without an admin token, this process still publishes --bundle with one nobody else knows.
  const publishToken = adminToken !== '' ? adminToken : randomBytes(32).toString('hex');

  // Validate everything before starting anything: a bad --bundle fails the start (exit 2).
  const initial = new Map<string, Source[]>();
  for (const spec of bundles) {
    const sources = await validated(spec);
    if (!sources) throw new UsageError(`bundle ${spec.name} is invalid; fix the errors above`);
    initial.set(spec.name, sources);
  }

  const { Miniflare } = await import('miniflare');
  const worker = workerFiles();
  const mf = new Miniflare({
    host: values.host ?? '127.0.0.1',
    port,
    modulesRoot: worker.root,
    modules: [
      { type: 'ESModule', path: worker.script },
      { type: 'CompiledWasm', path: worker.wasm },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    // As wrangler.toml's [assets]: the Worker runs first and serves the console through ASSETS.
    assets: { directory: worker.console, binding: 'ASSETS', routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true } },
    durableObjects: { BUNDLES: { className: 'BundleStore', useSQLite: true } },
    durableObjectsPersist: values.state ?? false,
    bindings: {
      ADMIN_TOKEN: publishToken,
      ...(queryToken !== '' ? { QUERY_TOKEN: queryToken } : {}),
      DEMO_BUNDLE: values.demo ? 'true' : 'false',
    },
  });
  const url = await mf.ready;
  const base = url.href.replace(/\/$/, '');
  const publisher = new Publisher(base, publishToken);
  for (const [name, sources] of initial) await publisher.publish(name, sources);
  process.stdout.write(`netpol-edge serve: listening on ${base}\n`);
  if (adminToken === '') process.stderr.write('no admin token given: HTTP writes are refused (set NETPOL_EDGE_ADMIN_TOKEN to allow them)\n');

  const watcher = values.watch ? watch(bundles, initial, publisher) : undefined;
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  if (watcher) clearInterval(watcher);
  await mf.dispose();
  return EXIT.ok;
}

function portOf(text: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port ${text}: use a number from 0 to 65535`);
  return port;
}

function bundleSpecs(pairs: readonly string[]): BundleSpec[] {
  const specs = new Map<string, BundleSpec>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    if (eq <= 0 || eq === pair.length - 1 || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      throw new UsageError(`--bundle ${pair}: expected NAME=PATH, NAME a DNS label (lower-case letters, digits, "-")`);
    }
    const spec = specs.get(name) ?? { name, paths: [] };
    spec.paths.push(pair.slice(eq + 1));
    specs.set(name, spec);
  }
  return [...specs.values()];
}

/** The bundled Worker, its core and the console: beside this file in dist/, or in the repo's dist/ after a build. */
function workerFiles(): { root: string; script: string; wasm: string; console: string } {
  for (const candidate of ['./worker.js', '../dist/worker.js']) {
    const script = fileURLToPath(new URL(candidate, import.meta.url));
    const root = dirname(script);
    const files = { root, script, wasm: `${root}/netpol.wasm`, console: `${root}/console` };
    if (existsSync(script) && existsSync(files.wasm) && existsSync(`${files.console}/index.html`)) return files;
  }
  throw new UsageError('the bundled Worker (dist/worker.js) is missing: run npm run build');
}

/** Reads and validates a bundle's files here, printing diagnostics; undefined when invalid. */
async function validated(spec: BundleSpec, read?: Source[]): Promise<Source[] | undefined> {
  const sources = read ?? (await readManifestSources(spec.paths));
  const result = ingestSources(sources, { maxInputBytes: inputLimitBytes({}) });
  for (const d of result.diagnostics) process.stderr.write(`${spec.name}: ${formatDiagnostic(d)}\n`);
  return result.bundle && !hasErrors(result.diagnostics) ? sources : undefined;
}

/** Publishes through the Worker's own API, so a bundle is stored exactly as a PUT would store it. */
class Publisher {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async publish(name: string, sources: readonly Source[]): Promise<void> {
    const response = await fetch(`${this.base}/v1/bundles/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: asList(sources),
    });
    const body = (await response.json()) as { version?: string; error?: { message: string } };
    if (!response.ok) throw new Error(`publishing ${name} failed (${response.status}): ${body.error?.message ?? ''}`);
    process.stderr.write(`published ${name} ${body.version ?? ''}\n`);
  }
}

/**
 * The sources' objects as one JSON List, files skipped by the directory scan left out: the
 * Worker reads exactly the objects validated here, whatever mix of YAML and JSON files held them.
 */
function asList(sources: readonly Source[]): string {
  const items: unknown[] = [];
  for (const source of sources) {
    const parsed = parseSource(source);
    if (source.scanned && isNotAManifest(parsed)) continue;
    items.push(...parsed.objects.map((o) => o.value));
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** Polls the bundles' files; a changed, valid bundle is republished, an invalid one only reported. */
function watch(bundles: readonly BundleSpec[], initial: Map<string, Source[]>, publisher: Publisher): NodeJS.Timeout {
  const seen = new Map([...initial].map(([name, sources]) => [name, fingerprint(sources)]));
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      for (const spec of bundles) {
        let sources: Source[] | undefined;
        let print: string;
        try {
          sources = await readManifestSources(spec.paths);
          print = fingerprint(sources);
        } catch (error) {
          print = `unreadable: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (print === seen.get(spec.name)) continue;
        seen.set(spec.name, print);
        process.stderr.write(`${spec.name}: files changed\n`);
        const valid = sources && (await validated(spec, sources));
        if (valid) await publisher.publish(spec.name, valid).catch((error: Error) => process.stderr.write(`${error.message}\n`));
        else process.stderr.write(`${spec.name}: ${sources ? 'invalid' : print}; the last good version keeps serving\n`);
      }
    })().finally(() => (busy = false));
  }, WATCH_INTERVAL_MS);
}

function fingerprint(sources: readonly Source[]): string {
  return JSON.stringify(sources.map((s) => [s.name, s.text]));
}
