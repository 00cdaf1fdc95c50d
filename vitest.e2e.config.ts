import { defineConfig } from 'vitest/config'

/**
 * End-to-end: the real Asterisk (pbx/), the real Chromium (Debian's), the real
 * SDK on both sides (dev/host plays HubSpot). One file at a time: they share
 * the PBX's extensions.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.ts'],
    globalSetup: ['tests/e2e/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
})
