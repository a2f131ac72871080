import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report too, to print one plain "N passed, N failed" line at the end.
const jsonReport = process.env.NETPOL_EDGE_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});
