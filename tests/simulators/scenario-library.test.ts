import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import { ROOT } from '../support/paths.ts'

const DIR = join(ROOT, 'simulators/scenarios')
/** The bundled Chinese demo: the English demo's ids with Chinese names (FIREWATCH_DEMO=zh-CN). */
const ZH_DEMO = join(ROOT, 'gateway/demo-site.zh-CN.yaml')
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()

describe('scenario library', () => {
  it('When the library is listed, then it has at least 12 scenarios on the demo site, each described', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(12)
    for (const f of FILES) {
      const s = loadScenario(join(DIR, f))
      expect(s.name).toBe(f.replace(/\.yaml$/, ''))
      expect(s.site.name).toBe('Demo Estate')
      expect(s.description.length).toBeGreaterThan(100)
      expect(s.expectations.length).toBeGreaterThan(0)
    }
  })

  for (const file of FILES) {
    it(`When ${file} runs in virtual time, then every expectation is met and every payload is accepted`, async () => {
      const result = await runScenarioVirtual(join(DIR, file))
      const report = formatReport(result)
      expect(result.missed, report).toEqual([])
      expect(result.met.length).toBe(result.scenario.expectations.length)
      expect(result.notes, report).toEqual([])
      expect(
        result.actions.every((a) => a.ok),
        report,
      ).toBe(true)
      expect(result.readings).toBeGreaterThan(1000)
    })
  }

  for (const file of FILES) {
    it(`When ${file} runs on the Chinese demo site in virtual time, then every expectation is met as on the English one`, async () => {
      const scenario = loadScenario(join(DIR, file), { site: ZH_DEMO })
      expect(scenario.site.locale).toBe('zh-CN')
      const result = await runScenarioVirtual(scenario)
      const report = formatReport(result)
      expect(result.missed, report).toEqual([])
      expect(result.notes, report).toEqual([])
      expect(
        result.actions.every((a) => a.ok),
        report,
      ).toBe(true)
    })
  }
})
