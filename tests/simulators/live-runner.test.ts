import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenarioLive } from '../../simulators/runner/live-runner.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import { type GatewayUnderTest, ROOT, startTestGateway } from '../support/gateway-launcher.ts'

const SCENARIO = join(ROOT, 'tests/simulators/fixtures/live-short.yaml')
const SPEED = 40

describe('live runner', () => {
  let gw: GatewayUnderTest

  beforeAll(async () => {
    gw = await startTestGateway({ FIREWATCH_SITE: join(ROOT, 'gateway/demo-site.yaml') })
  })
  afterAll(async () => {
    await gw?.stop()
  })

  it(`When a scenario runs over MQTT against a real gateway at speed ${SPEED}, then the API shows what virtual time shows`, async () => {
    const scenario = loadScenario(SCENARIO)
    const live = await runScenarioLive(scenario, {
      mqttUrl: gw.mqttUrl,
      httpUrl: gw.httpUrl,
      token: 'brigade-token',
      speed: SPEED,
    })
    const report = formatReport(live)
    expect(live.missed, report).toEqual([])
    expect(live.met).toHaveLength(scenario.expectations.length)
    expect(live.actions.map((a) => a.ok)).toEqual([true])
    // No MQTT errors, no alerts left over on the devices; only the caveat of an offline check at speed.
    expect(live.notes, report).toEqual([
      expect.stringMatching(/^offline detection runs on the gateway clock/),
    ])
    // Real time is at least the scenario's 4 min divided by the speed (how much more is not a
    // correctness question: it depends on the machine's load).
    expect(live.durationMs).toBeGreaterThan(240_000 / SPEED)

    // Same seed, same payloads: the live readings and the alerts' scenario times match virtual time.
    const virtual = await runScenarioVirtual(scenario)
    expect(live.readings).toBe(virtual.readings)
    const key = (r: typeof live) =>
      r.alerts
        // Offline detection runs on the gateway's clock, not the scenario's (the note above): a
        // device or a whole floor that stays silent is offline in virtual time only.
        .filter((a) => a.rule !== 'device.offline' && a.rule !== 'floor.offline')
        .map((a) => `${a.device} ${a.rule} ${a.state} ${r.timeOf(a, 'openedAt')}`)
        .sort()
    expect(key(live)).toEqual(key(virtual))
  }, 30_000)

  it('When the quick start fire (five minutes) runs at speed 60 on a fresh gateway, then it is accepted and every expectation is met', async () => {
    const fresh = await startTestGateway({ FIREWATCH_SITE: join(ROOT, 'gateway/demo-site.yaml') })
    try {
      const live = await runScenarioLive(join(ROOT, 'simulators/scenarios/first-fire.yaml'), {
        mqttUrl: fresh.mqttUrl,
        httpUrl: fresh.httpUrl,
        token: 'brigade-token',
        speed: 60,
      })
      expect(live.missed, formatReport(live)).toEqual([])
    } finally {
      await fresh.stop()
    }
  }, 30_000)

  it('When the speed would push device timestamps out of the gateway skew window, then the run is refused before it starts', async () => {
    await expect(
      runScenarioLive(join(ROOT, 'simulators/scenarios/quiet-day.yaml'), {
        mqttUrl: gw.mqttUrl,
        httpUrl: gw.httpUrl,
        token: 'brigade-token',
        speed: 100,
      }),
    ).rejects.toMatchObject({ code: 'FGW_ERR_SIM_SKEW' })
  })
})
