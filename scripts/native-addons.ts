import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { envFor, type NodeRuntime, ROOT, TOOLS } from './node-runtime.ts'

// better-sqlite3 is the one native addon the gateway loads. A build works for one Node ABI only
// (process.versions.modules), so running the suite on another Node line needs a rebuild (about
// 100 s, compiled against that line's headers). Each build is kept in .tools/native per ABI: going
// back to a line already built for is a file copy, and the machine's own node gets its build back
// when the suite is done, so `npm start` keeps working after `npm test`.

const PACKAGE_DIR = join(ROOT, 'node_modules', 'better-sqlite3')
const BINARY = join(PACKAGE_DIR, 'build', 'Release', 'better_sqlite3.node')

/** Makes node_modules/better-sqlite3 load in `node`: as it is, from the cache, or rebuilt. */
export function ensureBetterSqlite3(node: NodeRuntime): void {
  if (loads(node)) {
    keep(node)
    return
  }
  const cached = cacheFile(node)
  if (existsSync(cached)) {
    replaceFile(cached, BINARY)
    if (loads(node)) {
      console.log(`[test-suite] better-sqlite3 for ${node.version} (ABI ${node.abi}) taken from ${cached}`)
      return
    }
  }
  rebuild(node)
  if (!loads(node)) throw new Error(`better-sqlite3 rebuilt for ${node.version} still does not load`)
  keep(node)
}

/** Keeps the current build in the cache when it loads in `node` (the one `npm ci` made, typically). */
export function keepIfLoads(node: NodeRuntime): boolean {
  if (!loads(node)) return false
  keep(node)
  return true
}

function rebuild(node: NodeRuntime): void {
  const started = performance.now()
  console.log(`[test-suite] rebuilding better-sqlite3 for ${node.version} (ABI ${node.abi})`)
  // prebuild-install tries a prebuilt binary first; offline it fails at once and node-gyp compiles.
  const nodedir: Record<string, string> = node.nodedir ? { npm_config_nodedir: node.nodedir } : {}
  execFileSync('npm', ['rebuild', 'better-sqlite3'], {
    cwd: ROOT,
    env: envFor(node, nodedir),
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  console.log(`[test-suite] better-sqlite3 rebuilt in ${seconds(started)}`)
}

function loads(node: NodeRuntime): boolean {
  const probe = "new (require('better-sqlite3'))(':memory:').close()"
  return spawnSync(node.execPath, ['-e', probe], { cwd: ROOT, stdio: 'ignore' }).status === 0
}

function keep(node: NodeRuntime): void {
  mkdirSync(join(TOOLS, 'native'), { recursive: true })
  replaceFile(BINARY, cacheFile(node))
}

/** Copy, then rename over the target: a process that has the old file loaded keeps its own inode. */
function replaceFile(from: string, to: string): void {
  const partial = `${to}.partial-${process.pid}`
  copyFileSync(from, partial)
  renameSync(partial, to)
}

function cacheFile(node: NodeRuntime): string {
  const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    version: string
  }
  const name = `better-sqlite3-${version}-abi${node.abi}-${process.platform}-${process.arch}.node`
  return join(TOOLS, 'native', name)
}

export function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`
}
