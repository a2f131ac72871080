import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report too, to print one plain "N passed, N failed" line at the end.
const jsonReport = process.env.NETPOL_EDGE_VITEST_JSON;

export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
    projects: [
      {
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts', 'ui/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The HTTP API inside workerd, with the Durable Object store, as wrangler.toml declares it.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: { ADMIN_TOKEN: 'test-admin-token', QUERY_TOKEN: 'test-query-token' } },
          }),
        ],
        test: {
          name: 'workerd',
          include: ['worker/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
