import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Source of the sensor wall (plain TypeScript, bundled by gateway/web-bundle.ts). */
export const WEB_SRC = join(dirname(fileURLToPath(import.meta.url)), 'web')
/** Where the wall is built to and served from (gitignored); apart from the bundler, which is a dev tool. */
export const WEB_DIST = join(WEB_SRC, 'dist')
