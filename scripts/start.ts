/**
 * @module `npm start`: the Worker under `wrangler dev` on 127.0.0.1:8787 (state persisted in
 * .wrangler/state), the demo bundle served as `demo`, and an admin token ready. Arguments go to
 * wrangler and override the defaults: `npm start -- --ip 0.0.0.0 --port 9000 --var ADMIN_TOKEN:secret`.
 */
import { spawn } from 'node:child_process';
import { ensureAdminToken } from './dev-vars.js';
import { flagValue, START_DEFAULTS, wranglerDevArgs } from './wrangler-args.js';

const args = process.argv.slice(2);
const adminFromArgs = args.some((a, i) => (a === '--var' && args[i + 1]?.startsWith('ADMIN_TOKEN:')) || a.startsWith('--var=ADMIN_TOKEN:'));
const port = flagValue(args, '--port') ?? START_DEFAULTS['--port'];

if (!adminFromArgs) {
  const { token, generated } = ensureAdminToken('.dev.vars');
  process.stderr.write(
    `${generated ? 'Generated an admin token in .dev.vars' : 'Admin token (from .dev.vars)'}: ${token}\n` +
      `  publish: curl -X PUT http://127.0.0.1:${port}/v1/bundles/NAME -H 'authorization: Bearer ${token}' ` +
      `-H 'content-type: application/yaml' --data-binary @manifests.yaml\n` +
      '  decisions need no token locally (QUERY_TOKEN is unset); the demo bundle is "demo".\n',
  );
}

const wrangler = spawn('npx', ['wrangler', ...wranglerDevArgs(args)], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
