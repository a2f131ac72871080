/** @module `netpol-edge validate`: every error and warning of a bundle, exit 1 on errors. */
import { formatDiagnostic } from '../src/ingest/diagnostics.js';
import { bundleHash } from '../src/model/serialize.js';
import { INPUT_LIMIT_HELP, readStrict } from './manifests.js';
import { EXIT } from './usage.js';

export const VALIDATE_HELP = `netpol-edge validate: check manifests as the API server would.

Usage:
  netpol-edge validate [-n NS] [--json] MANIFEST...

Prints every error and warning with its file, line, object and field path, then a summary.
Warnings flag valid policies that probably do not do what was meant: rules of a direction that
policyTypes does not list, egress isolation with no DNS allowance, CIDRs with host bits set,
ignored kinds, implicit namespaces. Exit code 0 valid, 1 errors, 2 unreadable input.

Options:
  -n, --namespace NS      namespace for objects that name none (default: default)
  --json                  print {"valid", "hash", "counts", "diagnostics"} as JSON
${INPUT_LIMIT_HELP}
  -h, --help              this help

Example:
  netpol-edge validate examples/article/4-allow-all-egress-as-printed.yaml`;

export async function runValidate(argv: readonly string[]): Promise<number> {
  const read = await readStrict(argv, VALIDATE_HELP);
  if (!read) return EXIT.ok;
  const { result, valid } = read;
  const hash = result.bundle ? await bundleHash(result.bundle) : undefined;
  if (read.json) {
    process.stdout.write(`${JSON.stringify({ valid, hash, counts: result.counts, diagnostics: result.diagnostics })}\n`);
    return valid ? EXIT.ok : EXIT.invalid;
  }
  for (const diagnostic of result.diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  const c = result.counts;
  const summary = valid
    ? `valid: ${c.namespaces} namespaces, ${c.pods} pods, ${c.workloadPods} workload pods, ${c.policies} policies; ${hash}`
    : 'invalid';
  process.stdout.write(`${summary} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`);
  return valid ? EXIT.ok : EXIT.invalid;
}
