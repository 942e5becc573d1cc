import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../gateway/clock.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { type PushServicePeer, startPushServicePeer } from '../support/peers/push-service-peer.ts'
import { startFixtureReceiver, writeNotifySite } from './notify-fixtures.ts'

// The gateway as its own process, so that it trusts the local push service's self-signed
// certificate the way an operator would make it trust a private CA (NODE_EXTRA_CA_CERTS).

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(env: Record<string, string>): Promise<{ gw: GatewayChild; push: PushServicePeer }> {
  const push = await startPushServicePeer(() => systemClock.now())
  cleanups.push(() => push.close())
  const receiver = await startFixtureReceiver()
  cleanups.push(() => receiver.close())
  const dir = tempDataDir()
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const ca = join(dir, 'push-service-ca.pem')
  writeFileSync(ca, push.ca)
  const gw = await spawnTestGateway({
    FIREWATCH_SITE: writeNotifySite(dir, receiver.url),
    DATA_DIR: join(dir, 'data'),
    VAPID_SUBJECT: 'mailto:ops@example.com',
    NODE_EXTRA_CA_CERTS: ca,
    ...env,
  })
  cleanups.push(() => gw.stop())
  return { gw, push }
}

/** What the wall does: read the gateway's VAPID key, subscribe at the push service, register. */
async function signUp(gw: GatewayChild, push: PushServicePeer) {
  const mgrA = apiClient(gw.httpUrl, 'manager-a-token')
  const { publicKey } = (await mgrA.get('/api/v1/push/vapid-public-key')).body as { publicKey: string }
  const subscription = JSON.parse(push.subscribe(publicKey).json) as object
  return mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...subscription })
}

describe('Push service hosts (PUSH_SERVICE_HOSTS)', () => {
  it('When PUSH_SERVICE_HOSTS names the local push service, then a fire alarm is pushed to it', async () => {
    const { gw, push } = await setup({ PUSH_SERVICE_HOSTS: '127.0.0.1' })
    expect((await signUp(gw, push)).status).toBe(201)
    const smoke = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    cleanups.push(() => smoke.endAsync(true))
    const event = JSON.stringify({ event: 'fire_alarm', detail: 'kitchen' })
    await smoke.publishAsync('fw/tower-a/ta-12-smoke-01/event', event, { qos: 1 })
    const [delivery] = await waitFor(() => (push.deliveries.length > 0 ? push.deliveries : null), 10_000)
    expect(push.refusals).toEqual([])
    expect(JSON.parse(delivery!.payload)).toMatchObject({ type: 'firewatch.alert', urgent: true })
  })

  it('When PUSH_SERVICE_HOSTS is left at its defaults, then the same loopback endpoint is refused with 400', async () => {
    const { gw, push } = await setup({})
    const refused = await signUp(gw, push)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({
      error: 'FGW_ERR_HTTP_VALIDATION',
      issues: [
        {
          code: 'custom',
          path: ['endpoint'],
          message: 'push service host 127.0.0.1 is not in PUSH_SERVICE_HOSTS',
        },
      ],
    })
  })
})
