import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ChannelsEnv,
  ChannelsEnvChecked,
  createChannels,
  vapidPublicKey,
} from '../../alerting/notify/channels/index.ts'
import { systemClock } from '../../gateway/clock.ts'
import { startAliyunPeer } from '../support/peers/aliyun-peer.ts'
import { startPushServicePeer } from '../support/peers/push-service-peer.ts'
import { startTwilioPeer } from '../support/peers/twilio-peer.ts'
import { startWebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { collectingLog, messageFor } from './channel-fixtures.ts'

const TWILIO = { accountSid: `AC${'c3'.repeat(16)}`, authToken: 'tw-token-9876', from: '+15005550006' }
const ALIYUN = {
  accessKeyId: 'LTAI-fw',
  accessKeySecret: 'ali-secret',
  signName: '消防',
  templateCode: 'SMS_1',
}
let dataDir: string

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'fw-channels-'))
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('ChannelsEnv', () => {
  it('When nothing is set, then SMS is off, Twilio and Aliyun point at production, webhooks wait 5 s', () => {
    expect(ChannelsEnvChecked.parse({})).toEqual({
      SMS_PROVIDER: 'none',
      TWILIO_BASE_URL: 'https://api.twilio.com',
      ALIYUN_ENDPOINT: 'https://dysmsapi.aliyuncs.com',
      PUSH_SERVICE_HOSTS: [
        'fcm.googleapis.com',
        'updates.push.services.mozilla.com',
        '*.notify.windows.com',
        'web.push.apple.com',
      ],
      WEBHOOK_TIMEOUT_MS: 5000,
    })
  })

  it('When a provider is chosen without its credentials, then every missing field is named', () => {
    const twilio = ChannelsEnvChecked.safeParse({ SMS_PROVIDER: 'twilio', TWILIO_AUTH_TOKEN: 'x' })
    expect(twilio.error?.issues.map((i) => i.path.join('.'))).toEqual(['TWILIO_ACCOUNT_SID', 'TWILIO_FROM'])
    const aliyun = ChannelsEnvChecked.safeParse({ SMS_PROVIDER: 'aliyun', ALIYUN_SIGN_NAME: '消防' })
    expect(aliyun.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'ALIYUN_ACCESS_KEY_ID',
      'ALIYUN_ACCESS_KEY_SECRET',
      'ALIYUN_TEMPLATE_CODE',
    ])
  })

  it('When values are malformed, then the field is named', () => {
    const bad = ChannelsEnv.safeParse({
      SMS_PROVIDER: 'sns',
      TWILIO_FROM: '15005550006',
      VAPID_SUBJECT: 'ops@example.com',
      ALIYUN_TEMPLATE_CODE: 'SMS_1;FW_DIGEST=SMS_2',
      PUSH_SERVICE_HOSTS: 'fcm.googleapis.com, https://evil.example/',
      WEBHOOK_TIMEOUT_MS: '10',
    })
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'ALIYUN_TEMPLATE_CODE',
      'PUSH_SERVICE_HOSTS.1',
      'SMS_PROVIDER',
      'TWILIO_FROM',
      'VAPID_SUBJECT',
      'WEBHOOK_TIMEOUT_MS',
    ])
    expect(
      ChannelsEnv.parse({ VAPID_SUBJECT: 'https://firewatch.example/contact' }).VAPID_SUBJECT,
    ).toBeDefined()
  })
})

describe('createChannels', () => {
  it('When only defaults are set, then webhooks are the only channel and no VAPID keys are made', () => {
    const dir = join(dataDir, 'defaults')
    const channels = createChannels(ChannelsEnvChecked.parse({}), {
      dataDir: dir,
      clock: systemClock,
      log: collectingLog(),
    })
    expect([...channels.keys()]).toEqual(['webhook'])
    expect(() => statSync(join(dir, 'vapid-keys.json'))).toThrow()
  })

  it('When Twilio and VAPID are configured, then sms, push and webhook all reach their peers', async () => {
    const twilio = await startTwilioPeer(TWILIO)
    const push = await startPushServicePeer(() => systemClock.now())
    const hooks = await startWebhookReceiver({ secret: 'hook-secret', now: () => systemClock.now() })
    const pushAgent = new Agent({ ca: push.ca })
    try {
      const config = ChannelsEnvChecked.parse({
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TWILIO.accountSid,
        TWILIO_AUTH_TOKEN: TWILIO.authToken,
        TWILIO_FROM: TWILIO.from,
        TWILIO_BASE_URL: twilio.baseUrl,
        VAPID_SUBJECT: 'mailto:ops@firewatch.example',
        // The local push service listens on loopback, which only an explicit entry allows.
        PUSH_SERVICE_HOSTS: '127.0.0.1',
        WEBHOOK_TIMEOUT_MS: '1500',
      })
      const log = collectingLog()
      const channels = createChannels(config, { dataDir, clock: systemClock, log, pushAgent })
      expect([...channels.keys()].sort()).toEqual(['push', 'sms', 'webhook'])
      expect(statSync(join(dataDir, 'vapid-keys.json')).mode & 0o777).toBe(0o600)
      // The page subscribes with the key vapidPublicKey serves; the push service holds us to it.
      const { json } = push.subscribe(vapidPublicKey(dataDir))
      const message = messageFor()
      const results = await Promise.all([
        channels.get('sms')!.send({ address: '+8613800138000' }, message),
        channels.get('push')!.send({ address: json }, message),
        channels.get('webhook')!.send({ address: hooks.url, secret: 'hook-secret' }, message),
      ])
      expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent'])
      expect([twilio.messages.length, push.deliveries.length, hooks.deliveries.length]).toEqual([1, 1, 1])
      expect(log.entries.map((e) => e.msg)).toContain('notification channels ready')
    } finally {
      pushAgent.destroy()
      await Promise.all([twilio.close(), push.close(), hooks.close()])
    }
  })

  it('When Aliyun is configured, then the sms channel signs requests the Aliyun peer accepts', async () => {
    const aliyun = await startAliyunPeer({
      ...ALIYUN,
      templateCodes: ['SMS_1'],
      now: () => systemClock.now(),
    })
    try {
      const config = ChannelsEnvChecked.parse({
        SMS_PROVIDER: 'aliyun',
        ALIYUN_ACCESS_KEY_ID: ALIYUN.accessKeyId,
        ALIYUN_ACCESS_KEY_SECRET: ALIYUN.accessKeySecret,
        ALIYUN_SIGN_NAME: ALIYUN.signName,
        ALIYUN_TEMPLATE_CODE: ALIYUN.templateCode,
        ALIYUN_ENDPOINT: aliyun.endpoint,
      })
      const channels = createChannels(config, { dataDir, clock: systemClock, log: collectingLog() })
      const result = await channels.get('sms')!.send({ address: '+85291234567' }, messageFor())
      expect(result).toEqual({ outcome: 'sent', providerId: aliyun.accepted[0]!.bizId })
      expect(aliyun.accepted[0]!.phoneNumbers).toBe('85291234567')
    } finally {
      await aliyun.close()
    }
  })

  it('When a provider config skipped the schema refinement, then createChannels refuses to start', () => {
    const unchecked = ChannelsEnv.parse({ SMS_PROVIDER: 'aliyun' })
    expect(() => createChannels(unchecked, { dataDir, clock: systemClock, log: collectingLog() })).toThrow(
      expect.objectContaining({ code: 'FGW_ERR_CONFIG' }),
    )
  })
})
