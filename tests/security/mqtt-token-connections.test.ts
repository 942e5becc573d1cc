import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

let gw: GatewayUnderTest
const open: MqttClient[] = []

beforeAll(async () => {
  gw = await startTestGateway({ MQTT_MAX_CONNECTIONS_PER_TOKEN: '3' })
})
afterAll(async () => {
  await Promise.all(open.map((c) => c.endAsync(true)))
  await gw?.stop()
})

const limitHits = async () =>
  metricValue(
    await apiClient(gw.httpUrl).text('/metrics'),
    'firewatch_limit_hits_total{limit="mqtt_token_connections"}',
  )

async function brigade(n: number): Promise<MqttClient> {
  const client = await connectClient(gw.mqttUrl, 'brigade', 'brigade-token', { clientId: `brigade:${n}` })
  open.push(client)
  return client
}

describe('MQTT connections per API token', () => {
  it('When one token logs in more often than its cap, then the extra logins are refused, devices still log in, and a freed slot is usable again', async () => {
    const held = [await brigade(1), await brigade(2), await brigade(3)]
    const before = await limitHits()
    await expect(brigade(4)).rejects.toThrow(/unavailable/i)
    expect(await limitHits()).toBe(before + 1)
    // Another token and every device keep their own room.
    open.push(await connectClient(gw.mqttUrl, 'admin', 'admin-token', { clientId: 'admin:1' }))
    open.push(
      await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12', { clientId: 'ta-12-smoke-01' }),
    )
    await held[0]!.endAsync(true)
    await expect(brigade(5)).resolves.toBeDefined()
  })
})
