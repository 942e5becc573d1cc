// The fire panel scenario live: MQTT devices and a simulated UITD over TCP against the real gateway.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenarioLive } from '../../simulators/runner/live-runner.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import { ROOT, startTestGateway } from '../support/gateway-launcher.ts'

const SCENARIO = join(ROOT, 'simulators/scenarios/panel-call-point.yaml')
const SPEED = 60
/** 30 min at speed 60 runs device timestamps 14.75 min ahead at the end: the gateway must take that. */
const MAX_SKEW_MS = 1_200_000

describe('live runner with a fire panel', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>

  beforeAll(async () => {
    gw = await startTestGateway({
      FIREWATCH_SITE: join(ROOT, 'gateway/demo-site.yaml'),
      UITD_ENABLED: 'on',
      UITD_PORT: '0',
      UITD_HOST: '127.0.0.1',
      UITD_TIME_SYNC: 'off',
      INGEST_MAX_SKEW_MS: String(MAX_SKEW_MS),
    })
  })
  afterAll(async () => {
    await gw?.stop()
  })

  it(`When panel-call-point.yaml runs live at speed ${SPEED}, then the UITD's reports raise what virtual time raises`, async () => {
    const scenario = loadScenario(SCENARIO)
    const live = await runScenarioLive(scenario, {
      mqttUrl: gw.mqttUrl,
      httpUrl: gw.httpUrl,
      token: 'brigade-token',
      speed: SPEED,
      maxSkewMs: MAX_SKEW_MS,
      uitd: { host: '127.0.0.1', port: gw.gateway.uitdPort! },
    })
    const report = formatReport(live)
    expect(live.missed, report).toEqual([])
    expect(live.actions.map((a) => a.ok)).toEqual([true])
    expect(
      live.notes.filter((n) => n.startsWith('uitd:') || n.startsWith('mqtt:')),
      report,
    ).toEqual([])
    const virtual = await runScenarioVirtual(scenario)
    const key = (r: typeof live) =>
      r.alerts
        .filter((a) => a.rule.startsWith('panel.'))
        .map((a) => `${a.device} ${a.rule} ${a.zone} ${a.state}`)
        .sort()
    expect(key(live)).toEqual(key(virtual))
  }, 120_000)

  it('When a scenario with panel steps gets no UITD port, then the live run is refused before it starts', async () => {
    await expect(
      runScenarioLive(SCENARIO, {
        mqttUrl: gw.mqttUrl,
        httpUrl: gw.httpUrl,
        token: 'brigade-token',
        speed: SPEED,
        maxSkewMs: MAX_SKEW_MS,
      }),
    ).rejects.toMatchObject({ code: 'FGW_ERR_SIM_USAGE' })
  })
})
