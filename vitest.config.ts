import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// FIREWATCH_TEST_SITE_TIME=00:30: every test process starts at that site-local time (README "Tests at
// any hour"); NODE_OPTIONS reaches the test workers and every process they start.
if (process.env.FIREWATCH_TEST_SITE_TIME) {
  const preload = fileURLToPath(new URL('./tests/support/shifted-clock.mjs', import.meta.url))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim()
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers on free ports; two workers match the 2-core machine.
    maxWorkers: 2,
  },
})
