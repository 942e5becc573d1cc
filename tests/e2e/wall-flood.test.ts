import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { SCREENSHOTS } from '../support/paths.ts'
import { signInWall } from '../support/wall-page.ts'

// An offline flood: a floor loses power (three detectors), and stray devices on other floors go
// offline too. What the gateway makes of it (alerting/fire/floor-offline.ts and storm control):
// one floor.offline incident for the floor, its devices' alerts in it, and one incident per stray
// device. The wall acknowledges them together.

const DEVICES = [
  ['fa-03-smoke-01', 'flood-a', 3],
  ['fa-03-smoke-02', 'flood-a', 3],
  ['fa-03-smoke-03', 'flood-a', 3],
  ['fa-01-smoke-01', 'flood-a', 1],
  ['fa-02-smoke-01', 'flood-a', 2],
  ['fb-01-smoke-01', 'flood-b', 1],
  ['fb-02-smoke-01', 'flood-b', 2],
] as const

function writeSite(dir: string): string {
  const rows = DEVICES.map(
    ([id, building, floor]) =>
      `  - { id: ${id}, building: ${building}, floor: ${floor}, zone: ${floor}-core, kind: smoke_detector, label: "Detector ${id.slice(3)}", secret: secret-${id} }`,
  )
  const yaml = [
    'site: { name: Flood Estate, timezone: Asia/Shanghai, offlineGraceSec: 1 }',
    'buildings:',
    '  - { id: flood-a, name: Flood A, floors: 4 }',
    '  - { id: flood-b, name: Flood B, floors: 2 }',
    'devices:',
    ...rows,
    'apiTokens:',
    '  - { name: brigade, token: brigade-token, role: brigade }',
    '  - { name: mgr-b, token: manager-b-token, role: manager, buildings: [flood-b] }',
    '',
  ].join('\n')
  const file = join(dir, 'flood-site.yaml')
  writeFileSync(file, yaml)
  return file
}

const siteDir = tempDataDir()
let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway({ FIREWATCH_SITE: writeSite(siteDir) })
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  rmSync(siteDir, { recursive: true, force: true })
})

const brigade = () => apiClient(gw.httpUrl, 'brigade-token')

interface IncidentJson {
  id: string
  building: string
  floors: number[]
  alerts: string[]
  state: string
  acknowledgedBy: string | null
}

/** The active offline incidents of a building, oldest first. */
async function offlineOf(building: string): Promise<IncidentJson[]> {
  const { incidents } = (await brigade().get(`/api/v1/incidents?building=${building}&class=offline`)).body
  return (incidents as IncidentJson[]).reverse()
}

const row = (id: string) => `#alarms .alarm[data-incident="${id}"]`

let floor3: IncidentJson
let strays: IncidentJson[]
let floodB: IncidentJson[]

it('When a floor and some stray devices go offline, then the gateway makes one incident for the floor and one per stray device, and the wall lists them', async () => {
  await signInWall(page, gw.httpUrl)
  // Each device says it is going offline (its status topic); after the 1 s grace, its alert.
  for (const [id, building] of DEVICES) {
    const client = await connectClient(gw.mqttUrl, id, `secret-${id}`)
    await client.publishAsync(`fw/${building}/${id}/status`, 'offline', { qos: 1 })
    await client.endAsync()
  }
  const a = await waitFor(async () => {
    const list = await offlineOf('flood-a')
    return list.length === 3 && list.some((i) => i.alerts.length === 4) ? list : null
  }, 15_000)
  floodB = await waitFor(async () => {
    const list = await offlineOf('flood-b')
    return list.length === 2 ? list : null
  })
  floor3 = a.find((i) => i.floors.includes(3))!
  // The floor's three device alerts and its floor.offline alert: one incident.
  expect(floor3.alerts).toHaveLength(4)
  strays = a.filter((i) => i !== floor3)
  expect(strays.map((i) => i.floors)).toEqual([[1], [2]])

  await page.waitForFunction(() => document.querySelectorAll('#alarms .alarm.offline').length === 5)
  expect(await page.textContent('.bulk-building[data-building="flood-a"]')).toBe(
    'Acknowledge all 3 offline incidents of Flood A',
  )
  expect(await page.textContent('.bulk-building[data-building="flood-b"]')).toBe(
    'Acknowledge all 2 offline incidents of Flood B',
  )
  expect(await page.textContent('.bulk-selected')).toBe('Acknowledge selected (0)')
  expect(await page.isDisabled('.bulk-selected')).toBe(true)
  await page.screenshot({ path: join(SCREENSHOTS, 'wall-offline-flood.png') })
}, 60_000)

it('When several are ticked and acknowledged together and one is refused, then it says which share failed and Retry sends the rest', async () => {
  const [stray1] = strays
  const [b1] = floodB
  await page.check(`${row(stray1!.id)} .alarm-pick`)
  await page.check(`${row(b1!.id)} .alarm-pick`)
  expect(await page.textContent('.bulk-selected')).toBe('Acknowledge selected (2)')
  // A token that sees flood-b only: flood-a's incident is refused (404), flood-b's is taken.
  await page.evaluate(() => localStorage.setItem('firewatch.token', 'manager-b-token'))
  await page.click('.bulk-selected')
  await page.waitForSelector('.bulk .action-error:not([hidden])')
  expect(await page.textContent('.bulk .action-error')).toBe(
    'Acknowledge failed for 1 of 2: the gateway answered HTTP 404 Retry',
  )
  await page.waitForSelector(`${row(b1!.id)}[data-state="acknowledged"]`)
  expect(await page.getAttribute(`${row(stray1!.id)}`, 'data-state')).toBe('open')

  await page.evaluate(() => localStorage.setItem('firewatch.token', 'brigade-token'))
  await page.click('.bulk .action-error .retry')
  await page.waitForSelector(`${row(stray1!.id)}[data-state="acknowledged"]`)
  expect(await page.isHidden('.bulk .action-error')).toBe(true)
  const taken = async (id: string) => (await brigade().get(`/api/v1/incidents/${id}`)).body.acknowledgedBy
  expect([await taken(b1!.id), await taken(stray1!.id)]).toEqual(['mgr-b', 'brigade'])
})

it("When all of a building's offline incidents are acknowledged with its one button, then every one of them is taken", async () => {
  // flood-a has two left: its dark floor and its other stray device.
  const button = '.bulk-building[data-building="flood-a"]'
  expect(await page.textContent(button)).toBe('Acknowledge all 2 offline incidents of Flood A')
  await page.click(button)
  await page.waitForSelector(`${row(floor3.id)}[data-state="acknowledged"]`)
  await page.waitForSelector(`${row(strays[1]!.id)}[data-state="acknowledged"]`)
  for (const i of await offlineOf('flood-a'))
    expect(i).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'brigade' })
  // Acknowledging the floor's incident took its member alerts with it.
  const { members } = (await brigade().get(`/api/v1/incidents/${floor3.id}`)).body
  expect(members.map((m: { state: string }) => m.state)).toEqual([
    'acknowledged',
    'acknowledged',
    'acknowledged',
    'acknowledged',
  ])
  // Nothing of flood-a left to take: its button is gone; flood-b has one left, no flood.
  await page.waitForSelector(button, { state: 'detached' })
  expect(await page.$$('.bulk-building')).toHaveLength(0)
  expect(await page.textContent(`${row(floor3.id)} .alarm-meta`)).toMatch(
    /Acknowledged by brigade at \d{2}:\d{2}:\d{2}$/,
  )
})
