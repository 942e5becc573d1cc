import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { WEB_SRC as WEB, WEB_DIST } from './web-dir.ts'

export { WEB_DIST }

/**
 * Bundles the sensor wall (gateway/web/src) into one script next to its page and style sheet. No
 * CDN at run time: the gateway serves everything the wall needs.
 */
export async function buildWeb(): Promise<void> {
  mkdirSync(WEB_DIST, { recursive: true })
  await build({
    entryPoints: [join(WEB, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: join(WEB_DIST, 'app.js'),
    logLevel: 'warning',
  })
  // The service worker is its own classic script at the root, so that its scope is the whole wall.
  await build({
    entryPoints: [join(WEB, 'src', 'sw.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    outfile: join(WEB_DIST, 'sw.js'),
    logLevel: 'warning',
  })
  for (const file of ['index.html', 'wall.css', 'building.css'])
    copyFileSync(join(WEB, file), join(WEB_DIST, file))
}
