/** @module The Worker's bindings and secrets (wrangler.toml, `.dev.vars` locally). */
import type { BundleStore } from './store.js';

export interface Env {
  /** The Durable Object holding every bundle's versions and active pointer. */
  readonly BUNDLES: DurableObjectNamespace<BundleStore>;
  /** Required for writes (upload, activate, delete, list). Unset: writes are refused. */
  readonly ADMIN_TOKEN?: string;
  /** When set, required for reads (decisions, bundle details); the admin token works too. */
  readonly QUERY_TOKEN?: string;
  /** "true": a request for the bundle `demo` creates it from the built-in demo when missing. */
  readonly DEMO_BUNDLE?: string;
  /** The web console's files (wrangler.toml [assets], built into ui/dist by `npm run build:ui`). */
  readonly ASSETS?: Fetcher;
  /** Pods per version analysed in one request (connectivity, diff, exposure); default in src/analysis/limits.ts. */
  readonly ANALYSIS_MAX_PODS?: string;
  /** The same for a connectivity answer with a focus. */
  readonly ANALYSIS_MAX_PODS_FOCUS?: string;
  /** Pods of the scope a focused connectivity answer is decided on. */
  readonly ANALYSIS_MAX_FOCUS_SCOPE?: string;
  /** Workloads and unowned pods per version in a whole-bundle analysis; default in src/analysis/limits.ts. */
  readonly ANALYSIS_MAX_ENDPOINTS?: string;
  /** Pods per version for a grouped connectivity answer (group=namespace, namespace=NS). */
  readonly ANALYSIS_MAX_PODS_GROUPED?: string;
}
