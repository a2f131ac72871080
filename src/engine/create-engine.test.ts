import { describe, expect, it } from 'vitest';
import { compileBundle } from '../compile/compile.js';
import { decodeFlow } from '../flow/decode.js';
import { ingestSources } from '../ingest/bundle.js';
import { createEngine } from './create-engine.js';
import { loadCoreModule } from './node-core.js';
import { RemoteError } from './remote-engine.js';

const bundle = ingestSources([
  {
    name: 'two.yaml',
    text: `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns, labels: {app: a}}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns, labels: {app: b}}
status: {podIP: 10.0.0.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-a, namespace: ns}
spec: {podSelector: {matchLabels: {app: b}}, ingress: [{from: [{podSelector: {matchLabels: {app: a}}}]}]}
`,
  },
]).bundle!;

describe('createEngine', () => {
  it('makes every kind, each answering alike', async () => {
    const core = loadCoreModule();
    const engines = [
      createEngine({ kind: 'reference', bundle, version: 'v1' }),
      createEngine({ kind: 'wasm', bundle, core, version: 'v1' }),
      createEngine({ kind: 'wasm', image: compileBundle(bundle).image, core, version: 'v1' }),
    ];
    expect(engines.map((e) => [e.kind, e.version])).toEqual([['reference', 'v1'], ['wasm', 'v1'], ['wasm', 'v1']]);
    const flows = [decodeFlow({ src: 'ns/a', dst: 'ns/b', port: 80 }), decodeFlow({ src: 'ns/b', dst: 'ns/a', port: 80 }), decodeFlow({ src: '10.0.0.2', dst: '10.0.0.1', port: 80 })];
    const answers = await Promise.all(engines.map((e) => e.decideBatch(flows)));
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.map((v) => 'allowed' in v && v.allowed)).toEqual([true, true, true]);
    const denied = decodeFlow({ src: '192.0.2.1', dst: 'ns/b', port: 80 });
    for (const engine of engines) expect((await engine.decide(denied)).allowed).toBe(false);
  });

  it('refuses a URL that is not a bundle URL', () => {
    expect(() => createEngine({ kind: 'remote', url: 'http://127.0.0.1:8787/v1/other' })).toThrow(RemoteError);
    expect(createEngine({ kind: 'remote', url: 'http://127.0.0.1:8787/v1/bundles/shop/' }).version).toBeNull();
  });
});
