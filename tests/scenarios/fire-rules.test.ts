import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { ROOT } from '../support/paths.ts'

// The fire-aware rules (docs/rules.md) in virtual time, through the real decoder, engine, fire layer and
// alert lifecycle: every scenario's expectations must be met.
const DIR = join(ROOT, 'tests/scenarios/fire')
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()

describe('fire-aware rule scenarios', () => {
  for (const file of FILES) {
    it(`When ${file} runs in virtual time, then every expectation is met`, async () => {
      const result = await runScenarioVirtual(join(DIR, file))
      const report = formatReport(result)
      expect(result.missed, report).toEqual([])
      expect(result.notes, report).toEqual([])
    })
  }

  it('When a fire climbs three floors, then the spread alert names them in the order reached', async () => {
    const result = await runScenarioVirtual(join(DIR, 'spread-floors.yaml'))
    const spread = result.alerts.filter((a) => a.rule === 'fire.spread')
    expect(spread).toHaveLength(1)
    const [alert] = spread
    expect(alert!.device).toBeNull()
    expect(alert!.scope).toBe('building')
    expect(alert!.evidence.map((e) => e.floor)).toEqual([5, 6, 7])
    expect(alert!.message).toContain('floors 5F > 6F > 7F')
  })

  it('When two detectors confirm a zone, then the alert lists both as evidence and has no device', async () => {
    const result = await runScenarioVirtual(join(DIR, 'confirm-two-detectors.yaml'))
    const confirmed = result.alerts.find((a) => a.rule === 'fire.confirmed')
    expect(confirmed?.device).toBeNull()
    expect(confirmed?.scope).toBe('zone')
    const devices = new Set(confirmed?.evidence.map((e) => e.device))
    expect([...devices].sort()).toEqual(['f-05-smoke-01', 'f-05-smoke-02'])
    // Confirmation escalates, it never delays: the first device alarm opened before it.
    const first = result.alerts.find((a) => a.rule === 'device.fire_alarm' && a.device === 'f-05-smoke-01')
    expect(first!.openedAt <= confirmed!.openedAt).toBe(true)
  })
})
