import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../support/paths.ts'

// Data flows one way (docs/architecture.md, "What each folder owns"): ingest/ imports no other
// part, alerting/ only ingest/ through ingest/index.ts, simulators/ never gateway/, gateway/ never
// simulators/, and product code never tests/. `npm run lint` enforces it with Biome's noRestrictedImports, set per folder in
// biome.json. These tests lint probe files laid out as the repository is, with the repository's own
// biome.json, so that the rule cannot be loosened or dropped without a test failing.

/** A probe: a file at `path` importing `from`; `refused` says whether the lint must refuse it. */
interface Probe {
  path: string
  from: string
  refused: boolean
}

const PROBES: Probe[] = [
  { path: 'ingest/probe-alerting.ts', from: '../alerting/alert.ts', refused: true },
  { path: 'ingest/site/probe-gateway.ts', from: '../../gateway/config.ts', refused: true },
  { path: 'ingest/probe-simulators.ts', from: '../simulators/index.ts', refused: true },
  { path: 'ingest/probe-tests.ts', from: '../tests/support/paths.ts', refused: true },
  { path: 'ingest/probe-own.ts', from: './site/site-model.ts', refused: false },
  { path: 'alerting/probe-gateway.ts', from: '../gateway/config.ts', refused: true },
  { path: 'alerting/notify/probe-simulators.ts', from: '../../simulators/index.ts', refused: true },
  { path: 'alerting/probe-tests.ts', from: '../tests/support/paths.ts', refused: true },
  { path: 'alerting/notify/probe-ingest-deep.ts', from: '../../ingest/site/site-model.ts', refused: true },
  { path: 'alerting/notify/probe-ingest-entry.ts', from: '../../ingest/index.ts', refused: false },
  { path: 'alerting/probe-own.ts', from: './alert.ts', refused: false },
  { path: 'simulators/runner/probe-gateway.ts', from: '../../gateway/config.ts', refused: true },
  { path: 'simulators/probe-tests.ts', from: '../tests/support/paths.ts', refused: true },
  { path: 'simulators/runner/probe-alerting.ts', from: '../../alerting/index.ts', refused: false },
  { path: 'gateway/http/probe-tests.ts', from: '../../tests/support/paths.ts', refused: true },
  { path: 'gateway/probe-simulators.ts', from: '../simulators/index.ts', refused: true },
  { path: 'gateway/probe-alerting.ts', from: '../alerting/alarm-path.ts', refused: false },
  { path: 'register/probe-tests.ts', from: '../tests/support/paths.ts', refused: true },
  { path: 'tests/probe-gateway.ts', from: '../gateway/config.ts', refused: false },
]

let dir = ''
let refusedPaths = new Set<string>()
let output = ''

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firewatch-boundaries-'))
  copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'))
  for (const p of PROBES) {
    mkdirSync(dirname(join(dir, p.path)), { recursive: true })
    // A type-only import: nothing of the target needs to exist for the lint to judge the path.
    writeFileSync(join(dir, p.path), `import type { Probe } from '${p.from}'\n\nexport type Same = Probe\n`)
  }
  const biome = join(ROOT, 'node_modules', '.bin', 'biome')
  const run = spawnSync(biome, ['lint', '--max-diagnostics=200', ...PROBES.map((p) => p.path)], {
    cwd: dir,
    encoding: 'utf8',
  })
  output = `${run.stdout}${run.stderr}`
  refusedPaths = new Set(
    [...output.matchAll(/^(\S+\.ts):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1]!),
  )
}, 60_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('import boundaries between the parts', () => {
  it.each(PROBES)('When $path imports $from, then the lint refuses it: $refused', (p) => {
    expect(refusedPaths.has(p.path), output).toBe(p.refused)
  })

  it('When CI runs `npm run lint`, then it runs Biome over the whole tree with this configuration', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { lint: string } }
    expect(pkg.scripts.lint).toBe('biome check .')
  })
})
