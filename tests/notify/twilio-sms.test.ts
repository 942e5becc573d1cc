import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../alerting/notify/channel.ts'
import { createSmsChannel } from '../../alerting/notify/channels/sms-channel.ts'
import { twilioSignature, verifyTwilioSignature } from '../../alerting/notify/channels/twilio-signature.ts'
import { createTwilioProvider, type TwilioConfig } from '../../alerting/notify/channels/twilio-sms.ts'
import { type HttpPeer, type PeerRequest, startHttpPeer } from '../support/peers/http-peer.ts'
import { signLikeTwilio, startTwilioPeer, type TwilioPeer } from '../support/peers/twilio-peer.ts'
import { messageFor, T0, TestClock } from './channel-fixtures.ts'

const ACCOUNT = {
  accountSid: `AC${'a1'.repeat(16)}`,
  authToken: 'twilio-auth-token-0123',
  from: '+15005550006',
}
const TO = { address: '+8613800138000' }

let peer: TwilioPeer
let callbacks: HttpPeer
const received: Array<{ url: string; params: Record<string, string>; valid: boolean }> = []
const clock = new TestClock()

function channelFor(overrides: Partial<TwilioConfig> = {}): Channel {
  const config: TwilioConfig = {
    ...ACCOUNT,
    baseUrl: peer.baseUrl,
    statusCallbackUrl: `${callbacks.origin}/twilio/status?site=demo`,
    ...overrides,
  }
  return createSmsChannel(createTwilioProvider(config, { clock }))
}

beforeAll(async () => {
  peer = await startTwilioPeer(ACCOUNT)
  // The gateway's side of a status callback: rebuild the URL and verify the signature.
  callbacks = await startHttpPeer((req: PeerRequest, res) => {
    const url = `${callbacks.origin}${req.url}`
    const params = Object.fromEntries(new URLSearchParams(req.body.toString('utf8')))
    const valid = verifyTwilioSignature(
      ACCOUNT.authToken,
      url,
      params,
      req.headers['x-twilio-signature'] as string,
    )
    received.push({ url, params, valid })
    res.writeHead(valid ? 204 : 403)
    res.end()
  })
})
afterAll(async () => {
  await peer.close()
  await callbacks.close()
})
afterEach(() => {
  peer.messages.length = 0
  peer.requests.length = 0
  received.length = 0
})

describe('Twilio SMS channel', () => {
  it('When the message is accepted, then the sid is the provider id and the form has To, From, Body', async () => {
    const result = await channelFor().send(TO, messageFor())
    expect(peer.messages).toHaveLength(1)
    expect(result).toEqual({ outcome: 'sent', providerId: peer.messages[0]!.sid })
    expect(peer.requests[0]!.form).toEqual({
      To: '+8613800138000',
      From: '+15005550006',
      Body: messageFor().text,
      StatusCallback: `${callbacks.origin}/twilio/status?site=demo`,
    })
  })

  it('When Twilio answers 429 with Retry-After in seconds or as a date, then the wait is passed on', async () => {
    const channel = channelFor()
    peer.script({ status: 429, code: 20429, retryAfter: '7' })
    expect(await channel.send(TO, messageFor())).toMatchObject({ outcome: 'retry', retryAfterMs: 7000 })
    clock.ms = T0
    peer.script({ status: 429, code: 20429, retryAfter: 'Sun, 22 Nov 2026 10:00:30 GMT' })
    expect(await channel.send(TO, messageFor())).toMatchObject({ outcome: 'retry', retryAfterMs: 30_000 })
  })

  it('When Twilio fails with 500 then 503, then both are retries and the next attempt is sent', async () => {
    const channel = channelFor()
    peer.script({ status: 500 }, { status: 503 })
    const first = await channel.send(TO, messageFor())
    expect(first.outcome).toBe('retry')
    expect(first).not.toHaveProperty('retryAfterMs')
    expect((await channel.send(TO, messageFor())).outcome).toBe('retry')
    expect((await channel.send(TO, messageFor())).outcome).toBe('sent')
    expect(peer.requests.map((r) => r.status)).toEqual([500, 503, 201])
  })

  it('When the recipient unsubscribed (21610) or the number is invalid (21211), then it is permanent', async () => {
    const channel = channelFor()
    peer.script({ status: 400, code: 21610 }, { status: 400, code: 21211 })
    const unsubscribed = await channel.send(TO, messageFor())
    expect(unsubscribed).toEqual({ outcome: 'permanent', reason: expect.stringContaining('21610') })
    expect(unsubscribed).toMatchObject({ reason: expect.stringContaining('unsubscribed') })
    expect(await channel.send(TO, messageFor())).toEqual({
      outcome: 'permanent',
      reason: expect.stringContaining('code 21211: invalid phone number'),
    })
  })

  it('When the auth token is wrong, then Twilio refuses with 401 and the channel does not retry', async () => {
    const result = await channelFor({ authToken: 'not-the-token' }).send(TO, messageFor())
    expect(result).toEqual({ outcome: 'permanent', reason: expect.stringContaining('twilio 401 code 20003') })
    expect(peer.messages).toHaveLength(0)
  })

  it('When the sender is a Messaging Service, then MessagingServiceSid is sent instead of From', async () => {
    const service = `MG${'b2'.repeat(16)}`
    const servicePeer = await startTwilioPeer({ ...ACCOUNT, from: service })
    try {
      const channel = channelFor({
        baseUrl: servicePeer.baseUrl,
        from: service,
        statusCallbackUrl: undefined,
      })
      expect((await channel.send(TO, messageFor())).outcome).toBe('sent')
      expect(servicePeer.requests[0]!.form).toEqual({
        To: TO.address,
        MessagingServiceSid: service,
        Body: messageFor().text,
      })
    } finally {
      await servicePeer.close()
    }
  })

  it('When the address is not E.164, then it is permanent and nothing reaches Twilio', async () => {
    expect(await channelFor().send({ address: '13800138000' }, messageFor())).toMatchObject({
      outcome: 'permanent',
    })
    expect(peer.requests).toHaveLength(0)
  })

  it('When Twilio cannot be reached, then it is a retry', async () => {
    const gone = await startHttpPeer(() => {})
    await gone.close()
    const result = await channelFor({ baseUrl: gone.origin }).send(TO, messageFor())
    expect(result).toEqual({ outcome: 'retry', reason: expect.stringMatching(/^twilio: fetch failed/) })
  })
})

