import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

/** Debian's chromium; CHROMIUM_PATH points elsewhere (never a browser downloaded by playwright). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export interface TestBrowser {
  context: BrowserContext
  close(): Promise<void>
}

/** A real chromium with a fresh profile (user-data-dir), so no token or cache leaks between runs. */
export async function launchChromium(
  viewport = { width: 1920, height: 1080 },
  /**
   * The browser's language (navigator.language) and time zone, the machine's when unset; and for a
   * phone, touch and mobile emulation (isMobile, hasTouch, deviceScaleFactor).
   */
  place: {
    locale?: string
    timezoneId?: string
    isMobile?: boolean
    hasTouch?: boolean
    deviceScaleFactor?: number
  } = {},
): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: the sensor-wall tests need a real browser. Install it with ` +
        '`sudo apt-get install -y chromium` (or scripts/install-test-deps.sh), or set CHROMIUM_PATH.',
    )
  }
  const profile = mkdtempSync(join(tmpdir(), 'firewatch-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    ...place,
  })
  // Under a shifted test clock (tests/support/shifted-clock.mjs) the page's clock starts where the
  // test's is (this process's Date is shifted), and runs on from there.
  if (process.env.FIREWATCH_TEST_SITE_TIME) await context.clock.install({ time: Date.now() })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
