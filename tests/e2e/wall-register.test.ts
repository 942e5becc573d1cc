import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { SCREENSHOTS } from '../support/paths.ts'

// The hazard register page and the risk grade badge of the wall, in a Chinese browser, then in
// English: the grade a manager's hazards give Tower A (two major ones open: 2 × 6 points, yellow
// at 10, the site file's defaults) on its tile and in the register with its factors, and a hazard
// reported from the page's form.

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium(
    { width: 1600, height: 1000 },
    { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  )
  gw = await startTestGateway()
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
})

const major = (place: string) => ({
  building: 'tower-a',
  floor: 3,
  place,
  category: 'evacuation_routes',
  severity: 'major',
  description: `${place}堆放杂物，堵塞疏散通道`,
  responsible: '李伟',
  watcher: '保安王师傅',
})

it('When Tower A has two major hazards, then its tile carries a yellow risk badge apart from its status, and the register lists grade, factors and hazards', async () => {
  const mgr = apiClient(gw.httpUrl, 'manager-a-token')
  for (const place of ['东侧楼梯间', '西侧楼梯间'])
    expect((await mgr.post('/api/v1/hazards', major(place))).status).toBe(201)
  await waitFor(async () => {
    const { body } = await mgr.get('/api/v1/risk/grades')
    return body.grades.find((g: { grade: string }) => g.grade === 'yellow')
  })

  await page.goto(gw.httpUrl)
  await page.fill('#token', 'manager-a-token')
  await page.click('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')
  const badge = page.locator('.tile[data-building="tower-a"] .risk-badge')
  await expect.poll(() => badge.getAttribute('data-risk')).toBe('yellow')
  expect(await badge.textContent()).toBe('风险等级：黄')
  // The live status is its own word: nothing reports in this test, so the tile is not yellow for it.
  expect(await page.getAttribute('.tile[data-building="tower-a"]', 'data-status')).not.toBe('yellow')
  await page.screenshot({ path: join(SCREENSHOTS, 'wall-risk-zh-CN.png') })

  await page.click('#register-open')
  await page.waitForSelector('.register-grades tbody tr[data-building="tower-a"]')
  const row = page.locator('.register-grades tr[data-building="tower-a"]')
  expect(await row.locator('.risk-badge').textContent()).toBe('黄')
  expect(await row.locator('td').nth(2).textContent()).toBe('12')
  // Nothing reports in this test: the intactness shortfall is listed, with no points (grey rule).
  expect(await row.locator('.factors').textContent()).toContain('（+0 分）')
  expect(await row.locator('.factors').textContent()).toContain('未整改重大隐患 2（+12 分）')
  expect(await page.locator('.register-hazards tbody tr[data-hazard]').count()).toBe(2)
  expect(await page.textContent('.register-hazards tbody')).toContain('疏散通道和安全出口')
  // A manager's form offers only the manager's buildings.
  expect(await page.locator('.hazard-form select[name=building] option').allTextContents()).toEqual([
    'Tower A',
  ])
  await page.screenshot({ path: join(SCREENSHOTS, 'register-zh-CN.png'), fullPage: true })
})

it('When a manager reports a hazard with the form, then it is stored, listed and answered with its code', async () => {
  await page.fill('.hazard-form input[name=place]', '地下车库充电区')
  await page.selectOption('.hazard-form select[name=category]', 'ebike_charging')
  await page.fill('.hazard-form textarea[name=description]', '电动自行车在车库内充电')
  await page.fill('.hazard-form input[name=responsible]', '张敏')
  await page.click('.hazard-form button[type=submit]')
  await expect.poll(() => page.textContent('.form-note')).toMatch(/^已登记，编号 /)
  await expect.poll(() => page.locator('.register-hazards tbody tr[data-hazard]').count()).toBe(3)
  const { body } = await apiClient(gw.httpUrl, 'admin-token').get('/api/v1/hazards?state=all')
  expect(body.hazards.map((h: { category: string }) => h.category)).toContain('ebike_charging')
  const code = (await page.textContent('.form-note'))!.replace(/^已登记，编号 (.+)。$/, '$1')
  expect(body.hazards.map((h: { code: string }) => h.code)).toContain(code)
})

it('When the language is switched, then the badge and the register speak English', async () => {
  await page.click('#language')
  await page.waitForSelector('text=Hazard register and risk grades')
  expect(await page.locator('.register-grades tr[data-building="tower-a"] .risk-badge').textContent()).toBe(
    'Yellow',
  )
  expect(await page.textContent('.register-grades tr[data-building="tower-a"] .factors')).toContain(
    'major hazards open 2 (+12 points)',
  )
  expect(await page.textContent('.register-hazards thead')).toContain('Responsible person')
  await page.screenshot({ path: join(SCREENSHOTS, 'register-en.png'), fullPage: true })
  await page.click('.register .back')
  const badge = page.locator('.tile[data-building="tower-a"] .risk-badge')
  await expect.poll(() => badge.textContent()).toBe('Risk: Yellow')
  await page.screenshot({ path: join(SCREENSHOTS, 'wall-risk-en.png') })
})
