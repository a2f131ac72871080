/**
 * @module The rule list of the bundle a remote replay ran against: `GET {bundle URL}/rules` for
 * the version that answered its flows (worker/rules.ts), so that a remote report lists unused and
 * shadowed rules as a local one does.
 */
import type { RemoteEngine } from '../src/engine/remote-engine.js';
import { RemoteError } from '../src/engine/remote-engine.js';
import type { RuleList } from '../src/format/rule-list.js';

/**
 * The rules of the version that decided the flows (the active one when no flow was decided);
 * undefined, with a note on stderr, from a service too old to have the route.
 */
export async function remoteRuleList(engine: RemoteEngine): Promise<RuleList | undefined> {
  const version = engine.version;
  let answer: unknown;
  try {
    answer = await engine.readJSON(`/rules${version ? `?version=${encodeURIComponent(version)}` : ''}`);
  } catch (error) {
    if (!(error instanceof RemoteError && / 404 not-found: /.test(error.message))) throw error;
    process.stderr.write('netpol-edge: the service has no GET .../rules (an older version): unused and shadowed rules are not listed\n');
    return undefined;
  }
  const list = answer as Partial<RuleList> | null;
  if (!list || !Array.isArray(list.rules) || !Array.isArray(list.shadowedRules)) {
    throw new RemoteError('the service answered GET .../rules without {"rules", "shadowedRules"}');
  }
  return { rules: list.rules, shadowedRules: list.shadowedRules };
}
