/**
 * @module `GET /v1/bundles/:name/rules[?version=V]`: a stored version's rule list, every rule
 * (RULEREF) and the shadowed ones, from its canonical bundle (src/format/rule-list.ts). Remote
 * replay reads it to list unused and shadowed rules as a local replay does. Cached per version in
 * the isolate: versions are content hashes, so an answer never goes stale.
 */
import { ruleListJSON, ruleListOf } from '../src/format/rule-list.js';
import { AnalysisCache } from './analysis-cache.js';
import { versionOf, type AnalysisRequest } from './connectivity.js';
import { canonicalBundle } from './stored-bundles.js';

/** Rule lists are small beside connectivity answers: many versions fit. */
const lists = new AnalysisCache(64, 8 * 1024 * 1024);

export async function rulesResponse(request: AnalysisRequest): Promise<Response> {
  const version = await versionOf(request, request.query('version'), 'version');
  const { body, type, headers } = await lists.get(`rules/${version}`, async () => ({
    body: ruleListJSON(version, ruleListOf(await canonicalBundle(request.env, version))),
    type: 'application/json',
    headers: { 'x-netpol-edge-version': version },
  }));
  return new Response(body, { status: 200, headers: { 'content-type': type, ...headers } });
}
