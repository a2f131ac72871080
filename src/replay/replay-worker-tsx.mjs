// The replay worker's entry in development, where the CLI runs TypeScript through tsx: a worker
// thread does not inherit the main thread's loader (and Node 20 ignores --import in a worker's
// execArgv), so it registers tsx itself before loading the TypeScript entry. The built package
// runs dist/replay-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./replay-worker.ts');
