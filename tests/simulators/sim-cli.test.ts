import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayUnderTest, ROOT, startTestGateway, TEST_SITE } from '../support/gateway-launcher.ts'

interface Outcome {
  code: number
  stdout: string
  stderr: string
}

/** The CLI as the shebang runs it: node --import tsx simulators/cli.ts. */
function sim(args: string[], command = process.execPath, prefix = ['--import', 'tsx', 'simulators/cli.ts']) {
  return new Promise<Outcome>((resolve) => {
    execFile(command, [...prefix, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr })
    })
  })
}

let gw: GatewayUnderTest
beforeAll(async () => {
  gw = await startTestGateway()
})
afterAll(async () => {
  await gw?.stop()
})

describe('firewatch-sim', () => {
  it('When --help is asked of each own command, then it exits 0 and lists its options', async () => {
    const [top, record, replay, load] = await Promise.all([
      sim(['--help']),
      sim(['record', '--help']),
      sim(['replay', '-h']),
      sim(['load', '--help']),
    ])
    expect(top.code).toBe(0)
    for (const name of ['run', 'live', 'record', 'replay', 'load'])
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'))
    expect(record.code).toBe(0)
    for (const flag of [
      '--url',
      '--out',
      '--topic',
      '--duration',
      '--count',
      '--username',
      '--password',
      '--qos',
    ]) {
      expect(record.stdout).toContain(flag)
    }
    expect(replay.code).toBe(0)
    for (const flag of ['--url', '--site', '--speed', '--keep-ts', '--username', '--password'])
      expect(replay.stdout).toContain(flag)
    expect(load.code).toBe(0)
    // Every option in the load generator's own usage text is described (the help is kept by hand).
    const source = readFileSync(join(ROOT, 'simulators/load/load-cli.ts'), 'utf8')
    const loadFlags = source.match(/const USAGE = `([^`]*)`/)?.[1]?.match(/--[a-z-]+/g) ?? []
    expect(loadFlags.length).toBeGreaterThanOrEqual(10)
    for (const flag of loadFlags) expect(load.stdout).toMatch(new RegExp(`^  ${flag} `, 'm'))
  })

  it('When run or live is asked for, then the scenario runner handles it, or the CLI says it is missing', async () => {
    for (const name of ['run', 'live']) {
      const result = await sim([name, '--help'])
      if (existsSync(join(ROOT, `simulators/runner/${name}-command.ts`))) {
        expect(result.code, result.stderr).toBe(0)
        expect(result.stdout.length).toBeGreaterThan(0)
      } else {
        expect(result.code).toBe(1)
        expect(result.stderr).toContain(`simulators/runner/${name}-command.ts does not exist`)
      }
    }
  })

  it('When the command is unknown or missing, then it exits 64 with the usage on stderr', async () => {
    const [unknown, none] = await Promise.all([sim(['frobnicate']), sim([])])
    expect(unknown.code).toBe(64)
    expect(unknown.stderr).toMatch(/unknown command: frobnicate\nusage: firewatch-sim <command>/)
    expect(none.code).toBe(64)
    expect(none.stderr).toContain('usage: firewatch-sim <command>')
  })

  it('When options are wrong, then it exits 64 and points at --help', async () => {
    const [unknownOption, badSpeed, noFile] = await Promise.all([
      sim(['record', '--url', 'mqtt://127.0.0.1:1', '--out', 'x', '--bogus']),
      sim(['replay', 'x.jsonl', '--url', gw.mqttUrl, '--speed', '0']),
      sim(['replay', '--url', gw.mqttUrl]),
    ])
    expect(unknownOption.code).toBe(64)
    expect(unknownOption.stderr).toMatch(/--bogus[\s\S]*see firewatch-sim record --help/)
    expect(badSpeed.code).toBe(64)
    expect(badSpeed.stderr).toContain('--speed must be a number > 0')
    expect(noFile.code).toBe(64)
  })

  it('When a recording is broken, then replay exits 1 naming the file and line', async () => {
    const result = await sim(['replay', join(ROOT, 'package.json'), '--url', gw.mqttUrl])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/package\.json:1: header: not JSON/)
  })

  it('When load runs against the gateway, then the load generator publishes and the summary is a table', async () => {
    const args = [
      'load',
      '--url',
      gw.mqttUrl,
      '--site',
      TEST_SITE,
      '--devices',
      '2',
      '--rate',
      '20',
      '--duration',
      '1',
      '--drain',
      '2',
    ]
    const result = await sim(args)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/load summary\n/)
    expect(result.stdout).toMatch(/connected\s+2\/2\n/)
    const sent = Number(result.stdout.match(/^\s+messages\s+(\d+)$/m)?.[1])
    expect(sent).toBeGreaterThanOrEqual(10)
    const usage = await sim(['load', '--site', TEST_SITE])
    expect(usage.code).toBe(64)
    expect(usage.stderr).toContain('--url is required')
  })

  it('When started through npx from the repository root, then the bin entry works', async () => {
    const result = await sim(['--help'], 'npx', ['--no-install', 'firewatch-sim'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('usage: firewatch-sim <command>')
  })
})
