import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../alerting/notify/channel.ts'
import { createWebhookChannel } from '../../alerting/notify/channels/webhook-channel.ts'
import { verifyWebhookSignature, webhookSignature } from '../../alerting/notify/channels/webhook-signature.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { messageFor, T0, TestClock } from './channel-fixtures.ts'

const SECRET = 'whsec-brigade-0123456789'
const clock = new TestClock()
let receiver: WebhookReceiver

function channelFor(channelClock = clock, timeoutMs = 2000): Channel {
  return createWebhookChannel({ clock: channelClock, timeoutMs })
}

beforeAll(async () => {
  receiver = await startWebhookReceiver({ secret: SECRET, now: () => clock.now() })
})
afterAll(() => receiver.close())
afterEach(() => {
  receiver.deliveries.length = 0
  receiver.rejected.length = 0
  clock.ms = T0
})

describe('Webhook channel', () => {
  it('When the receiver accepts, then it got the signed alert, text, ack link and idempotency key', async () => {
    const message = messageFor()
    const result = await channelFor().send({ address: receiver.url, secret: SECRET }, message)
    expect(result).toEqual({ outcome: 'sent', providerId: expect.stringMatching(/^webhook:[0-9a-f]{24}$/) })
    expect(receiver.rejected).toEqual([])
    expect(receiver.deliveries).toEqual([
      {
        idempotencyKey: message.idempotencyKey,
        timestamp: T0 / 1000,
        body: {
          alert: message.alert,
          text: message.text,
          locale: 'en',
          ackUrl: message.ackUrl,
          idempotencyKey: message.idempotencyKey,
        },
      },
    ])
  })

  it('When the receiver answers with X-Request-Id, then that is the provider id', async () => {
    const tagged = await startWebhookReceiver({ secret: SECRET, now: () => clock.now(), requestId: 'rcv-42' })
    try {
      const result = await channelFor().send({ address: tagged.url, secret: SECRET }, messageFor())
      expect(result).toEqual({ outcome: 'sent', providerId: 'rcv-42' })
    } finally {
      await tagged.close()
    }
  })

  it('When the destination secret is not the receiver’s, then the receiver rejects it and it is permanent', async () => {
    const result = await channelFor().send({ address: receiver.url, secret: 'wrong-secret' }, messageFor())
    expect(result).toEqual({ outcome: 'permanent', reason: 'webhook answered 401' })
    expect(receiver.rejected).toEqual(['bad signature'])
  })

  it('When the request is older than the receiver’s tolerance, then it is rejected as a replay', async () => {
    const late = new TestClock(T0 - 10 * 60_000)
    const result = await channelFor(late).send({ address: receiver.url, secret: SECRET }, messageFor())
    expect(result).toMatchObject({ outcome: 'permanent' })
    expect(receiver.rejected).toEqual(['timestamp 600 s away'])
  })

  it('When the receiver throttles then fails, then both are retries and the key arrives once', async () => {
    const message = messageFor({ idempotencyKey: 'alert-7:brigade:webhook:0:0' })
    const to = { address: receiver.url, secret: SECRET }
    receiver.script({ status: 429, retryAfter: '5' }, { status: 503 })
    expect(await channelFor().send(to, message)).toEqual({
      outcome: 'retry',
      reason: 'webhook answered 429',
      retryAfterMs: 5000,
    })
    expect(await channelFor().send(to, message)).toEqual({ outcome: 'retry', reason: 'webhook answered 503' })
    expect((await channelFor().send(to, message)).outcome).toBe('sent')
    expect(receiver.received(message.idempotencyKey)).toBe(3)
    expect(receiver.deliveries.map((d) => d.idempotencyKey)).toEqual([message.idempotencyKey])
  })

  it('When the receiver answers 404 or a redirect, then it is permanent', async () => {
    const to = { address: receiver.url, secret: SECRET }
    receiver.script({ status: 404 }, { status: 302 })
    expect(await channelFor().send(to, messageFor())).toEqual({
      outcome: 'permanent',
      reason: 'webhook answered 404',
    })
    expect(await channelFor().send(to, messageFor())).toEqual({
      outcome: 'permanent',
      reason: 'webhook answered 302',
    })
  })

  it('When the receiver hangs past the timeout, then it is a retry', async () => {
    // The receiver would answer 200 after 5 s: a channel that waited for it would report success.
    receiver.script({ delayMs: 5000 })
    const result = await channelFor(clock, 200).send({ address: receiver.url, secret: SECRET }, messageFor())
    expect(result).toEqual({ outcome: 'retry', reason: 'webhook: timed out' })
  })

  it('When the destination has no secret or no http(s) URL, then it is permanent without a request', async () => {
    const before = receiver.received(messageFor().idempotencyKey)
    expect(await channelFor().send({ address: receiver.url }, messageFor())).toEqual({
      outcome: 'permanent',
      reason: 'webhook destination has no signing secret',
    })
    for (const address of ['ftp://127.0.0.1/x', 'not a url']) {
      expect(await channelFor().send({ address, secret: SECRET }, messageFor())).toMatchObject({
        outcome: 'permanent',
      })
    }
    expect(receiver.received(messageFor().idempotencyKey)).toBe(before)
  })
})

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify({ text: 'FIRE', idempotencyKey: 'k1' })
  const ts = 1_795_341_600
  const signature = webhookSignature(SECRET, ts, body)

  it('When the body, timestamp and secret match within the tolerance, then it is valid', () => {
    expect(signature).toMatch(/^[0-9a-f]{64}$/)
    expect(verifyWebhookSignature(SECRET, String(ts), body, signature, ts + 299)).toBe(true)
    expect(verifyWebhookSignature(SECRET, ts, body, signature.toUpperCase(), ts - 10)).toBe(true)
  })

  it('When anything was changed or the request is stale, then it is not valid', () => {
    expect(verifyWebhookSignature('other-secret', ts, body, signature, ts)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts, body.replace('FIRE', 'fire'), signature, ts)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts + 1, body, signature, ts)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts, body, signature, ts + 301)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts, body, signature, ts - 301)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts, body, signature, ts + 30, 20)).toBe(false)
    expect(verifyWebhookSignature(SECRET, 'soon', body, signature, ts)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts, body, undefined, ts)).toBe(false)
    expect(verifyWebhookSignature(SECRET, ts, body, signature.slice(2), ts)).toBe(false)
  })
})
