import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { publishAs, signInWall } from '../support/wall-page.ts'

// The priority alarm list and resolving through the incident API, on the real gateway with real
// MQTT devices (tests/fixtures/test-site.yaml).

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

const TB01 = { id: 'tb-01-pump-01', building: 'tower-b', secret: 's3cret-tb-01' }
const TB03 = { id: 'tb-03-smoke-01', building: 'tower-b', secret: 's3cret-tb-03' }
const TA12 = { id: 'ta-12-smoke-01', building: 'tower-a', secret: 's3cret-ta-12' }
const TAB1 = { id: 'ta-b1-elec-01', building: 'tower-a', secret: 's3cret-ta-b1' }
const RULE = { fault: 'device.fault', fire_alarm: 'device.fire_alarm' } as const

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway()
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
})

const brigade = () => apiClient(gw.httpUrl, 'brigade-token')

/** The device reports the event; resolves with the id of the incident its alert joined. */
async function raise(device: typeof TB01, event: keyof typeof RULE): Promise<string> {
  await publishAs(gw.mqttUrl, device, 'event', { event })
  const alert = await waitFor(async () => {
    const { alerts } = (await brigade().get(`/api/v1/alerts?building=${device.building}&state=all`)).body
    return alerts.find(
      (a: { device: string; rule: string }) => a.device === device.id && a.rule === RULE[event],
    )
  })
  return alert.incident
}

/** The alarm list's rows, top to bottom: incident, state and texts. */
const rows = (p: Page) =>
  p.$$eval('#alarms .alarm', (els) =>
    els.map((e) => ({
      incident: (e as HTMLElement).dataset.incident,
      state: (e as HTMLElement).dataset.state,
      cls: e.querySelector('.alarm-class')?.textContent,
      where: e.querySelector('.alarm-where')?.textContent,
      meta: e.querySelector('.alarm-meta')?.textContent,
    })),
  )

let ids: Record<string, string>

it('When incidents of several classes and ages are active, then the alarm list puts the unacknowledged fire first, then class, then the unacknowledged oldest first', async () => {
  // ta-05-smoke-01 (5 s heartbeat, never connected) goes offline a few seconds after start: the
  // oldest incident of all, and the least severe.
  const offline = await waitFor(
    async () => (await brigade().get('/api/v1/incidents?class=offline')).body.incidents[0]?.id,
    15_000,
  )
  const olderFault = await raise(TB01, 'fault')
  const ackedFire = await raise(TA12, 'fire_alarm')
  expect((await brigade().post(`/api/v1/incidents/${ackedFire}/ack`, { note: 'crew sent' })).status).toBe(200)
  const newerFault = await raise(TAB1, 'fault')
  expect((await brigade().post(`/api/v1/incidents/${olderFault}/ack`)).status).toBe(200)
  const newFire = await raise(TB03, 'fire_alarm')
  ids = { offline, olderFault, ackedFire, newerFault, newFire }

  await signInWall(page, gw.httpUrl)
  await page.waitForFunction(() => document.querySelectorAll('#alarms .alarm').length === 5)
  const shown = await rows(page)
  // Not by time: the newest (an unacknowledged fire) is first and the oldest (offline) last; the
  // acknowledged fire before any fault; among the faults the one nobody took, though newer.
  expect(shown.map((r) => r.incident)).toEqual([newFire, ackedFire, newerFault, olderFault, offline])
  expect(shown.map((r) => [r.cls, r.state])).toEqual([
    ['FIRE', 'open'],
    ['FIRE', 'acknowledged'],
    ['FAULT', 'open'],
    ['FAULT', 'acknowledged'],
    ['OFFLINE', 'open'],
  ])
  // Building · floors · zone · device, the time in the site's zone, and who took it.
  expect(shown[0]!.where).toBe('Tower B · 3F · 3-east · Corridor 3F east')
  expect(shown[0]!.meta).toMatch(/^since \d{2}:\d{2}:\d{2} · NOT ACKNOWLEDGED$/)
  expect(shown[1]!.where).toBe('Tower A · 12F · 12-east · Kitchen corridor, 12F east')
  expect(shown[1]!.meta).toMatch(/^since \d{2}:\d{2}:\d{2} · Acknowledged by brigade at \d{2}:\d{2}:\d{2}$/)
  expect(await page.$$('.fire-banner')).toHaveLength(1)

  // Acknowledged from the list: it takes the whole incident, and the row moves down at once.
  await page.click(`#alarms .alarm[data-incident="${newFire}"] .ack`)
  await page.waitForSelector(`#alarms .alarm[data-incident="${newFire}"][data-state="acknowledged"]`)
  expect((await rows(page)).map((r) => r.incident)).toEqual([
    ackedFire,
    newFire,
    newerFault,
    olderFault,
    offline,
  ])
  expect((await brigade().get(`/api/v1/incidents/${newFire}`)).body.state).toBe('acknowledged')
  await page.waitForSelector('.fire-banner', { state: 'detached' })
}, 60_000)

it('When a fire incident is resolved on the building view, then the incident API gets its disposition, cause and note', async () => {
  await page.click('.tile[data-building="tower-a"]')
  const item = `.alert-list .incident[data-incident="${ids.ackedFire}"]`
  await page.click(`${item} .resolve`)
  await page.check(`${item} input[value="false_alarm"]`)
  await page.selectOption(`${item} select.cause`, 'insects')
  await page.fill(`${item} .ack-note`, 'a moth in the chamber')
  await page.click(`${item} .resolve-confirm`)
  await page.waitForSelector(item, { state: 'detached' })
  const { body } = await brigade().get(`/api/v1/incidents/${ids.ackedFire}`)
  expect(body).toMatchObject({
    state: 'resolved',
    resolvedBy: 'brigade',
    disposition: { kind: 'false_alarm', cause: 'insects', note: 'a moth in the chamber', by: 'brigade' },
  })
  expect(body.members.map((a: { state: string }) => a.state)).toEqual(['resolved'])
})

it('When an incident turns into a fire while its resolve form is open, then the refusal (400) is said in the form, which asks what it was', async () => {
  const item = `.alert-list .incident[data-incident="${ids.newerFault}"]`
  await page.click(`${item} .resolve`)
  // A fault: resolving it does not ask what it was.
  await page.waitForSelector(`${item} .resolve-form`)
  expect(await page.$$(`${item} .resolve-form .disposition`)).toHaveLength(0)
  // Meanwhile the same device reports a fire: its incident becomes the building's fire.
  expect(await raise(TAB1, 'fire_alarm')).toBe(ids.newerFault)
  await page.waitForSelector(`${item}.fire .members .alert.fire`)
  expect(await page.$$eval(`${item} .members .alert`, (els) => els.map((e) => e.classList[1]))).toEqual([
    'fire',
    'fault',
  ])
  await page.click(`${item} .resolve-confirm`)
  await page.waitForSelector(`${item} .resolve-slot > .action-error:not([hidden])`)
  // No Retry: the same request would be refused again; the form now asks what it was.
  expect(await page.textContent(`${item} .resolve-slot > .action-error`)).toBe(
    'Resolve failed: a fire needs what it was: choose it below',
  )
  await page.check(`${item} .resolve-form input[value="test"]`)
  await page.click(`${item} .resolve-form .resolve-confirm`)
  await page.waitForSelector(item, { state: 'detached' })
  const { body } = await brigade().get(`/api/v1/incidents/${ids.newerFault}`)
  expect(body).toMatchObject({ state: 'resolved', class: 'fire', disposition: { kind: 'test', cause: null } })
})
