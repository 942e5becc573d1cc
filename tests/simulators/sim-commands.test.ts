import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CommandIo } from '../../simulators/runner/command-io.ts'
import { liveCommand } from '../../simulators/runner/live-command.ts'
import { ProgressBar } from '../../simulators/runner/progress-bar.ts'
import { runCommand } from '../../simulators/runner/run-command.ts'
import { ROOT } from '../support/paths.ts'

function captured(isTTY = false) {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { isTTY, columns: 80, write: (t: string) => err.push(t) },
  }
  return { io, out: () => out.join(''), err: () => err.join('') }
}

const scenario = (name: string) => join(ROOT, 'simulators/scenarios', `${name}.yaml`)

/** A copy of a library scenario with one expectation that cannot hold. */
function failingScenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fw-cmd-'))
  const file = join(dir, 'impossible.yaml')
  writeFileSync(
    file,
    `name: impossible
site: ${join(ROOT, 'gateway/demo-site.yaml')}
duration: 5m
devices: [{ id: ta-12-smoke-03 }]
expect:
  - opens: { class: fire, device: ta-12-smoke-03 }
    why: nothing burns, so this must be reported missed
`,
  )
  return file
}

describe('firewatch-sim run / live commands', () => {
  it('When every expectation is met, then run prints the report and exits 0', async () => {
    const c = captured()
    expect(await runCommand([scenario('detector-removed')], c.io)).toBe(0)
    expect(c.out()).toMatch(/^detector-removed \(virtual\)/)
    expect(c.out()).toMatch(/7 met, 0 missed: PASS\n$/)
    expect(c.err()).toBe('')
  })

  it('When an expectation is missed, then run exits 1 and the report says which', async () => {
    const c = captured()
    expect(await runCommand([failingScenario(), scenario('steam-false-alarm'), '--quiet'], c.io)).toBe(1)
    expect(c.out()).toMatch(/^impossible: 0 met, 1 missed: FAIL$/m)
    expect(c.out()).toMatch(/^steam-false-alarm: 4 met, 0 missed: PASS$/m)
    expect(c.out()).toMatch(/2 scenarios, 1 expectations missed/)
  })

  it('When a scenario file is invalid, then run exits 65 naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-cmd-'))
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, `name: bad\nsite: ${join(ROOT, 'gateway/demo-site.yaml')}\nduration: soon\n`)
    const c = captured()
    expect(await runCommand([file], c.io)).toBe(65)
    expect(c.err()).toContain(`${file}:3 duration: "soon" is not a duration`)
  })

  it('When arguments are wrong or help is asked, then the usage is printed with 64 or 0', async () => {
    const none = captured()
    expect(await runCommand([], none.io)).toBe(64)
    expect(none.err()).toMatch(/no scenario given\nusage: firewatch-sim run/)
    const unknown = captured()
    expect(await runCommand(['--fast', 'x.yaml'], unknown.io)).toBe(64)
    const help = captured()
    expect(await runCommand(['--help'], help.io)).toBe(0)
    expect(help.out()).toMatch(/^usage: firewatch-sim run/)
    const liveHelp = captured()
    expect(await liveCommand(['-h'], liveHelp.io)).toBe(0)
    expect(liveHelp.out()).toMatch(/--speed N/)
    const missing = captured()
    expect(await liveCommand([scenario('burst-pipe'), '--mqtt', 'mqtt://127.0.0.1:1'], missing.io)).toBe(64)
    expect(missing.err()).toMatch(/--http is required/)
    const speed = captured()
    const args = ['--mqtt', 'mqtt://x', '--http', 'http://x', '--token', 't', '--speed', 'fast']
    expect(await liveCommand([scenario('burst-pipe'), ...args], speed.io)).toBe(64)
  })

  it('When --speed is too fast for a long scenario, then live exits 64 before connecting and says which --speed or --max-skew fits, in flag terms', async () => {
    const c = captured()
    const args = ['--mqtt', 'mqtt://127.0.0.1:1', '--http', 'http://127.0.0.1:1', '--token', 'brigade-token']
    expect(await liveCommand([scenario('kitchen-fire-spread'), ...args, '--speed', '10'], c.io)).toBe(64)
    expect(c.err()).toBe(
      'FGW_ERR_SIM_SKEW: --speed 10 is too fast for kitchen-fire-spread (30m00s long): device timestamps ' +
        'follow the scenario, so they would run up to 13m30s off the gateway clock, beyond --max-skew 5m00s ' +
        "(the gateway's INGEST_MAX_SKEW_MS). Use --speed 1.5 or less, or start the gateway with " +
        'INGEST_MAX_SKEW_MS=810000 and add --max-skew 810s. Scenarios up to 10m00s run at any --speed.\n',
    )
    // The advice holds: the speed it names, or the skew it names, are accepted (the run then stops
    // at the unreachable gateway, exit 69, not at the speed check).
    for (const fits of [
      ['--speed', '1.5'],
      ['--speed', '10', '--max-skew', '810s'],
    ]) {
      const ok = captured()
      expect(await liveCommand([scenario('kitchen-fire-spread'), ...args, ...fits], ok.io)).toBe(69)
      expect(ok.err()).toMatch(/^FGW_ERR_SIM_HTTP/)
    }
    const bad = captured()
    expect(await liveCommand([scenario('first-fire'), ...args, '--speed', '0'], bad.io)).toBe(64)
    expect(bad.err()).toMatch(/^--speed must be a number > 0 such as 10, not "0"/)
  })

  it('When the gateway cannot be reached, then live exits 69 with a coded message', async () => {
    const c = captured()
    const args = ['--mqtt', 'mqtt://127.0.0.1:1', '--http', 'http://127.0.0.1:1', '--token', 'brigade-token']
    expect(await liveCommand([scenario('burst-pipe'), ...args], c.io)).toBe(69)
    expect(c.err()).toMatch(/^FGW_ERR_SIM_HTTP: GET \/api\/v1\/alerts/)
  })

  it('When a run is long and stderr is a terminal, then a progress bar is drawn and cleared; never on a pipe', () => {
    let now = 0
    const tty = captured(true)
    const bar = new ProgressBar(tty.io.stderr, () => now)
    bar.start('quiet-day')
    bar.update(0.1)
    expect(tty.err()).toBe('')
    now = 1_000
    bar.update(0.5)
    now = 1_050
    bar.update(0.6)
    bar.done()
    expect(tty.err()).toBe(`\rquiet-day [${'#'.repeat(20)}${'.'.repeat(20)}]  50%\r\u001b[2K`)
    const pipe = captured(false)
    const quiet = new ProgressBar(pipe.io.stderr, () => now)
    quiet.start('x')
    now = 5_000
    quiet.update(0.5)
    quiet.done()
    expect(pipe.err()).toBe('')
  })
})
