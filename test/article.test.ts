import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ingestSources } from '../src/ingest/bundle.js';
import { ENGINES } from './cases/engine.js';
import { articleExamples } from './cases/article.js';
import { runCaseGroups } from './cases/suite.js';

for (const engine of ENGINES) runCaseGroups(engine, [articleExamples]);

describe('article example 4 as printed', () => {
  it('draws a warning that its ingress rule is ignored and it denies all egress', () => {
    const file = 'examples/article/4-allow-all-egress-as-printed.yaml';
    const result = ingestSources([{ name: file, text: readFileSync(file, 'utf8') }]);
    const warning = result.diagnostics.find((d) => d.code === 'suspicious' && d.path === 'spec.ingress');
    expect(warning).toMatchObject({
      severity: 'warning',
      object: { kind: 'NetworkPolicy', namespace: 'default', name: 'allow-all-ingress' },
      location: { file, document: 1, line: 11 },
    });
    expect(warning?.message).toMatch(/policyTypes does not list Ingress.*denies all egress/);
  });
});
