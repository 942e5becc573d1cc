import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBetterSqlite3, keepIfLoads, seconds } from './native-addons.ts'
import { envFor, fetchedNode, type NodeRuntime, ownNode, ROOT } from './node-runtime.ts'

// `npm test`: lint, typecheck, the vitest suite and the fuzz run on Node 24 (the LTS line users
// run), fetched from the npm registry when this machine's node is another line; then the same on
// this machine's node when it is another supported line (package.json `engines`). Prints the Node
// version of each run and the duration of each phase. README "Two commands".

/** The LTS line the suite runs on unless TEST_NODE_LINES names others. */
const LTS_MAJOR = 24

interface Phase {
  name: string
  npmScript: string
  /** Passed on to the script (vitest: which test files). */
  args?: string[]
  env?: Record<string, string>
}

/**
 * The tests whose outcome depends on the time of day: they print or schedule by the site's local
 * time. Run again at 00:30 and 23:59 site time (tests/support/shifted-clock.mjs), README "Tests at
 * any hour".
 */
const TIME_OF_DAY_TESTS = [
  'tests/e2e',
  'tests/i18n',
  'tests/schedules',
  'tests/gateway/schedules-api.test.ts',
]

const atSiteTime = (hhmm: string): Phase => ({
  name: `vitest at ${hhmm} site time`,
  npmScript: 'test:unit',
  args: TIME_OF_DAY_TESTS,
  env: { FIREWATCH_TEST_SITE_TIME: hhmm },
})

const PHASES: Phase[] = [
  { name: 'lint', npmScript: 'lint' },
  { name: 'typecheck', npmScript: 'typecheck' },
  { name: 'vitest', npmScript: 'test:unit' },
  atSiteTime('00:30'),
  atSiteTime('23:59'),
  { name: 'fuzz', npmScript: 'fuzz' },
]

interface Timing {
  node: string
  phase: string
  seconds: string
  ok: boolean
}

const timings: Timing[] = []

function main(): number {
  const own = ownNode()
  const ownBuildLoads = keepIfLoads(own)
  try {
    const runs = nodeLines().map((major) =>
      own.major === major ? own : timed('(setup)', `fetch Node ${major}`, () => fetchedNode(major)),
    )
    for (const node of runs) if (!runSuite(node)) return 1
    const skip = whyNotOwn(own, runs)
    if (skip) {
      console.log(`[test-suite] ${skip}`)
      return 0
    }
    return runSuite(own) ? 0 : 1
  } finally {
    // Give the machine's node its better-sqlite3 build back (a copy from .tools/native).
    if (ownBuildLoads) timed('(setup)', `better-sqlite3 back for ${own.version}`, () => ensureOwn(own))
    printSummary()
  }
}

/** TEST_NODE_LINES=24,22: the major lines to run on (fetched when not this machine's); default 24. */
function nodeLines(): number[] {
  const raw = process.env.TEST_NODE_LINES?.trim() || String(LTS_MAJOR)
  const lines = raw.split(',').map((s) => Number(s.trim()))
  const min = Number(minimumSupported().split('.')[0])
  if (lines.some((n) => !Number.isInteger(n) || n < min)) {
    throw new Error(`TEST_NODE_LINES=${raw}: expected major versions ≥ ${min}, comma-separated`)
  }
  return lines
}

function ensureOwn(own: NodeRuntime): void {
  try {
    ensureBetterSqlite3(own)
  } catch (err) {
    console.log(`[test-suite] better-sqlite3 not restored for ${own.version}: ${(err as Error).message}`)
  }
}

/** Why the suite does not also run on this machine's node, or null when it should. */
function whyNotOwn(own: NodeRuntime, runs: NodeRuntime[]): string | null {
  if (runs.some((n) => n.major === own.major)) {
    return `this machine's node ${own.version} is of a line the suite ran on above`
  }
  const min = minimumSupported()
  if (compare(own.version.slice(1), min) < 0) {
    return `not run on this machine's node ${own.version}: below the supported ${min} (package.json engines)`
  }
  return null
}

function runSuite(node: NodeRuntime): boolean {
  console.log(`\n[test-suite] ===== Node ${node.version} (${node.execPath}; ${node.origin}) =====`)
  const label = `node ${node.version}`
  timed(label, 'better-sqlite3 for this node', () => ensureBetterSqlite3(node))
  for (const phase of PHASES) {
    const started = performance.now()
    const args = ['run', phase.npmScript, ...(phase.args ? ['--', ...phase.args] : [])]
    console.log(`\n[test-suite] ${label}: ${phase.name} (npm ${args.join(' ')})`)
    const result = spawnSync('npm', args, { cwd: ROOT, env: envFor(node, phase.env), stdio: 'inherit' })
    const ok = result.status === 0
    timings.push({ node: label, phase: phase.name, seconds: seconds(started), ok })
    console.log(`[test-suite] ${label}: ${phase.name} ${ok ? 'passed' : 'FAILED'} in ${seconds(started)}`)
    if (!ok) return false
  }
  return true
}

function timed<T>(node: string, phase: string, work: () => T): T {
  const started = performance.now()
  try {
    return work()
  } finally {
    timings.push({ node, phase, seconds: seconds(started), ok: true })
  }
}

function printSummary(): void {
  console.log('\n[test-suite] durations:')
  for (const t of timings) {
    console.log(
      `[test-suite]   ${t.node.padEnd(16)} ${t.phase.padEnd(40)} ${t.seconds.padStart(9)}${t.ok ? '' : '  FAILED'}`,
    )
  }
}

/** The lowest version package.json `engines.node` allows (a `>=x.y` range). */
function minimumSupported(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
  const match = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node.trim())
  if (!match) throw new Error(`package.json engines.node is not a ">=x.y" range: ${pkg.engines.node}`)
  return match[1]!
}

function compare(a: string, b: string): number {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

process.exitCode = main()
