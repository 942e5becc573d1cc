import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const TEST_SITE = join(ROOT, 'tests/fixtures/test-site.yaml')
