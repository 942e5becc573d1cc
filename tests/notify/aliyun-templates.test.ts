import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missingAliyunTemplates } from '../../alerting/notify/channels/aliyun-sms.ts'
import { TEMPLATE_IDS } from '../../alerting/notify/message-builder.ts'
import { startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'

// Aliyun sends approved templates only: a template id without a code in a reader's language would
// fail for good at send time (an all-clear that never goes out), so start-up refuses it.

const ALIYUN = {
  SMS_PROVIDER: 'aliyun',
  ALIYUN_ACCESS_KEY_ID: 'LTAI5tFirewatchTestKey',
  ALIYUN_ACCESS_KEY_SECRET: 'aliyun-secret-0123456789abcdef',
  ALIYUN_SIGN_NAME: 'fire',
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A site in Chinese whose one SMS contact reads English (the centre gets webhooks only). */
function siteFile(): string {
  const dir = tempDataDir()
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'site.yaml')
  writeFileSync(
    file,
    `
site: { name: Template Estate, timezone: Asia/Shanghai, locale: zh-CN }
buildings: [{ id: tower-a, name: Tower A, floors: 10 }]
devices: []
contacts:
  - { id: sam, name: Sam, role: manager, phone: "+8613800000001", locale: en, channels: [sms] }
  - id: centre
    name: Monitoring Centre
    role: monitoring_centre
    channels: [webhook]
    webhook: { url: "http://127.0.0.1:9/hook", secret: whsec-0123456789abcdef }
escalation:
  - levels: [{ targets: [sam, centre], ackTimeoutSec: 600 }]
`,
  )
  return file
}

async function start(templateCode: string) {
  const gw = await startTestGateway({
    ...ALIYUN,
    FIREWATCH_SITE: siteFile(),
    ALIYUN_TEMPLATE_CODE: templateCode,
  })
  cleanups.push(() => gw.stop())
  return gw
}

describe('Aliyun template codes', () => {
  it('When codes are given by template id, then every id the gateway sends without one is named, per language', () => {
    const byId = 'FW_ALERT=SMS_1,FW_DIGEST=SMS_2,FW_NOTICE=SMS_4'
    expect(missingAliyunTemplates(byId, TEMPLATE_IDS, ['zh-CN', 'en'])).toEqual([
      { template: 'FW_ALL_CLEAR', locale: 'zh-CN' },
      { template: 'FW_ALL_CLEAR', locale: 'en' },
    ])
    expect(missingAliyunTemplates(`${byId},FW_ALL_CLEAR.en=SMS_3`, TEMPLATE_IDS, ['zh-CN', 'en'])).toEqual([
      { template: 'FW_ALL_CLEAR', locale: 'zh-CN' },
    ])
    expect(missingAliyunTemplates(`${byId},SMS_9`, TEMPLATE_IDS, ['zh-CN', 'en'])).toEqual([])
    expect(missingAliyunTemplates('SMS_1', TEMPLATE_IDS, ['zh-CN', 'en'])).toEqual([])
  })

  it('When a contact reads a language the codes leave out, then the gateway does not start and names the template and language', async () => {
    const zhOnly = TEMPLATE_IDS.map((id, i) => `${id}.zh-CN=SMS_${i + 1}`).join(',')
    const err = await start(`${zhOnly},FW_ALERT.en=SMS_9`).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'FGW_ERR_CONFIG' })
    const { message } = err as Error
    expect(message).toMatch(
      /^invalid configuration:\n {2}ALIYUN_TEMPLATE_CODE: no template code for FW_DIGEST in en/,
    )
    expect(message).toMatch(/FW_DIGEST in en[\s\S]*FW_ALL_CLEAR in en[\s\S]*FW_NOTICE in en/)
  })

  it('When every template has a code in the site language and the contact language (or a default), then the gateway starts', async () => {
    const perLanguage = TEMPLATE_IDS.flatMap((id, i) => [
      `${id}.zh-CN=SMS_${i + 1}`,
      `${id}.en=SMS_${i + 11}`,
    ])
    const gw = await start(perLanguage.join(','))
    expect((await fetch(`${gw.httpUrl}/healthz`)).status).toBe(200)
    const withDefault = await start('FW_ALERT.zh-CN=SMS_1,FW_ALL_CLEAR=SMS_3,SMS_9')
    expect((await fetch(`${withDefault.httpUrl}/healthz`)).status).toBe(200)
  })
})
