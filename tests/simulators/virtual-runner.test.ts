import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../simulators/runner/manual-clock.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { loadScenario, scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'
import { describeMatch } from '../../simulators/scenario/resolve-refs.ts'
import type { Expectation, LoadedScenario } from '../../simulators/scenario/scenario-types.ts'
import { ROOT } from '../support/paths.ts'
import { writeFleetSite } from './fixtures/fleet-site.ts'

const KITCHEN = join(ROOT, 'simulators/scenarios/kitchen-fire-spread.yaml')
const min = (m: number) => m * 60_000

function expectation(partial: Partial<Expectation> & Pick<Expectation, 'kind' | 'match'>): Expectation {
  const label = `${partial.kind} ${describeMatch(partial.match)}`
  return { window: { from: 0, to: min(30) }, count: null, minRepeats: null, why: null, label, ...partial }
}

describe('virtual runner', () => {
  it('When expectations contradict what happens, then each is reported missed with what did happen', async () => {
    const scenario: LoadedScenario = {
      ...loadScenario(KITCHEN),
      expectations: [
        expectation({
          kind: 'opens',
          match: { rule: 'smoke.alarm', device: 'ta-12-smoke-03' },
          window: { from: 0, to: min(1) },
        }),
        expectation({ kind: 'never', match: { class: 'fire', building: 'tower-a' } }),
        expectation({ kind: 'opens', match: { rule: 'smoke.prealarm', device: 'ta-12-smoke-03' }, count: 2 }),
        expectation({ kind: 'active', match: { rule: 'smoke.alarm', device: 'ta-12-smoke-03' } }),
        expectation({ kind: 'acknowledged', match: { building: 'tower-b' } }),
        expectation({
          kind: 'opens',
          match: { rule: 'smoke.alarm', device: 'ta-12-smoke-03' },
          minRepeats: 1,
        }),
        expectation({ kind: 'opens', match: { class: 'fire', device: 'ta-12-smoke-03' } }),
      ],
    }
    const result = await runScenarioVirtual(scenario)
    expect(result.met.map((r) => r.expectation.kind)).toEqual(['opens'])
    const details = result.missed.map((r) => r.detail)
    expect(details[0]).toMatch(/not in the window; matching opened at 2m25s/)
    // Two detectors' alarms on adjacent floors also raise the building's fire.spread (docs/rules.md).
    expect(details[1]).toMatch(/^5 opened: ta-12-smoke-03 smoke.alarm/)
    const firstFire = Math.min(
      ...result.alerts.filter((a) => a.class === 'fire').map((a) => result.timeOf(a, 'openedAt')!),
    )
    expect(result.missed[1]!.at).toBe(firstFire)
    expect(firstFire).toBeGreaterThan(min(2))
    expect(details[2]).toMatch(/^1 in the window/)
    expect(details[3]).toMatch(/all resolved \(25m00s\)/)
    expect(details[4]).toMatch(/no matching alert/)
    expect(details[5]).toMatch(/repeats at most 0/)
    const report = formatReport(result)
    expect(report).toMatch(/^MISSED {2}never fire tower-a/m)
    expect(report.split('\n').at(-1)).toBe('1 met, 6 missed: FAIL')
  })

  it('When the alert store is a file, then the run leaves the alerts in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-virtual-'))
    const result = await runScenarioVirtual(join(ROOT, 'simulators/scenarios/detector-removed.yaml'), {
      alertDb: join(dir, 'alerts.db'),
    })
    expect(result.missed).toEqual([])
    expect(existsSync(join(dir, 'alerts.db'))).toBe(true)
  })

  it('When devices fall silent or close cleanly, then offline follows the heartbeat and the grace rules', async () => {
    const scenario = scenarioFromObject(
      {
        name: 'offline-paths',
        site: join(ROOT, 'gateway/demo-site.yaml'),
        duration: '20m',
        devices: [{ id: 'tb-01-smoke-01' }, { id: 'tb-01-smoke-02' }, { id: 'tb-04-smoke-01' }],
        timeline: [
          { at: '2m', device: 'tb-01-smoke-01', do: 'silence', for: '10m' },
          { at: '2m', device: 'tb-01-smoke-02', do: 'disconnect', will: false },
          { at: '2m', device: 'tb-04-smoke-01', do: 'disconnect', for: '30s' },
        ],
        expect: [
          // The last report before the silence was at most 60 s (+2 %) earlier: silent 3 min after it.
          { opens: { device: 'tb-01-smoke-01', class: 'offline' }, within: ['4m', '5m'] },
          { resolves: { device: 'tb-01-smoke-01', class: 'offline' }, within: ['12m', '13m2s'] },
          { opens: { device: 'tb-01-smoke-02', class: 'offline' }, within: ['3m', '3m1s'] },
          { active: { device: 'tb-01-smoke-02', class: 'offline' } },
          { never: { device: 'tb-04-smoke-01' } },
        ],
      },
      'offline-paths',
    )
    const result = await runScenarioVirtual(scenario)
    expect(result.missed, formatReport(result)).toEqual([])
  })

  it('When virtual time is asked to go backwards, then the clock refuses', () => {
    const clock = new ManualClock(1000)
    clock.advanceTo(2000)
    expect(clock.now()).toBe(2000)
    expect(() => clock.advanceTo(1999)).toThrow(/time went backwards/)
  })

  it('When a thousand devices run for 24 hours in virtual time, then a fire and a pipe break among them are found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-fleet-'))
    const scenario = scenarioFromObject(
      {
        name: 'fleet-day',
        site: writeFleetSite(dir, 1000),
        duration: '24h',
        background: 'all',
        timeline: [
          { at: '13h', device: 'fleet-a-smoke-0000', do: 'flame' },
          { at: '20h', device: 'fleet-b-press-0007', do: 'burst' },
        ],
        expect: [
          { opens: { rule: 'device.fire_alarm', device: 'fleet-a-smoke-0000' }, within: ['13h', '13h1m'] },
          { opens: { rule: 'pressure.rapid_drop', device: 'fleet-b-press-0007' }, within: ['20h', '20h1m'] },
          { never: { class: 'offline' } },
          { never: { class: 'fire' }, within: [0, '13h'] },
          { never: { class: 'supervisory' }, within: [0, '20h'] },
        ],
      },
      'fleet-day',
      dir,
    )
    const progress: number[] = []
    const result = await runScenarioVirtual(scenario, { onProgress: (f) => progress.push(f) })
    expect(result.missed, formatReport(result)).toEqual([])
    expect(result.notes).toEqual([])
    expect(result.readings).toBeGreaterThan(4_000_000)
    // How fast this runs is a benchmark figure (tests/bench/replay-throughput.ts), not asserted here.
    expect(progress.at(-1)).toBe(1)
    expect(progress.length).toBeGreaterThan(100)
  }, 180_000)
})