describe('Twilio status callbacks', () => {
  it('When Twilio posts a signed delivery status, then verifyTwilioSignature accepts it', async () => {
    await channelFor().send(TO, messageFor())
    const sid = peer.messages[0]!.sid
    expect(await peer.sendStatusCallback(sid, 'delivered')).toBe(204)
    expect(received).toEqual([
      {
        url: `${callbacks.origin}/twilio/status?site=demo`,
        params: expect.objectContaining({ MessageSid: sid, MessageStatus: 'delivered' }),
        valid: true,
      },
    ])
  })

  it('When a callback is signed with another auth token, then it is rejected', async () => {
    await channelFor().send(TO, messageFor())
    expect(await peer.sendStatusCallback(peer.messages[0]!.sid, 'delivered', 'forged-token')).toBe(403)
    expect(received[0]!.valid).toBe(false)
  })

  it("When Twilio's documented example is checked, then both implementations give its signature", () => {
    // twilio.com/docs/usage/security: auth token 12345, this URL and these parameters.
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2'
    const params = {
      To: '+18005551212',
      From: '+12349013030',
      Digits: '1234',
      Caller: '+12349013030',
      CallSid: 'CA1234567890ABCDE',
    }
    const documented = '0/KCTR6DLpKmkAf8muzZqo1nDgQ='
    expect(signLikeTwilio('12345', url, params)).toBe(documented)
    expect(verifyTwilioSignature('12345', url, params, documented)).toBe(true)
    expect(verifyTwilioSignature('12345', url, { ...params, Digits: '1235' }, documented)).toBe(false)
    expect(verifyTwilioSignature('12345', `${url}&x=1`, params, documented)).toBe(false)
    expect(verifyTwilioSignature('12345', url, params, undefined)).toBe(false)
  })

  it('When a parameter repeats, then its values are appended in sorted order', () => {
    const url = 'https://gw.example.com/twilio/status'
    const expected = signLikeTwilio('t0k3n', url, { A: '1', Media: 'xy' })
    // Twilio appends name + value for each value; "Media" + "x" + "Media" + "y" differs from "Mediaxy".
    expect(twilioSignature('t0k3n', url, { A: '1', Media: ['y', 'x'] })).not.toBe(expected)
    expect(twilioSignature('t0k3n', url, { Media: ['y', 'x'], A: '1' })).toBe(
      twilioSignature('t0k3n', url, { A: '1', Media: ['x', 'y'] }),
    )
  })
})
