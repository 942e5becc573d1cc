import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../alerting/notify/channel.ts'
import { ChannelsEnv } from '../../alerting/notify/channels/channels-config.ts'
import { PushServiceHosts } from '../../alerting/notify/channels/push-service-hosts.ts'
import { pushTopic } from '../../alerting/notify/channels/push-subscription.ts'
import {
  loadVapidKeys,
  VAPID_KEYS_FILE,
  type VapidKeys,
  vapidPublicKey,
} from '../../alerting/notify/channels/vapid-keys.ts'
import { createWebPushChannel } from '../../alerting/notify/channels/web-push-channel.ts'
import { systemClock } from '../../gateway/clock.ts'
import { FirewatchError } from '../../ingest/error-codes.ts'
import { type PushServicePeer, startPushServicePeer } from '../support/peers/push-service-peer.ts'
import { collectingLog, messageFor, TestClock } from './channel-fixtures.ts'

// The push service checks token expiry against real time, as a real one would.
let peer: PushServicePeer
let agent: Agent
let dataDir: string
let vapid: VapidKeys

// The local push service listens on loopback: allowed explicitly, as PUSH_SERVICE_HOSTS=127.0.0.1 does.
const LOCAL_PUSH_SERVICE = new PushServiceHosts(['127.0.0.1'])

function channelFor(
  clock: { now(): number } = systemClock,
  withAgent = true,
  serviceHosts = LOCAL_PUSH_SERVICE,
): Channel {
  return createWebPushChannel({
    vapid,
    subject: 'mailto:ops@firewatch.example',
    clock,
    serviceHosts,
    ...(withAgent ? { agent } : {}),
  })
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fw-push-'))
  vapid = loadVapidKeys(dataDir)
  peer = await startPushServicePeer(() => systemClock.now())
  agent = new Agent({ ca: peer.ca })
})
afterAll(async () => {
  agent.destroy()
  await peer.close()
  rmSync(dataDir, { recursive: true, force: true })
})
afterEach(() => {
  peer.deliveries.length = 0
  peer.refusals.length = 0
})

