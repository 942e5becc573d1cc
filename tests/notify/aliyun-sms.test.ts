import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../alerting/notify/channel.ts'
import { acs3Authorization, sha256Hex } from '../../alerting/notify/channels/aliyun-signature.ts'
import {
  type AliyunConfig,
  aliyunTemplateCode,
  createAliyunProvider,
} from '../../alerting/notify/channels/aliyun-sms.ts'
import { createSmsChannel } from '../../alerting/notify/channels/sms-channel.ts'
import { type AliyunPeer, aliyunServerSignature, startAliyunPeer } from '../support/peers/aliyun-peer.ts'
import { messageFor, T0, TestClock } from './channel-fixtures.ts'

const ACCOUNT = {
  accessKeyId: 'LTAI5tFirewatchTestKey',
  accessKeySecret: 'aliyun-secret-0123456789abcdef',
  signName: '消防监控',
  templateCode: 'SMS_465300123',
}
const TO = { address: '+8613800138000' }
const DIGEST_CODE = 'SMS_465300999'

let peer: AliyunPeer
const clock = new TestClock()

function channelFor(overrides: Partial<AliyunConfig> = {}, channelClock = clock): Channel {
  const config = { ...ACCOUNT, endpoint: peer.endpoint, ...overrides }
  return createSmsChannel(createAliyunProvider(config, { clock: channelClock }))
}

beforeAll(async () => {
  const templateCodes = [ACCOUNT.templateCode, DIGEST_CODE]
  peer = await startAliyunPeer({ ...ACCOUNT, templateCodes, now: () => clock.now() })
})
afterAll(() => peer.close())
afterEach(() => {
  peer.accepted.length = 0
  peer.requests.length = 0
  clock.ms = T0
})

describe('ACS3-HMAC-SHA256 signature', () => {
  // The worked example of Aliyun's "V3 request structure and signature" page: RunInstances on
  // ecs.cn-shanghai, access key YourAccessKeyId / YourAccessKeySecret.
  const example = {
    method: 'POST',
    path: '/',
    query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
    headers: {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-content-sha256': sha256Hex(''),
      'x-acs-date': '2023-10-26T10:22:32Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-version': '2014-05-26',
    },
    payloadHash: sha256Hex(''),
  }
  const documented = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'

  it("When Aliyun's documented example is signed, then the signer and the peer both give its signature", () => {
    expect(acs3Authorization(example, 'YourAccessKeyId', 'YourAccessKeySecret')).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;' +
        `x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${documented}`,
    )
    const server = aliyunServerSignature({
      method: 'POST',
      path: '/',
      rawQuery: 'RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd',
      headers: example.headers,
      signedHeaders: Object.keys(example.headers),
      payloadHash: example.payloadHash,
      secret: 'YourAccessKeySecret',
    })
    expect(server).toBe(documented)
  })

  it('When any signed part changes, then the signature changes', () => {
    const base = acs3Authorization(example, 'YourAccessKeyId', 'YourAccessKeySecret')
    const changed = [
      { ...example, query: { ...example.query, RegionId: 'cn-beijing' } },
      { ...example, headers: { ...example.headers, 'x-acs-date': '2023-10-26T10:22:33Z' } },
      { ...example, method: 'GET' },
    ]
    for (const request of changed)
      expect(acs3Authorization(request, 'YourAccessKeyId', 'YourAccessKeySecret')).not.toBe(base)
    expect(acs3Authorization(example, 'YourAccessKeyId', 'another-secret')).not.toBe(base)
  })
})

