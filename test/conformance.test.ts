import { ENGINES } from './cases/engine.js';
import { runCaseGroups } from './cases/suite.js';
import { conceptPage } from './conformance/concept-page.js';
import { tierConformance } from './conformance/tiers.js';
import { upstreamE2E } from './conformance/upstream-e2e.js';

for (const engine of ENGINES) runCaseGroups(engine, [upstreamE2E, conceptPage, tierConformance]);
