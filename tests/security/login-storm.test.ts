import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { rawLogin } from '../support/raw-mqtt.ts'

let gw: GatewayUnderTest
const STORM_ADDRESS = '127.0.0.2'

beforeAll(async () => {
  gw = await startTestGateway({ LOGIN_FAILURES_BEFORE_BACKOFF: '5', LOGIN_FAILURES_BEFORE_LOCKOUT: '20' })
})
afterAll(async () => {
  await gw?.stop()
})

/** 60 wrong-password logins for one device from one address, ten at a time. */
async function storm(port: number): Promise<(number | string)[]> {
  const codes: (number | string)[] = []
  for (let batch = 0; batch < 6; batch++) {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        rawLogin(port, {
          localAddress: STORM_ADDRESS,
          username: 'ta-12-smoke-01',
          password: `guess-${batch}-${i}`,
        }),
      ),
    )
    for (const { code, session } of results) {
      codes.push(code)
      session.socket.destroy()
    }
  }
  return codes
}

describe('Login storm', () => {
  it('When one address storms a device with wrong passwords, then it is slowed and locked out while other devices connect and are served', async () => {
    const port = Number(new URL(gw.mqttUrl).port)
    const storming = storm(port)
    // During the storm: another device from another address logs in, and its reading is taken.
    const good = await connectClient(gw.mqttUrl, 'ta-20-sprinkler-01', 's3cret-ta-20')
    await good.publishAsync(
      'fw/tower-a/ta-20-sprinkler-01/telemetry',
      JSON.stringify({ metrics: { pressure_mpa: 0.77 } }),
      { qos: 1 },
    )
    const api = apiClient(gw.httpUrl, 'brigade-token')
    await waitFor(async () =>
      JSON.stringify((await api.get('/api/v1/buildings/tower-a')).body).includes('0.77'),
    )
    const stormStillRunning = await Promise.race([storming.then(() => false), Promise.resolve(true)])
    const codes = await storming
    await good.endAsync(true)

    expect(stormStillRunning).toBe(true)
    const refusedNotAuthorised = codes.filter((c) => c === 5).length
    const lockedOut = codes.filter((c) => c === 3).length
    // Only the attempts before the lockout (20, give or take the batch in flight) were checked at all.
    expect(refusedNotAuthorised).toBeLessThanOrEqual(30)
    expect(lockedOut).toBeGreaterThanOrEqual(30)
    expect(refusedNotAuthorised + lockedOut).toBe(60)
    const metrics = await apiClient(gw.httpUrl).text('/metrics')
    expect(metricValue(metrics, 'firewatch_login_lockouts_total{guard="mqtt"}')).toBeGreaterThanOrEqual(1)
    expect(metricValue(metrics, 'firewatch_limit_hits_total{limit="mqtt_login_lockout"}')).toBe(lockedOut)

    // Locked out means not even the right password is checked from that address...
    const right = await rawLogin(port, {
      localAddress: STORM_ADDRESS,
      username: 'ta-12-smoke-01',
      password: 's3cret-ta-12',
    })
    right.session.socket.destroy()
    expect(right.code).toBe(3)
    // ...but the device itself, from its own address, is not locked out by someone failing in its name.
    const real = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    expect(real.connected).toBe(true)
    await real.endAsync(true)
  })
})