describe('Aliyun SMS channel', () => {
  it('When SendSms succeeds, then BizId is the provider id and the template, params and OutId arrive', async () => {
    const message = messageFor({
      params: { building: '金茂大厦A座', floor: '30F', link: 'https://fw.cn/a/x?y=1&z=*~ (2)' },
    })
    const result = await channelFor().send(TO, message)
    expect(peer.accepted).toHaveLength(1)
    expect(result).toEqual({ outcome: 'sent', providerId: peer.accepted[0]!.bizId })
    expect(peer.accepted[0]).toMatchObject({
      phoneNumbers: '8613800138000',
      signName: '消防监控',
      templateCode: 'SMS_465300123',
      templateParam: message.params,
      outId: message.idempotencyKey,
    })
  })

  it('When two messages go out in the same second, then each has its own nonce and both are accepted', async () => {
    const channel = channelFor()
    const results = await Promise.all([channel.send(TO, messageFor()), channel.send(TO, messageFor())])
    expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent'])
  })

  it('When the secret is wrong, then the peer finds the signature does not match and it is permanent', async () => {
    const result = await channelFor({ accessKeySecret: 'wrong-secret' }).send(TO, messageFor())
    expect(result).toEqual({
      outcome: 'permanent',
      reason: expect.stringContaining('400 SignatureDoesNotMatch'),
    })
    expect(peer.accepted).toHaveLength(0)
  })

  it('When the access key is unknown, then it is permanent', async () => {
    const result = await channelFor({ accessKeyId: 'LTAI-unknown' }).send(TO, messageFor())
    expect(result).toMatchObject({
      outcome: 'permanent',
      reason: expect.stringContaining('InvalidAccessKeyId.NotFound'),
    })
  })

  it('When the gateway clock is 20 minutes behind Aliyun, then the signed date is refused', async () => {
    const late = new TestClock(T0 - 20 * 60_000)
    const result = await channelFor({}, late).send(TO, messageFor())
    expect(result).toMatchObject({
      outcome: 'permanent',
      reason: expect.stringContaining('InvalidTimeStamp.Expired'),
    })
  })

  it('When Aliyun reports flow control or throttling, then it is a retry, flow control after a minute', async () => {
    const channel = channelFor()
    peer.script(
      { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发分钟级流控Permits:1' },
      { code: 'Throttling.User', httpStatus: 400 },
      { code: 'isp.SYSTEM_ERROR', httpStatus: 500 },
    )
    expect(await channel.send(TO, messageFor())).toEqual({
      outcome: 'retry',
      reason: 'aliyun 200 isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控Permits:1',
      retryAfterMs: 60_000,
    })
    expect(await channel.send(TO, messageFor())).toMatchObject({
      outcome: 'retry',
      reason: expect.stringContaining('Throttling.User'),
    })
    expect(await channel.send(TO, messageFor())).toMatchObject({
      outcome: 'retry',
      reason: expect.stringContaining('500'),
    })
    expect((await channel.send(TO, messageFor())).outcome).toBe('sent')
  })

  it('When Aliyun answers 503 without a business code, then it is a retry', async () => {
    peer.script({ code: '', httpStatus: 503 })
    expect(await channelFor().send(TO, messageFor())).toMatchObject({ outcome: 'retry' })
  })

  it('When the number is illegal or the template is wrong, then it is permanent', async () => {
    peer.script({ code: 'isv.MOBILE_NUMBER_ILLEGAL', message: '非法手机号' })
    expect(await channelFor().send(TO, messageFor())).toEqual({
      outcome: 'permanent',
      reason: 'aliyun 200 isv.MOBILE_NUMBER_ILLEGAL: 非法手机号',
    })
    // Not scripted: the peer itself refuses a template the account does not have.
    const wrongTemplate = await channelFor({ templateCode: 'SMS_000000000' }).send(TO, messageFor())
    expect(wrongTemplate).toMatchObject({
      outcome: 'permanent',
      reason: expect.stringContaining('isv.SMS_TEMPLATE_ILLEGAL'),
    })
    expect(peer.accepted).toHaveLength(0)
  })

  it('When templates are mapped by message template id, then each message uses its own code', async () => {
    const channel = channelFor({ templateCode: `${ACCOUNT.templateCode},FW_DIGEST=${DIGEST_CODE}` })
    await channel.send(TO, messageFor({ template: 'FW_DIGEST' }))
    await channel.send(TO, messageFor({ template: 'FW_ALERT' }))
    expect(peer.accepted.map((sms) => sms.templateCode)).toEqual([DIGEST_CODE, ACCOUNT.templateCode])
    const unmapped = await channelFor({ templateCode: `FW_ALERT=${ACCOUNT.templateCode}` }).send(
      TO,
      messageFor({ template: 'FW_DIGEST' }),
    )
    expect(unmapped).toEqual({
      outcome: 'permanent',
      reason: 'aliyun: no template code configured for FW_DIGEST (en)',
    })
    expect(peer.requests).toHaveLength(2)
  })

  it('When templates are mapped by language, then a Chinese message goes out on the Chinese template with its Chinese parameters', async () => {
    const channel = channelFor({
      templateCode: `FW_ALERT.zh-CN=${ACCOUNT.templateCode},FW_ALERT.en=${DIGEST_CODE}`,
    })
    const params = { type: '火警', building: '金茂大厦A座', floor: '负一层', link: 'https://fw.cn/ack/x' }
    await channel.send(TO, messageFor({ locale: 'zh-CN', params }))
    await channel.send(TO, messageFor({ locale: 'en' }))
    expect(peer.accepted.map((sms) => sms.templateCode)).toEqual([ACCOUNT.templateCode, DIGEST_CODE])
    expect(peer.accepted[0]!.templateParam).toEqual(params)
  })

  it('When the template setting is read, then a named code wins over the unnamed default', () => {
    expect(aliyunTemplateCode('FW_ALERT.zh-CN=SMS_3,FW_ALERT=SMS_2,SMS_1', 'FW_ALERT', 'zh-CN')).toBe('SMS_3')
    expect(aliyunTemplateCode('FW_ALERT.zh-CN=SMS_3,FW_ALERT=SMS_2,SMS_1', 'FW_ALERT', 'en')).toBe('SMS_2')
    expect(aliyunTemplateCode('FW_ALERT.zh-CN=SMS_3,SMS_1', 'FW_DIGEST', 'zh-CN')).toBe('SMS_1')
    expect(aliyunTemplateCode('SMS_1', 'FW_ALERT')).toBe('SMS_1')
    expect(aliyunTemplateCode('FW_DIGEST=SMS_2, SMS_1', 'FW_DIGEST')).toBe('SMS_2')
    expect(aliyunTemplateCode('FW_DIGEST=SMS_2,SMS_1', 'FW_ALERT')).toBe('SMS_1')
    expect(aliyunTemplateCode('FW_ALERT=SMS_1', 'FW_DIGEST')).toBeUndefined()
  })
})
