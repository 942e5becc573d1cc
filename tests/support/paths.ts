import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const TEST_SITE = join(ROOT, 'tests/fixtures/test-site.yaml')
/** Screenshots of the browser tests, for a person to look at: gitignored and never compared. */
export const SCREENSHOTS = join(ROOT, 'tests/e2e/out')
