import { ENGINES } from './cases/engine.js';
import { semanticsCases } from './cases/semantics.js';
import { runCaseGroups } from './cases/suite.js';

for (const engine of ENGINES) runCaseGroups(engine, [semanticsCases]);
