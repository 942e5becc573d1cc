import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { YamlFileError } from '../../ingest/site/yaml-file.ts'
import { parseDuration } from '../../simulators/scenario/duration.ts'
import { loadScenario, parseScenario } from '../../simulators/scenario/load-scenario.ts'
import { ROOT } from '../support/paths.ts'

const GATEWAY_DIR = join(ROOT, 'gateway')

/** A valid scenario on the demo site; `extra` lines are appended at the end. */
const base = (extra = '', timeline = '  - { at: 1m, device: ta-12-smoke-03, do: flame }') => `name: probe
site: demo-site.yaml
duration: 10m
devices:
  - id: ta-12-smoke-03
timeline:
${timeline}
${extra}`

function problemsOf(text: string, baseDir = GATEWAY_DIR): string[] {
  try {
    parseScenario(text, 'probe.yaml', baseDir)
  } catch (err) {
    if (err instanceof YamlFileError) return err.problems
    throw err
  }
  throw new Error('the scenario was accepted')
}

describe('scenario validation', () => {
  it('When a scenario is valid, then it loads with its steps resolved and sorted', () => {
    const s = parseScenario(
      base(
        '',
        '  - { at: 5m, device: ta-12-smoke-03, do: extinguish }\n  - { at: 1m, device: ta-12-smoke-03, do: flame }',
      ),
      'probe.yaml',
      GATEWAY_DIR,
    )
    expect(s.timeline.map((t) => [t.at, t.label])).toEqual([
      [60_000, 'flame'],
      [300_000, 'extinguish'],
    ])
    expect(s.timeline[0]!.action).toMatchObject({ type: 'behaviour', params: { to: 1.5, over: 180_000 } })
    expect(s.devices.map((d) => d.device.id)).toEqual(['ta-12-smoke-03'])
  })

  it('When a step has a bad duration, then the error names the line and the field', () => {
    const problems = problemsOf(
      base('', '  - { at: 1m, device: ta-12-smoke-03, do: flame, over: 3 minutes }'),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:7 timeline\[0\]\.over: "3 minutes" is not a duration/),
    ])
  })

  it('When a step names a behaviour the model does not have, then the error names the line and lists the steps', () => {
    const problems = problemsOf(base('', '  - { at: 1m, device: ta-12-smoke-03, do: discharge }'))
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:7 timeline\[0\]\.do: "discharge" is not a step .*smoulder/),
    ])
  })

  it('When a step has an unknown field, then the error points at that step', () => {
    const problems = problemsOf(
      base('', '  - { at: 1m, device: ta-12-smoke-03, do: set, metric: smoke_dbm, value: 0.3, colour: red }'),
    )
    expect(problems).toEqual([expect.stringMatching(/^probe\.yaml:7 timeline\[0\]: .*colour/)])
  })

  it('When a metric name is unknown, then the error names the metric field', () => {
    const problems = problemsOf(
      base('', '  - { at: 1m, device: ta-12-smoke-03, do: set, metric: smoke_ppm, value: 3 }'),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:7 timeline\[0\]\.metric: not a metric name/),
    ])
  })

  it('When expectations and actions name things the site lacks, then each is reported with its line', () => {
    const problems = problemsOf(
      base(`actions:
  - { at: 2m, ack: { device: ta-12-smoke-03 }, as: nobody }
expect:
  - opens: { device: ta-99-smoke-01 }
  - never: { rule: smoke.alrm }
  - opens: { device: ta-12-smoke-03 }
    within: [1m, 20m]`),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:9 actions\[0\]\.as: no API token nobody/),
      expect.stringMatching(/^probe\.yaml:11 expect\[0\]\.opens\.device: no device ta-99-smoke-01/),
      expect.stringMatching(/^probe\.yaml:12 expect\[1\]\.never\.rule: unknown rule smoke\.alrm/),
      expect.stringMatching(/^probe\.yaml:14 expect\[2\]\.within: the window ends after the scenario/),
    ])
  })

  it('When a device is not in the site or a step targets a device that is not simulated, then both are named', () => {
    const problems = problemsOf(
      base(`  - id: ta-99-smoke-01`, '  - { at: 1m, device: ta-13-smoke-01, do: flame }').replace(
        'devices:\n  - id: ta-12-smoke-03\ntimeline:\n  - { at: 1m, device: ta-13-smoke-01, do: flame }\n  - id: ta-99-smoke-01',
        'devices:\n  - id: ta-12-smoke-03\n  - id: ta-99-smoke-01\ntimeline:\n  - { at: 1m, device: ta-13-smoke-01, do: flame }',
      ),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:6 devices\[1\]\.id: no device ta-99-smoke-01 in the site/),
      expect.stringMatching(/^probe\.yaml:8 timeline\[0\]\.device: ta-13-smoke-01 is not simulated/),
    ])
  })

  it('When device params are wrong for the model, then the error names the parameter', () => {
    const text = base().replace(
      '  - id: ta-12-smoke-03',
      '  - id: ta-12-smoke-03\n    params: { baseline: -1, hue: 3 }',
    )
    const problems = problemsOf(text)
    expect(problems).toContainEqual(expect.stringMatching(/^probe\.yaml:6 devices\[0\]\.params\.baseline: /))
    expect(problems).toContainEqual(expect.stringMatching(/^probe\.yaml:6 devices\[0\]\.params: .*hue/))
  })

  it('When a model does not fit the device kind, then the error says which kind each is', () => {
    const problems = problemsOf(
      base().replace('  - id: ta-12-smoke-03', '  - id: ta-12-smoke-03\n    model: pressure'),
    )
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:6 devices\[0\]\.model: model pressure simulates a pressure_sensor/),
    ])
  })

  it('When the site file is missing, then the site field says so', () => {
    const problems = problemsOf(base().replace('site: demo-site.yaml', 'site: no-such-site.yaml'))
    expect(problems).toEqual([
      expect.stringMatching(/^probe\.yaml:2 site: site file .*no-such-site\.yaml is invalid: .*cannot read/),
    ])
  })

  it('When an inline site has a bad device, then the error names the line inside the scenario', () => {
    const text = `name: inline
site:
  site: { name: Inline, timezone: UTC }
  buildings: [{ id: b1, name: B1, floors: 3 }]
  devices:
    - { id: d1, building: b1, floor: 9, zone: z, kind: smoke_detector, label: L, secret: s3cret }
duration: 1m
`
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^probe\.yaml:6 site\.devices\[0\]\.floor: floor 9 is not in b1/),
    ])
  })

  it('When a scenario file is loaded from disk, then a relative site path is taken from its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-scenario-'))
    const file = join(dir, 'probe.yaml')
    writeFileSync(
      file,
      base().replace('site: demo-site.yaml', `site: ${join(GATEWAY_DIR, 'demo-site.yaml')}`),
    )
    expect(loadScenario(file).site.devices.length).toBeGreaterThan(60)
    writeFileSync(file, `${base()}\nduration: 2m\n`)
    expect(() => loadScenario(file)).toThrow(/probe\.yaml:\d+ .*(duplicated|Map keys must be unique)/i)
  })

  it('When durations are written in the usual units, then they parse to milliseconds', () => {
    expect([
      parseDuration('90s'),
      parseDuration('5m'),
      parseDuration('2h'),
      parseDuration('1h30m'),
      parseDuration('250ms'),
    ]).toEqual([90_000, 300_000, 7_200_000, 5_400_000, 250])
    expect(parseDuration('5 minutes')).toBeNull()
    expect(parseDuration('')).toBeNull()
  })
})
