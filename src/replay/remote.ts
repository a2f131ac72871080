/**
 * @module Deciding flows with a running netpol-edge service: NDJSON batches to
 * `POST {bundle URL}/decide/batch`, retried with backoff on 429, 5xx and network failures, and
 * stopped with a clear message on any other 4xx (a wrong token or an unknown bundle will not get
 * better by retrying).
 */
import { FlowError } from '../model/errors.js';
import type { Verdict } from '../model/decision.js';
import type { EndpointSpec, Flow } from '../model/flow.js';

export class RemoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteError';
  }
}

export interface RemoteOptions {
  /** The bundle's URL: http://host:8787/v1/bundles/NAME */
  readonly url: string;
  readonly token?: string;
  /** Attempts per batch before giving up (the first one included). */
  readonly attempts?: number;
  /** First backoff; doubles each retry (a Retry-After header wins). */
  readonly backoffMs?: number;
  /**
   * A stored version of the same bundle to compare with: each answer then also carries the
   * baseline's verdict (`?compare=VERSION`), read by `decideBoth`.
   */
  readonly compare?: string;
}

export interface RemoteBatch {
  readonly verdicts: (Verdict | FlowError)[];
  /** The bundle version that answered. */
  readonly version: string | null;
}

/** A compared batch: the active version's verdicts and the baseline version's. */
export interface RemoteComparedBatch extends RemoteBatch {
  readonly baseline: (Verdict | FlowError)[];
}

/** How a flow travels as JSON: endpoints in the CLI's flow format. */
function flowJSON(flow: Flow): string {
  const endpoint = (spec: EndpointSpec): unknown =>
    spec.kind === 'ref' ? spec.ref : spec.kind === 'ip' ? spec.ip : { namespace: spec.pod.namespace, labels: spec.pod.labels, ports: spec.pod.ports };
  return JSON.stringify({ src: endpoint(flow.src), dst: endpoint(flow.dst), protocol: flow.protocol, port: flow.port });
}

export class RemoteDecider {
  private readonly endpoint: string;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly options: RemoteOptions) {
    const url = options.url.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+\/v1\/bundles\/[a-z0-9-]+$/.test(url)) {
      throw new RemoteError(`--url ${options.url}: expected http(s)://HOST/v1/bundles/NAME`);
    }
    // With the sides, the report can say what decided each group, as local replay does.
    const compare = options.compare === undefined ? '' : `&compare=${encodeURIComponent(options.compare)}`;
    this.endpoint = `${url}/decide/batch?sides=true${compare}`;
    this.attempts = options.attempts ?? 6;
    this.backoffMs = options.backoffMs ?? 250;
  }

  async decideBatch(flows: readonly Flow[]): Promise<RemoteBatch> {
    const { text, version } = await this.post(flows);
    return { verdicts: parseVerdicts(text, flows.length).map(([verdict]) => verdict), version };
  }

  /** Both verdicts per flow; needs the `compare` option. */
  async decideBoth(flows: readonly Flow[]): Promise<RemoteComparedBatch> {
    if (this.options.compare === undefined) throw new RemoteError('decideBoth needs a version to compare with');
    const { text, version } = await this.post(flows);
    const pairs = parseVerdicts(text, flows.length);
    const baseline = pairs.map(([verdict, other]) => {
      if (verdict instanceof FlowError) return verdict; // refused before either version judged it
      if (other === undefined) throw new RemoteError('the service answered without the baseline verdict: does it support ?compare=?');
      return other;
    });
    return { verdicts: pairs.map(([verdict]) => verdict), baseline, version };
  }

  private async post(flows: readonly Flow[]): Promise<{ text: string; version: string | null }> {
    const body = `${flows.map(flowJSON).join('\n')}\n`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(this.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          },
          body,
        });
      } catch (error) {
        if (attempt >= this.attempts) throw new RemoteError(`${this.endpoint}: ${(error as Error).message} (after ${attempt} attempts)`);
        await sleep(this.backoffMs * 2 ** (attempt - 1));
        continue;
      }
      if (response.ok) return { text: await response.text(), version: response.headers.get('x-netpol-edge-version') };
      const text = await response.text();
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= this.attempts) {
        throw new RemoteError(`${this.endpoint}: ${response.status} ${describeError(text)}${retryable ? ` (after ${attempt} attempts)` : ''}`);
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoffMs * 2 ** (attempt - 1));
    }
  }
}

type Answer = Verdict | FlowError;

/**
 * One verdict line per flow, in order; an `{"error"}` line is that flow's refusal. With
 * ?compare=, each line also carries `baseline`: that version's verdict, or its `{"error"}`.
 */
function parseVerdicts(text: string, expected: number): [Answer, Answer | undefined][] {
  const lines = text.split('\n').filter((l) => l !== '');
  const verdicts = lines.map((line): [Answer, Answer | undefined] => {
    const value = JSON.parse(line) as Verdict & { error?: unknown; baseline?: Verdict & { error?: unknown } };
    if (typeof value.error === 'string') return [new FlowError(value.error.replace(/^line \d+: /, '')), undefined];
    // An error object ends a stream the service could not finish: the rest has no answer.
    if (value.error !== undefined) throw new RemoteError(`the service stopped mid-batch: ${JSON.stringify(value.error)}`);
    const { baseline, ...verdict } = value;
    if (baseline === undefined) return [verdict, undefined];
    return [verdict, typeof baseline.error === 'string' ? new FlowError(baseline.error) : baseline];
  });
  if (verdicts.length !== expected) {
    // A batch that ended early (the service failed mid-stream) is not an answer for the rest.
    throw new RemoteError(`the service answered ${verdicts.length} of ${expected} flows${lines.length ? `: ${lines[lines.length - 1]}` : ''}`);
  }
  return verdicts;
}

function describeError(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return `${body.error.code ?? 'error'}: ${body.error.message}`;
  } catch {
    // not our error shape
  }
  return text.slice(0, 200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
