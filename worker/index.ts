/** @module The Worker: the Hono app, and the Durable Object class it stores bundles in. */
import { app } from './app.js';

export { BundleStore } from './store.js';
export default app;
