/**
 * @module Rows for the installed CLI's cold start: `netpol-edge --help` (`cli-start-help`, target
 * 200 ms) and `check` on the demo (`cli-start-check`, target 400 ms), run from the built dist/ as a
 * user's shell runs it, beside `node -e 0` measured in the same run (the floor no CLI can beat);
 * and `serve-ready`, from `netpol-edge serve --bundle` to its first answer (target 3 s).
 * Size-independent: measured once, at the first size of a run. `tsx bench/cli-start.ts` runs these
 * rows alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPackage } from '../scripts/build.js';
import type { Row, RowProducer } from './rows.js';
import { median, now, since } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = `${ROOT}dist/netpol-edge.js`;
const DEMO = ['examples/demo-cluster.yaml', 'examples/article/5-ns1-from-ns3-tcp-80.yaml'];

/** Median wall time of a fresh `node ARGS` process, in ms (one untimed run first, for the disk cache). */
function startMs(args: readonly string[], samples: number, expectStatus: number): number {
  const once = (): number => {
    const t = now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = since(t) / 1e6;
    if (result.status !== expectStatus) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    return elapsed;
  };
  once();
  return median(Array.from({ length: samples }, once));
}

export async function cliStartRows(samples: number): Promise<Row[]> {
  if (!existsSync(CLI)) await buildPackage();
  const node = startMs(['-e', '0'], samples, 0);
  const help = startMs([CLI, '--help'], samples, 0);
  const check = startMs([CLI, 'check', '--from', 'ns3/frontend', '--to', 'ns1/web', '--port', '80', ...DEMO], samples, 0);
  const serve = median([await serveReadyMs(), await serveReadyMs(), await serveReadyMs()]);
  const row = (metric: string, engine: string, value: number, unit = 'ms'): Row => ({ size: 'S', metric, engine, value, unit });
  return [
    row('serve-ready', 'miniflare', serve),
    row('cli-start-node', 'node -e 0', node),
    row('cli-start-help', 'dist', help),
    row('cli-start-check', 'dist', check),
    row('cli-start-help-vs-node', 'dist', help / node, 'x'),
    row('cli-start-check-vs-node', 'dist', check / node, 'x'),
  ];
}

/** Milliseconds from spawning `serve --port 0 --bundle demo=...` to its first decision. */
async function serveReadyMs(): Promise<number> {
  const t = now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--bundle', `demo=${DEMO[0]}`, '--bundle', `demo=${DEMO[1]}`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /listening on (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code} before it listened`)));
    });
    const response = await fetch(`${url}/v1/bundles/demo/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"src":"ns3/frontend","dst":"ns1/web","port":80}',
    });
    if (!((await response.json()) as { allowed?: boolean }).allowed) throw new Error('serve answered wrongly');
    return since(t) / 1e6;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

let measured = false;

export const cliStartProducer: RowProducer = {
  name: 'cli start',
  async produce(ctx) {
    if (measured) return [];
    measured = true;
    return (await cliStartRows(ctx.quick ? 5 : 15)).map((r) => ({ ...r, size: ctx.size }));
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await cliStartRows(Number(process.argv[2] ?? 15))) console.log(`${r.metric.padEnd(24)} ${r.engine.padEnd(10)} ${r.value.toFixed(r.unit === 'x' ? 2 : 1)} ${r.unit}`);
}
