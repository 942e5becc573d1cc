import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_WEBHOOK_SECRET, startFixtureReceiver } from '../notify/notify-fixtures.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import type { WebhookDelivery, WebhookReceiver } from '../support/peers/webhook-receiver.ts'

// A Chinese site on the real gateway: the alert message follows the site, each contact's texts and
// ack page follow the contact (王芳 has no language of her own, Tom reads English), and dead links
// and API errors follow the browser's Accept-Language.

const siteYaml = (webhookUrl: string) => `
site: { name: 滨江花园, timezone: Asia/Shanghai, locale: zh-CN, offlineGraceSec: 1 }
buildings:
  - { id: jinmao, name: 金茂大厦A座, floors: 88, basements: 3 }
devices:
  - { id: jm-b1-smoke-01, building: jinmao, floor: -1, zone: 车库东区, kind: smoke_detector, label: 地下车库东侧通道, secret: s3cret-jm-b1 }
apiTokens:
  - { name: brigade, token: brigade-token, role: brigade }
contacts:
  - { id: wang-fang, name: 王芳, role: manager, channels: [webhook], webhook: { url: "${webhookUrl}?to=wang-fang", secret: ${FIXTURE_WEBHOOK_SECRET} } }
  - { id: tom, name: Tom Baker, role: deputy, locale: en, channels: [webhook], webhook: { url: "${webhookUrl}?to=tom", secret: ${FIXTURE_WEBHOOK_SECRET} } }
  - { id: centre, name: 监控中心, role: monitoring_centre, channels: [webhook], webhook: { url: "${webhookUrl}?to=centre", secret: ${FIXTURE_WEBHOOK_SECRET} } }
escalation:
  - levels: [{ targets: [wang-fang, tom, centre], ackTimeoutSec: 600 }]
`

let receiver: WebhookReceiver
let gw: GatewayUnderTest
let siteDir: string
let toWang: WebhookDelivery
let toTom: WebhookDelivery

const form = { 'content-type': 'application/x-www-form-urlencoded' }
const pageUrl = (delivery: WebhookDelivery) => gw.httpUrl + new URL(delivery.body.ackUrl).pathname

beforeAll(async () => {
  receiver = await startFixtureReceiver()
  siteDir = tempDataDir()
  const site = join(siteDir, 'site.yaml')
  writeFileSync(site, siteYaml(receiver.url))
  gw = await startTestGateway({ FIREWATCH_SITE: site })
  const device = await connectClient(gw.mqttUrl, 'jm-b1-smoke-01', 's3cret-jm-b1')
  await device.publishAsync('fw/jinmao/jm-b1-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
    qos: 1,
  })
  await device.endAsync()
  const to = (id: string) => receiver.deliveries.find((d) => d.idempotencyKey.includes(`:${id}:`))
  toWang = await waitFor(() => to('wang-fang'))
  toTom = await waitFor(() => to('tom'))
})

afterAll(async () => {
  await gw?.stop()
  await receiver?.close()
  rmSync(siteDir, { recursive: true, force: true })
})

