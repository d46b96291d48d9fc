/**
 * Playwright end-to-end config: drives Debian's Chromium (never a downloaded browser) against
 * browser mode (`brokerlab serve`), started by global-setup.ts on a data dir holding the flights
 * dataset. Tests run serially: they share one cluster.
 */
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  outputDir: '../../test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage']
    },
    trace: 'off',
    screenshot: 'only-on-failure'
  }
})
