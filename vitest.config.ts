import { defineConfig } from 'vitest/config';

// Four layers: unit, integration, infra, e2e. `npm test` runs the fast three first, then e2e on its own.
export default defineConfig({
  test: {
    maxWorkers: 2,
    // Lambda runs Node 22; these machines run 20. The SDK's upgrade notice is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
