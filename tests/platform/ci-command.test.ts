import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/paths.ts'

// CI runs what a newcomer types: the README's test command ("Two commands") and .ci/run's must be
// one and the same, and package.json and the Dockerfile must name the Node lines the suite runs on.

/** The command in the ```sh block that follows "Run the whole test suite" in README.md. */
function readmeTestCommand(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('Run the whole test suite'))
  const block = /```sh\n([^`]+)```/.exec(section)
  if (!block) throw new Error('README.md: no ```sh block after "Run the whole test suite"')
  return block[1]!.trim()
}

/** What .ci/run prints as its command, with bash expanding its PARTS exactly as it runs them. */
function ciCommand(): string {
  const script = readFileSync(join(ROOT, '.ci/run'), 'utf8')
  const parts = /^readonly PARTS=\(.*\)$/m.exec(script)?.[0]
  if (!parts) throw new Error('.ci/run: no `readonly PARTS=(…)` line')
  return execFileSync('bash', ['-c', `${parts}; printf ' && %s' "\${PARTS[@]}"`], { encoding: 'utf8' }).slice(
    4,
  )
}

describe('The CI command', () => {
  it('When CI runs, then it runs exactly the README test command', () => {
    expect(readmeTestCommand()).toBe('scripts/install-test-deps.sh && npm ci && npm test')
    expect(ciCommand()).toBe(readmeTestCommand())
  })

  it('When the Node line is read from package.json and the Dockerfile, then both say 22.12+ and 24', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(pkg.engines.node).toBe('>=22.12')
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^24\./)
    const from = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^FROM \S+/gm)
    expect(from).toEqual(['FROM node:24-slim', 'FROM node:24-slim'])
  })
})
