import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': import.meta.dirname,
      // server modules start with `import 'server-only'`, whose default entry throws outside Next's
      // `react-server` bundle; here they run in plain node, so it is the empty test/server-only.ts
      'server-only': `${import.meta.dirname}/test/server-only.ts`,
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Kernel-tier tests share one kernel: run files one at a time so timing-sensitive ones stay honest.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // every snapshot the watcher's quick path makes is checked against the full assemble (watch/quick.ts)
    env: { LINKSCAPE_WATCH_VERIFY: '1' },
  },
});
