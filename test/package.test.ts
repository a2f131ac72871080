/**
 * The package as users get it: `npm pack`, installed with `npm install ./netpol-edge-*.tgz` into an
 * empty directory, then its commands, the README's library example, and `serve` (with --watch, and
 * the web console at /) run from there with plain Node: no tsx, no AssemblyScript, no repo.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../scripts/wrangler-dev.js';

const dir = mkdtempSync(join(tmpdir(), 'netpol-package-'));
const BIN = join(dir, 'node_modules', '.bin', 'netpol-edge');
const EXAMPLES = join(dir, 'node_modules', 'netpol-edge', 'examples');
const DEMO = [join(EXAMPLES, 'demo-cluster.yaml'), join(EXAMPLES, 'article', '5-ns1-from-ns3-tcp-80.yaml')];

function run(args: string[], input?: string) {
  return spawnSync(BIN, args, { cwd: dir, input, encoding: 'utf8', timeout: 60_000 });
}

/** The README's library example: the first ```js block under "## The library API". */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library API'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ```js example under "## The library API"');
  return match[1]!;
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  // Scripts were run by the build above; pack only what `files` lists.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' });
  const tarball = readdirSync(dir).find((f) => /^netpol-edge-.*\.tgz$/.test(f))!;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], { cwd: dir, stdio: 'ignore' });
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds the built code and the core, not the sources', () => {
    const files = readdirSync(join(dir, 'node_modules', 'netpol-edge', 'dist'));
    expect(files).toEqual(expect.arrayContaining(['netpol-edge.js', 'index.js', 'worker.js', 'replay-worker.js', 'netpol.wasm', 'hubble.wasm', 'rows.wasm', 'types', 'console']));
    expect(readdirSync(join(dir, 'node_modules', 'netpol-edge', 'dist', 'console', 'ui'))).toEqual(expect.arrayContaining(['app.js', 'app.css']));
    const installed = readdirSync(join(dir, 'node_modules', 'netpol-edge'));
    for (const absent of ['src', 'cli', 'worker', 'core-as', 'test']) expect(installed).not.toContain(absent);
    const modules = readdirSync(join(dir, 'node_modules'));
    for (const devOnly of ['tsx', 'esbuild', 'assemblyscript', 'wrangler', 'hono']) expect(modules).not.toContain(devOnly);
  });

  it('runs check, eval, validate and --help with plain Node', () => {
    expect(run(['--help']).stdout).toContain('netpol-edge serve');
    const allowed = run(['check', '--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '80', ...DEMO]);
    expect(allowed.stdout).toMatch(/^yes - NetworkPolicy ns1\/test-network-policy ingress rule 0 allows it/);
    expect(allowed.status).toBe(0);
    const denied = run(['check', '--engine', 'reference', '--from', 'ns2/search', '--to', 'ns1/web', '--port', '80', ...DEMO]);
    expect(denied.status).toBe(1);
    const flows = '{"src":"ns3/frontend","dst":"ns1/web","port":80}\n{"src":"ns2/search","dst":"ns1/web","port":80}\n';
    expect(run(['eval', '--flows', '-', ...DEMO], flows).stdout).toBe(
      '{"allowed":true,"reason":"allowed"}\n{"allowed":false,"reason":"denied","deniedBy":["ingress"]}\n',
    );
    expect(run(['validate', ...DEMO]).status).toBe(0);
    expect(run(['validate', EXAMPLES]).status).toBe(1); // articles 2 and 4 are alternatives: one name twice
    const replay = run(['replay', '--bundle', join(ROOT, 'test/fixtures/flowlogs/cluster.yaml'), join(ROOT, 'test/fixtures/flowlogs/flows.ndjson')]);
    expect(replay.stdout).toContain('records');
    // Hubble lines go through the scanner's own module (dist/hubble.wasm); the README's example: two flows would break.
    const hubble = run(['replay', '--bundle', join(ROOT, 'test/fixtures/flowlogs/cluster.yaml'), '--summary', 'json', join(ROOT, 'test/fixtures/flowlogs/hubble-observe.jsonl')]);
    expect(JSON.parse(hubble.stdout).totals).toMatchObject({ records: 19, judged: 12, allowed: 9, denied: 3, malformed: 0 });
    expect(hubble.status).toBe(3);
  });

  it('runs replay --jobs 2 on worker threads from dist/replay-worker.js, with the --jobs 1 report', () => {
    const rows = readFileSync(join(ROOT, 'test/fixtures/flowlogs/flows.csv'), 'utf8').trim().split('\n');
    // Over 8 MiB, so that the workers start (smaller logs are replayed in one thread).
    const log = join(dir, 'big.csv');
    writeFileSync(log, `${rows[0]}\n${Array.from({ length: 150_000 }, (_, i) => rows[1 + (i % (rows.length - 1))]).join('\n')}\n`);
    const bundle = ['--bundle', join(ROOT, 'test/fixtures/flowlogs/cluster.yaml')];
    const one = run(['replay', ...bundle, '--jobs', '1', '--summary', 'json', log]);
    expect(one.stdout).toContain('"records":150000');
    const two = run(['replay', ...bundle, '--jobs', '2', '--summary', 'json', log]);
    expect({ status: two.status, stdout: two.stdout, stderr: two.stderr }).toEqual({ status: one.status, stdout: one.stdout, stderr: one.stderr });
  });

  it("runs the README's library example", () => {
    writeFileSync(join(dir, 'cluster.yaml'), readFileSync(DEMO[0]!));
    mkdirSync(join(dir, 'policies'), { recursive: true });
    copyFileSync(DEMO[1]!, join(dir, 'policies', 'ns1.yaml'));
    writeFileSync(join(dir, 'example.mjs'), readmeExample());
    const result = spawnSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe("true { policy: { namespace: 'ns1', name: 'test-network-policy' }, rule: 0 }\n[ false, 'dst: required' ]\n");
  });

  it('serves a bundle under Miniflare with the web console, and --watch republishes a good edit and keeps the last good version on a bad one', async () => {
    const manifests = join(dir, 'watched');
    mkdirSync(manifests, { recursive: true });
    copyFileSync(DEMO[0]!, join(manifests, 'cluster.yaml'));
    const policy = readFileSync(DEMO[1]!, 'utf8');
    writeFileSync(join(manifests, 'policy.yaml'), policy);
    writeFileSync(join(manifests, 'kustomization.yaml'), 'resources: [cluster.yaml, policy.yaml]\n');
    const port = await freePort();
    const server = spawn(BIN, ['serve', '--port', String(port), '--state', join(dir, 'state'), '--bundle', `prod=${manifests}`, '--watch'], {
      cwd: dir,
      env: { ...process.env, NETPOL_EDGE_ADMIN_TOKEN: 'package-test-admin-token' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collect(server);
    try {
      await waitFor(() => output.text.includes('listening on'), 60_000, output);
      const base = `http://127.0.0.1:${port}/v1/bundles/prod`;
      const decide = async () => (await (await fetch(`${base}/decide`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"src":"ns2/search","dst":"ns1/web","port":80}' })).json()) as { allowed: boolean; version: string };
      const first = await decide();
      expect(first.allowed).toBe(false);
      expect(output.text).not.toContain('package-test-admin-token');
      await expectConsole(`http://127.0.0.1:${port}`);

      writeFileSync(join(manifests, 'policy.yaml'), policy.replaceAll('ns3', 'ns2'));
      await waitFor(async () => (await decide()).allowed, 30_000, output);
      const second = await decide();
      expect(second.version).not.toBe(first.version);

      writeFileSync(join(manifests, 'policy.yaml'), `${policy}\n  - bad: [\n`);
      await waitFor(() => output.text.includes('the last good version keeps serving'), 30_000, output);
      expect(await decide()).toMatchObject({ allowed: true, version: second.version });
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
    }
  }, 180_000);
});

/** The console's page at / and at a shared /ui/ link, its script, all with the security headers. */
async function expectConsole(origin: string): Promise<void> {
  for (const path of ['/', '/ui/matrix?bundle=prod']) {
    const page = await fetch(`${origin}${path}`);
    expect(page.status, path).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<title>');
    expect(html).toContain('/ui/app.js');
  }
  const script = await fetch(`${origin}/ui/app.js`);
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toMatch(/javascript/);
  expect((await script.text()).length).toBeGreaterThan(10_000);
}

function collect(child: ChildProcess): { text: string } {
  const output = { text: '' };
  child.stdout?.on('data', (d: Buffer) => (output.text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output.text += d.toString()));
  return output;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, output: { text: string }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out; serve printed:\n${output.text}`);
}
