/**
 * @module `wrangler dev` as a child process on a free loopback port, for end-to-end tests and the
 * HTTP benchmark: started with its own state directory and tokens, stopped with its whole process
 * group (wrangler runs workerd as a child).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface DevServer {
  readonly url: string;
  readonly port: number;
  /** The process group of wrangler and its workerd. */
  readonly processGroup: number;
  stop(): Promise<void>;
  /** SIGKILL to the whole process group at once, as a crash or an OOM kill would end it. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  readonly stateDir: string;
  readonly port?: number;
  /** Another wrangler.toml than the project's (the soak's baseline Worker). */
  readonly config?: string;
  readonly vars?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** `fetch` against a server's path with a bearer token: `defaultToken` unless the call names one. */
export function bearerFetch(server: () => DevServer, defaultToken: string) {
  return (path: string, init: RequestInit & { token?: string } = {}): Promise<Response> =>
    fetch(`${server().url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${init.token ?? defaultToken}`, ...(init.headers as Record<string, string>) },
    });
}

/** Starts `wrangler dev` and resolves once /healthz answers. */
export async function startWrangler(options: StartOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      options.stateDir,
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      ...(options.config ? ['--config', options.config] : []),
      ...vars,
    ],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, port, processGroup: child.pid!, stop: () => stop(child), kill: () => kill(child) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop(child);
  throw new Error(`wrangler dev did not answer within the time limit:\n${output}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