describe('Web Push channel', () => {
  it('When an urgent alert is pushed, then the service verifies VAPID and decrypts the payload', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    const message = messageFor()
    const result = await channelFor().send({ address: json }, message)
    expect(peer.refusals).toEqual([])
    expect(result).toEqual({ outcome: 'sent', providerId: expect.stringMatching(`^${peer.origin}/message/`) })
    const [delivery] = peer.deliveries
    expect(delivery).toMatchObject({ ttl: 300, urgency: 'high', topic: message.alertId })
    expect(delivery!.claims).toMatchObject({ aud: peer.origin, sub: 'mailto:ops@firewatch.example' })
    expect(JSON.parse(delivery!.payload)).toEqual({
      type: 'firewatch.alert',
      alertId: message.alertId,
      locale: 'en',
      title: 'FIRE - Tower A',
      text: message.text,
      ackUrl: message.ackUrl,
      urgent: true,
      alert: message.alert,
    })
  })

  it('When the alert is not urgent, then the urgency is normal', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    await channelFor().send({ address: json }, messageFor({ urgent: false }))
    expect(peer.deliveries[0]).toMatchObject({ urgency: 'normal' })
  })

  it('When an alert is pushed twice before the phone wakes, then the second replaces the first', async () => {
    const { id, json } = peer.subscribe(vapid.publicKey)
    const channel = channelFor()
    await channel.send({ address: json }, messageFor({ text: 'first' }))
    await channel.send({ address: json }, messageFor({ text: 'update' }))
    await channel.send({ address: json }, messageFor({ alertId: 'other-alert', text: 'another alert' }))
    const pending = peer.pending(id).map((d) => JSON.parse(d.payload).text)
    expect(pending).toEqual(['update', 'another alert'])
  })

  it('When the alert id does not fit a Topic, then a stable 32-character URL-safe topic is derived', async () => {
    const longId = 'site:tower-a/alert#01KAP2Q8M4Z6X7Y8W9V0T1S2R3-escalation'
    const topic = pushTopic(longId)
    expect(topic).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(pushTopic(longId)).toBe(topic)
    expect(pushTopic(`${longId}x`)).not.toBe(topic)
    const { json } = peer.subscribe(vapid.publicKey)
    expect((await channelFor().send({ address: json }, messageFor({ alertId: longId }))).outcome).toBe('sent')
    expect(peer.deliveries[0]!.topic).toBe(topic)
  })

  it('When the subscription is gone (410) or unknown (404), then it is permanent', async () => {
    const { id, json } = peer.subscribe(vapid.publicKey)
    peer.unsubscribe(id)
    expect(await channelFor().send({ address: json }, messageFor())).toEqual({
      outcome: 'permanent',
      reason: 'push subscription gone (410)',
      gone: true,
    })
    const unknown = json.replace(/\/push\/[\w-]+/, '/push/never-subscribed')
    expect(await channelFor().send({ address: unknown }, messageFor())).toEqual({
      outcome: 'permanent',
      reason: 'push subscription gone (404)',
      gone: true,
    })
  })

  it('When the push service throttles or fails, then it is a retry with its Retry-After', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    peer.script({ status: 429, retryAfter: '120' }, { status: 503 })
    const channel = channelFor()
    expect(await channel.send({ address: json }, messageFor())).toMatchObject({
      outcome: 'retry',
      retryAfterMs: 120_000,
    })
    expect(await channel.send({ address: json }, messageFor())).toMatchObject({ outcome: 'retry' })
    expect((await channel.send({ address: json }, messageFor())).outcome).toBe('sent')
  })

  it('When the subscription was made for another VAPID key, then the push service refuses it', async () => {
    const other = loadVapidKeys(join(dataDir, 'other-gateway'))
    const { json } = peer.subscribe(other.publicKey)
    const result = await channelFor().send({ address: json }, messageFor())
    expect(result).toMatchObject({
      outcome: 'permanent',
      reason: expect.stringContaining('push service 403'),
    })
    expect(peer.refusals[0]!.reason).toContain('key differs')
  })

  it('When the VAPID token is signed with another private key, then its signature is refused', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    const other = loadVapidKeys(join(dataDir, 'other-gateway'))
    const forged = createWebPushChannel({
      vapid: { publicKey: vapid.publicKey, privateKey: other.privateKey },
      subject: 'mailto:ops@firewatch.example',
      clock: systemClock,
      serviceHosts: LOCAL_PUSH_SERVICE,
      agent,
    })
    expect(await forged.send({ address: json }, messageFor())).toMatchObject({ outcome: 'permanent' })
    expect(peer.refusals).toEqual([{ status: 401, reason: 'JWT signature invalid' }])
  })

  it('When the payload is encrypted for another auth secret, then the service cannot decrypt it', async () => {
    const parsed = JSON.parse(peer.subscribe(vapid.publicKey).json)
    const address = JSON.stringify({
      ...parsed,
      keys: { ...parsed.keys, auth: Buffer.alloc(16, 7).toString('base64url') },
    })
    expect(await channelFor().send({ address }, messageFor())).toMatchObject({ outcome: 'permanent' })
    expect(peer.refusals).toEqual([
      { status: 400, reason: 'Unsupported state or unable to authenticate data' },
    ])
  })

  it('When the VAPID token has expired by the gateway clock, then the push service refuses it', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    const stale = new TestClock(systemClock.now() - 25 * 3600_000)
    const result = await channelFor(stale).send({ address: json }, messageFor())
    expect(result).toMatchObject({ outcome: 'permanent', reason: expect.stringContaining('401') })
    expect(peer.refusals).toEqual([{ status: 401, reason: 'JWT expired' }])
  })

  it('When the subscription is not usable, then it is permanent and nothing is sent', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    const parsed = JSON.parse(json)
    const badKey = { ...parsed, keys: { ...parsed.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } }
    const http = { ...parsed, endpoint: parsed.endpoint.replace('https:', 'http:') }
    for (const address of ['not json', JSON.stringify(badKey), JSON.stringify(http)]) {
      expect(await channelFor().send({ address }, messageFor())).toMatchObject({ outcome: 'permanent' })
    }
    expect(peer.deliveries).toHaveLength(0)
    expect(peer.refusals).toHaveLength(0)
  })

  it('When the endpoint is not on PUSH_SERVICE_HOSTS (the defaults: no loopback), then it is permanent and nothing is sent', async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    const defaults = new PushServiceHosts(ChannelsEnv.parse({}).PUSH_SERVICE_HOSTS)
    const result = await channelFor(systemClock, true, defaults).send({ address: json }, messageFor())
    expect(result).toEqual({
      outcome: 'permanent',
      reason: 'push service host 127.0.0.1 is not in PUSH_SERVICE_HOSTS',
    })
    expect(peer.deliveries).toHaveLength(0)
    expect(peer.refusals).toHaveLength(0)
  })

  it("When the push service's certificate is not trusted, then TLS fails and it is a retry", async () => {
    const { json } = peer.subscribe(vapid.publicKey)
    const result = await channelFor(systemClock, false).send({ address: json }, messageFor())
    expect(result).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('self-signed') })
  })
})

describe('VAPID keys', () => {
  it('When DATA_DIR is empty, then a key pair is made with mode 0600 and kept across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-vapid-'))
    const log = collectingLog()
    const first = loadVapidKeys(dir, log)
    expect(statSync(join(dir, VAPID_KEYS_FILE)).mode & 0o777).toBe(0o600)
    expect(log.entries.map((e) => e.msg)).toEqual(['VAPID keys generated'])
    expect(loadVapidKeys(dir, log)).toEqual(first)
    expect(vapidPublicKey(dir)).toBe(first.publicKey)
    expect(log.entries).toHaveLength(1)
    rmSync(dir, { recursive: true, force: true })
  })

  it('When the key file is readable by others, then it is made private again and a warning logged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-vapid-'))
    loadVapidKeys(dir)
    chmodSync(join(dir, VAPID_KEYS_FILE), 0o644)
    const log = collectingLog()
    loadVapidKeys(dir, log)
    expect(statSync(join(dir, VAPID_KEYS_FILE)).mode & 0o777).toBe(0o600)
    expect(log.entries).toEqual([
      expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ mode: '644' }) }),
    ])
    rmSync(dir, { recursive: true, force: true })
  })

  it('When the key file is damaged, then loading stops with a coded error instead of new keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-vapid-'))
    writeFileSync(join(dir, VAPID_KEYS_FILE), '{"publicKey": "short"}', { mode: 0o600 })
    expect(() => loadVapidKeys(dir)).toThrow(FirewatchError)
    expect(() => loadVapidKeys(dir)).toThrow(expect.objectContaining({ code: 'FGW_ERR_CHANNEL_VAPID_KEYS' }))
    rmSync(dir, { recursive: true, force: true })
  })
})
