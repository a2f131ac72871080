/**
 * @module A running netpol-edge service behind the Engine interface (what `replay --url` uses):
 * `explain` is `POST {bundle URL}/decide?explain=true`, `decide` and `decideBatch` are NDJSON
 * batches to `POST {bundle URL}/decide/batch?sides=true`, `decideRecords` is the binary batch of
 * the same route. Every request is retried with backoff on 429, 5xx and network failures, and
 * stopped with a clear message on any other 4xx (a wrong token or an unknown bundle will not get
 * better by retrying); a flow the service refuses (400 invalid-flow, or an error line) is a
 * FlowError, as from an in-process engine. `version` is the bundle version that last answered.
 */
import { FlowError } from '../model/errors.js';
import type { Decision, Verdict } from '../model/decision.js';
import type { EndpointSpec, Flow } from '../model/flow.js';
import type { Engine } from './engine.js';

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
  /** Attempts per request before giving up (the first one included). */
  readonly attempts?: number;
  /** First backoff; doubles each retry (a Retry-After header wins). */
  readonly backoffMs?: number;
  /** The transport; the global fetch by default (tests hand requests to the app in-process). */
  readonly fetch?: typeof fetch;
}

/** How a flow travels as JSON: endpoints in the CLI's flow format. */
function flowJSON(flow: Flow): string {
  const endpoint = (spec: EndpointSpec): unknown =>
    spec.kind === 'ref' ? spec.ref : spec.kind === 'ip' ? spec.ip : { namespace: spec.pod.namespace, labels: spec.pod.labels, ports: spec.pod.ports };
  return JSON.stringify({ src: endpoint(flow.src), dst: endpoint(flow.dst), protocol: flow.protocol, port: flow.port });
}

/** The single-decision answer with `explain=true` (worker/app.ts). */
interface ExplainedAnswer {
  readonly allowed: boolean;
  readonly reason: Decision['reason'];
  readonly deniedBy?: Decision['deniedBy'];
  readonly explanation: { readonly egress?: Decision['egress']; readonly ingress?: Decision['ingress'] };
}

export class RemoteEngine implements Engine {
  readonly kind = 'remote';
  private readonly url: string;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private answeredBy: string | null = null;

