import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { runScenarioLive } from '../../simulators/runner/live-runner.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { freePort } from '../support/free-port.ts'
import { type GatewayUnderTest, ROOT, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'

const SCENARIO = join(ROOT, 'tests/simulators/fixtures/live-restart.yaml')
const DEMO = join(ROOT, 'gateway/demo-site.yaml')
const SPEED = 20

const dataDir = tempDataDir()
let gw: GatewayUnderTest | undefined
afterAll(async () => {
  await gw?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('live runner and a gateway restart', () => {
  it('When the gateway restarts on the same ports in the middle of a live run, then the devices reconnect, the run completes with every expectation met and the report names the outage', async () => {
    const env = {
      FIREWATCH_SITE: DEMO,
      MQTT_PORT: String(await freePort()),
      HTTP_PORT: String(await freePort()),
      DATA_DIR: dataDir,
    }
    gw = await startTestGateway(env)
    const urls = { mqttUrl: gw.mqttUrl, httpUrl: gw.httpUrl }
    let restart: Promise<void> | null = null
    const restartOnce = (fraction: number) => {
      if (fraction < 0.5 || restart !== null) return
      // Stopped and, a second later, started again with the same ports and data directory, as a
      // supervisor would: meanwhile the devices' reconnect attempts are refused.
      restart = (async () => {
        await gw!.stop()
        await sleep(1_000)
        gw = await startTestGateway(env)
      })()
    }
    const result = await runScenarioLive(SCENARIO, {
      ...urls,
      token: 'brigade-token',
      speed: SPEED,
      onProgress: restartOnce,
    })
    await restart
    const report = formatReport(result)
    expect(restart, 'the gateway was restarted during the run').not.toBeNull()
    expect(result.missed, report).toEqual([])
    expect(result.met).toHaveLength(result.scenario.expectations.length)
    expect(result.notes, report).toEqual([
      expect.stringMatching(/^offline detection runs on the gateway clock/),
      expect.stringMatching(
        /^gateway connection lost at \S+ \(scenario time\) for 2 devices, all back by \S+ \(\S+ of real time\); their messages meanwhile were sent after the reconnect$/,
      ),
    ])
    // Nothing was lost: every reading of the run was acknowledged, those sent during the outage too.
    expect(result.readings).toBe((await runScenarioVirtual(SCENARIO)).readings)
  }, 60_000)
})