describe('Languages on a Chinese site', () => {
  it("When a fire is raised, then the alert message is in the site's language and each contact's text in theirs", async () => {
    const alerts = (await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/alerts')).body.alerts
    expect(alerts[0].message).toBe('设备火警：金茂大厦A座 负一层 车库东区，地下车库东侧通道')
    expect(toWang.body.text).toMatch(
      /^火警 \d\d:\d\d：.*金茂大厦A座 负一层 车库东区，地下车库东侧通道.*。确认：http/,
    )
    expect(toTom.body.text).toMatch(
      /^FIRE \d\d:\d\d: .*金茂大厦A座 B1 车库东区, 地下车库东侧通道.*\. Ack: http/,
    )
  })

  it('When each contact opens their link, then the page speaks their language, with local names and times', async () => {
    const zh = await (await fetch(pageUrl(toWang))).text()
    expect(zh).toContain('<html lang="zh-CN">')
    expect(zh).toContain('<h1>确认警情</h1>')
    expect(zh).toContain('<dt>楼层</dt><dd>负一层</dd>')
    expect(zh).toContain('<dt>类别</dt><dd>火警</dd>')
    expect(zh).toMatch(
      /<dt>发生时间<\/dt><dd>\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（GMT\+8）（(刚刚|\d+ 分钟前)）<\/dd>/,
    )
    expect(zh).toContain('<button type="submit">确认</button>')
    const en = await (await fetch(pageUrl(toTom))).text()
    expect(en).toContain('<html lang="en">')
    expect(en).toContain('<h1>Acknowledge alert</h1>')
    expect(en).toContain('<dt>Floor</dt><dd>B1</dd>')
    expect(en).toContain('Fire alarm (device): 金茂大厦A座 B1 车库东区, 地下车库东侧通道')
    expect(en).toMatch(
      /<dt>Opened<\/dt><dd>\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d GMT\+8 \((just now|\d+ min ago)\)<\/dd>/,
    )
  })

  it("When the links are used, then the answers are in each contact's language, and a dead link in the browser's", async () => {
    const post = await fetch(pageUrl(toWang), {
      method: 'POST',
      headers: form,
      body: 'note=%E9%A9%AC%E4%B8%8A%E5%88%B0',
    })
    expect(post.status).toBe(200)
    expect(await post.text()).toContain('谢谢，王芳。已停止逐级上报。')
    const tomPage = await (await fetch(pageUrl(toTom))).text()
    expect(tomPage).toContain('This alert is already acknowledged.')
    const tomPost = await fetch(pageUrl(toTom), { method: 'POST', headers: form, body: '' })
    expect(await tomPost.text()).toContain('This alert was already acknowledged; nothing changed.')

    const spentZh = await fetch(pageUrl(toWang), { method: 'POST', headers: form, body: '' })
    expect(spentZh.status).toBe(410)
    expect(await spentZh.text()).toContain('链接已使用')
    const spentEn = await fetch(pageUrl(toWang), {
      method: 'POST',
      headers: { ...form, 'accept-language': 'en-GB,en;q=0.9' },
      body: '',
    })
    expect(await spentEn.text()).toContain('Link already used')
    // Opening a used link still knows whose it was: her language, whatever the browser prefers.
    const reopened = await fetch(pageUrl(toWang), { headers: { 'accept-language': 'en' } })
    expect(reopened.status).toBe(410)
    expect(await reopened.text()).toContain('<html lang="zh-CN">')
    const forged = `${pageUrl(toWang).slice(0, -1)}${pageUrl(toWang).endsWith('A') ? 'B' : 'A'}`
    expect(await (await fetch(forged)).text()).toContain('未知链接')
    expect(await (await fetch(forged, { headers: { 'accept-language': 'en' } })).text()).toContain(
      'Unknown link',
    )
  })

  it('When an API client prefers Chinese, then error messages are Chinese; codes stay the same', async () => {
    const zh = await fetch(`${gw.httpUrl}/api/v1/alerts`, {
      headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
    })
    expect(zh.status).toBe(401)
    expect(await zh.json()).toMatchObject({
      error: 'FGW_ERR_HTTP_UNAUTHORIZED',
      message: '缺少或无效的访问令牌（Bearer）',
    })
    const en = await fetch(`${gw.httpUrl}/api/v1/alerts`)
    expect(await en.json()).toMatchObject({
      error: 'FGW_ERR_HTTP_UNAUTHORIZED',
      message: 'missing or invalid bearer token',
    })
    const noRoute = await fetch(`${gw.httpUrl}/nope?x=1`, { headers: { 'accept-language': 'zh' } })
    expect(await noRoute.json()).toMatchObject({
      error: 'FGW_ERR_HTTP_NOT_FOUND',
      message: '没有路由 GET /nope',
    })
    const invalid = await fetch(`${gw.httpUrl}/api/v1/alerts?state=nonsense`, {
      headers: { authorization: 'Bearer brigade-token', 'accept-language': 'zh-CN' },
    })
    const body = await invalid.json()
    expect(invalid.status).toBe(400)
    expect(body).toMatchObject({ error: 'FGW_ERR_HTTP_VALIDATION', message: '请求未通过校验' })
    expect(body.issues.length).toBeGreaterThan(0)
  })
})
