/**
 * @module Counterexamples as a person reads them: the bundle as YAML manifests (short collections
 * inline, as `kubectl` users write them), then each disagreeing flow with both answers.
 */
import { Document, isMap, isSeq, stringify, visit } from 'yaml';
import type { Disagreement, Outcome } from './differential.js';

/** Collections whose JSON is at most this long are printed inline: `{name: a, namespace: alpha}`. */
const INLINE_WIDTH = 60;

export function manifestsYAML(objects: readonly unknown[]): string {
  return objects
    .map((object) => {
      // Generated bundles share constant objects (`{}`); print them in place, not as YAML aliases.
      const doc = new Document(object, { aliasDuplicateObjects: false });
      visit(doc, {
        Collection(_key, node) {
          if ((isMap(node) || isSeq(node)) && node !== doc.contents) {
            node.flow = JSON.stringify(node.toJSON()).length <= INLINE_WIDTH;
          }
        },
      });
      return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
    })
    .join('---\n');
}

export function formatOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'decision':
      return stringify(outcome.decision, { lineWidth: 0 }).trimEnd().replace(/\n/g, '\n    ');
    case 'refused':
      return `refused: ${outcome.message}`;
    case 'crashed':
      return `CRASHED: ${outcome.error}`;
    case 'inexpressible':
      return 'no form on this path';
  }
}

export function formatDisagreement(d: Disagreement): string {
  return [
    `flow #${d.index}: ${JSON.stringify(d.flow)}`,
    ...d.differences.map((line) => `  differs: ${line}`),
    `  ${d.reference}:\n    ${formatOutcome(d.expected)}`,
    ...(d.engine === d.reference ? [] : [`  ${d.engine}:\n    ${formatOutcome(d.actual)}`]),
  ].join('\n');
}

/** The bundle, then every disagreement: enough to turn into a case of test/cases by hand. */
export function formatCounterexample(objects: readonly unknown[], disagreements: readonly Disagreement[]): string {
  return [
    `# bundle (${objects.length} objects)`,
    manifestsYAML(objects).trimEnd(),
    '',
    `# ${disagreements.length} disagreement${disagreements.length === 1 ? '' : 's'}`,
    ...disagreements.map(formatDisagreement),
  ].join('\n');
}
