/**
 * @module The library API (`import { loadBundle, createEngine } from 'netpol-edge'`): manifests
 * from text or files to a validated bundle with its diagnostics, and an engine (the compiled WASM
 * core, or the spec-literal reference evaluator) that decides and explains flows. A thin front end
 * over the same ingest and engines as the CLI and the Worker.
 */
import { loadCoreModule } from './engine/node-core.js';
import { createEngine as createCoreEngine } from './engine/create-engine.js';
import { decodeFlow } from './flow/decode.js';
import { ingestSources, type BundleCounts } from './ingest/bundle.js';
import { BundleError, hasErrors, type Diagnostic } from './ingest/diagnostics.js';
import { readManifestFiles } from './ingest/files.js';
import type { Bundle } from './model/bundle.js';
import type { Decision, Verdict } from './model/decision.js';
import { FlowError } from './model/errors.js';
import type { Flow } from './model/flow.js';
import { bundleHash } from './model/serialize.js';

export { BundleError, formatDiagnostic, type Diagnostic } from './ingest/diagnostics.js';
export { ManifestFileError } from './ingest/files.js';
export { FlowError } from './model/errors.js';
export { explainDecision, summarizeDecision } from './format/explanation.js';
export type { Bundle, BundleCounts, Decision, Verdict, Flow };

/** Manifests as YAML or JSON text (multi-document, List), or paths to files and directories. */
export type ManifestInput = string | { readonly text: string; readonly name?: string } | { readonly files: readonly string[] };

export interface LoadOptions {
  /** Namespace for objects that name none (default `default`). */
  readonly namespace?: string;
  /** Overrides a BundleOptions object in the manifests. */
  readonly ipBlockMatchesPods?: boolean;
  /** Drop invalid objects (their errors become warnings) instead of refusing the whole input. */
  readonly skipInvalid?: boolean;
}

export interface LoadedBundle {
  /** Undefined when any diagnostic is an error: never a partial bundle. */
  readonly bundle: Bundle | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly counts: BundleCounts;
}

/**
 * Reads and validates manifests as the CLI does (directories recursively; scanned files with no
 * Kubernetes object skipped with a warning). Problems in the manifests are diagnostics; an
 * unreadable path is a ManifestFileError.
 */
export async function loadBundle(input: ManifestInput, options: LoadOptions = {}): Promise<LoadedBundle> {
  const sources =
    typeof input === 'string'
      ? [{ name: '<text>', text: input }]
      : 'files' in input
        ? await readManifestFiles(input.files)
        : [{ name: input.name ?? '<text>', text: input.text }];
  return ingestSources(sources, {
    defaultNamespace: options.namespace,
    options: { ipBlockMatchesPods: options.ipBlockMatchesPods },
    skipInvalid: options.skipInvalid ?? false,
  });
}

/**
 * A flow as the CLI's `eval` and the HTTP API take it: endpoints are `ns/name`, `ns/kind/name`,
 * an IP, or `{namespace, labels, ports?}`; protocol TCP (default), UDP or SCTP.
 */
export interface FlowInput {
  readonly src: string | object;
  readonly dst: string | object;
  readonly port: number;
  readonly protocol?: string;
}

export type EngineKind = 'wasm' | 'reference';

export interface NetpolEngine {
  readonly kind: EngineKind;
  /** The bundle's content version, `sha256:...`, as the Worker names versions. */
  readonly version: string;
  /** The decision with both sides: isolation, isolating policies and the deciding rule. */
  explain(flow: FlowInput): Promise<Decision>;
  /** The verdict alone (cheaper); throws FlowError for a flow it cannot answer. */
  decide(flow: FlowInput): Promise<Verdict>;
  /** Many flows at once, in order; a flow that cannot be answered gets its FlowError in its place. */
  decideBatch(flows: readonly FlowInput[]): Promise<(Verdict | FlowError)[]>;
}

/** An engine over a bundle; a LoadedBundle with errors is refused with a BundleError. */
export async function createEngine(input: Bundle | LoadedBundle, options: { readonly kind?: EngineKind } = {}): Promise<NetpolEngine> {
  const bundle = 'diagnostics' in input ? usableBundle(input) : input;
  const kind = options.kind ?? 'wasm';
  if (kind !== 'wasm' && kind !== 'reference') throw new TypeError(`unknown engine kind ${JSON.stringify(kind)}; use wasm or reference`);
  const version = await bundleHash(bundle);
  const engine = kind === 'wasm' ? createCoreEngine({ kind, core: loadCoreModule(), bundle, version }) : createCoreEngine({ kind, bundle, version });
  return {
    kind,
    version,
    explain: async (flow) => engine.explain(decodeFlow(flow)),
    decide: async (flow) => engine.decide(decodeFlow(flow)),
    decideBatch: async (inputs) => {
      const answers: (Verdict | FlowError)[] = new Array(inputs.length);
      const flows: Flow[] = [];
      const slots: number[] = [];
      inputs.forEach((input, i) => {
        try {
          flows.push(decodeFlow(input));
          slots.push(i);
        } catch (error) {
          if (!(error instanceof FlowError)) throw error;
          answers[i] = error;
        }
      });
      (await engine.decideBatch(flows)).forEach((answer, k) => (answers[slots[k]!] = answer));
      return answers;
    },
  };
}

function usableBundle(loaded: LoadedBundle): Bundle {
  if (!loaded.bundle || hasErrors(loaded.diagnostics)) throw new BundleError(loaded.diagnostics);
  return loaded.bundle;
}