  constructor(private readonly options: RemoteOptions) {
    const url = options.url.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+\/v1\/bundles\/[a-z0-9-]+$/.test(url)) {
      throw new RemoteError(`--url ${options.url}: expected http(s)://HOST/v1/bundles/NAME`);
    }
    this.url = url;
    this.attempts = options.attempts ?? 6;
    this.backoffMs = options.backoffMs ?? 250;
  }

  get version(): string | null {
    return this.answeredBy;
  }

  async explain(flow: Flow): Promise<Decision> {
    const response = await this.post('/decide?explain=true', 'application/json', flowJSON(flow), true);
    const answer = (await response.json()) as ExplainedAnswer;
    const { egress, ingress } = answer.explanation;
    return { allowed: answer.allowed, reason: answer.reason, deniedBy: answer.deniedBy ?? [], ...(egress && ingress ? { egress, ingress } : {}) };
  }

  /** One flow of a batch: the single-decision route answers without the sides. */
  async decide(flow: Flow): Promise<Verdict> {
    const [verdict] = await this.decideBatch([flow]);
    if (verdict instanceof FlowError) throw verdict;
    return verdict!;
  }

  async decideBatch(flows: readonly Flow[]): Promise<(Verdict | FlowError)[]> {
    // With the sides, a report can say what decided each flow, as from an in-process engine.
    const response = await this.post('/decide/batch?sides=true', 'application/x-ndjson', `${flows.map(flowJSON).join('\n')}\n`);
    return parseAnswers(await response.text(), flows.length).map(([verdict]) => verdict);
  }

  /**
   * Each flow decided by the active version and by the stored version `baseline` of the same
   * bundle in one request (`?compare=`): what remote staged-change replay asks.
   */
  async decideAgainst(baseline: string, flows: readonly Flow[]): Promise<{ verdicts: (Verdict | FlowError)[]; baseline: (Verdict | FlowError)[] }> {
    const path = `/decide/batch?sides=true&compare=${encodeURIComponent(baseline)}`;
    const response = await this.post(path, 'application/x-ndjson', `${flows.map(flowJSON).join('\n')}\n`);
    const pairs = parseAnswers(await response.text(), flows.length);
    return {
      verdicts: pairs.map(([verdict]) => verdict),
      baseline: pairs.map(([verdict, other]) => {
        if (verdict instanceof FlowError) return verdict; // refused before either version judged it
        if (other === undefined) throw new RemoteError('the service answered without the baseline verdict: does it support ?compare=?');
        return other;
      }),
    };
  }

  async decideRecords(records: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const response = await this.post('/decide/batch', 'application/octet-stream', records, true);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** The JSON of one of the bundle's read routes (`/rules?version=V`), with the same retries. */
  async readJSON(path: string): Promise<unknown> {
    const response = await this.send(path, { method: 'GET' });
    return response.json();
  }

  private post(path: string, type: string, body: string | Uint8Array, flowErrors = false): Promise<Response> {
    return this.send(path, { method: 'POST', type, body }, flowErrors);
  }

  /**
   * Sends with retries; the 2xx response, its version noted. With `flowErrors`, a 400 about the
   * request's content (a flow the service refuses) is a FlowError rather than a RemoteError.
   */
  private async send(path: string, request: { method: string; type?: string; body?: string | Uint8Array }, flowErrors = false): Promise<Response> {
    const endpoint = `${this.url}${path}`;
    const headers: Record<string, string> = {};
    if (request.type) headers['content-type'] = request.type;
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await (this.options.fetch ?? fetch)(endpoint, {
          method: request.method,
          headers,
          body: request.body as BodyInit | undefined,
        });
      } catch (error) {
        if (attempt >= this.attempts) throw new RemoteError(`${endpoint}: ${(error as Error).message} (after ${attempt} attempts)`);
        await sleep(this.backoffMs * 2 ** (attempt - 1));
        continue;
      }
      if (response.ok) {
        this.answeredBy = response.headers.get('x-netpol-edge-version') ?? this.answeredBy;
        return response;
      }
      const text = await response.text();
      const error = errorOf(text);
      if (flowErrors && response.status === 400 && (error?.code === 'invalid-flow' || error?.code === 'invalid-records')) {
        throw new FlowError(error.message);
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= this.attempts) {
        const described = error ? `${error.code}: ${error.message}` : text.slice(0, 200);
        throw new RemoteError(`${endpoint}: ${response.status} ${described}${retryable ? ` (after ${attempt} attempts)` : ''}`);
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
function parseAnswers(text: string, expected: number): [Answer, Answer | undefined][] {
  const lines = text.split('\n').filter((l) => l !== '');
  const answers = lines.map((line): [Answer, Answer | undefined] => {
    const value = JSON.parse(line) as Verdict & { error?: unknown; baseline?: Verdict & { error?: unknown } };
    if (typeof value.error === 'string') return [new FlowError(value.error.replace(/^line \d+: /, '')), undefined];
    // An error object ends a stream the service could not finish: the rest has no answer.
    if (value.error !== undefined) throw new RemoteError(`the service stopped mid-batch: ${JSON.stringify(value.error)}`);
    const { baseline, ...answer } = value;
    // A verdict line leaves deniedBy off an allowed flow; a Verdict always has it.
    const verdict = { ...answer, deniedBy: answer.deniedBy ?? [] };
    if (baseline === undefined) return [verdict, undefined];
    return [verdict, typeof baseline.error === 'string' ? new FlowError(baseline.error) : { ...baseline, deniedBy: baseline.deniedBy ?? [] }];
  });
  if (answers.length !== expected) {
    // A batch that ended early (the service failed mid-stream) is not an answer for the rest.
    throw new RemoteError(`the service answered ${answers.length} of ${expected} flows${lines.length ? `: ${lines[lines.length - 1]}` : ''}`);
  }
  return answers;
}

/** The service's error body (worker/errors.ts), when the text is one. */
function errorOf(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return { code: body.error.code ?? 'error', message: body.error.message };
  } catch {
    // not our error shape
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
