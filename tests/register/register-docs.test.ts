import { afterAll, beforeAll, expect, it } from 'vitest'
import { apiClient } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'

// /docs describes the register's API (docs/register.md), and what it describes is served.

let gw: GatewayUnderTest
beforeAll(async () => {
  gw = await startTestGateway({ REPORT_PDF_BROWSER: 'off' })
})
afterAll(async () => gw?.stop())

const REGISTER_PATHS = [
  ['get', '/api/v1/hazards'],
  ['post', '/api/v1/hazards'],
  ['post', '/api/v1/hazards/import'],
  ['get', '/api/v1/hazards/{id}'],
  ['post', '/api/v1/hazards/{id}/evidence'],
  ['get', '/api/v1/hazards/{id}/evidence/{evidence}'],
  ['post', '/api/v1/hazards/{id}/{action}'],
  ['get', '/api/v1/hazards/lists.html'],
  ['get', '/api/v1/hazards/lists/hazards.csv'],
  ['get', '/api/v1/hazards/lists/responsibility.csv'],
  ['get', '/api/v1/hazards/lists.xlsx'],
  ['get', '/api/v1/register/categories'],
  ['get', '/api/v1/risk/grades'],
  ['get', '/api/v1/risk/grades/history'],
  ['get', '/api/v1/register/reports/monthly'],
  ['get', '/api/v1/register/reports/monthly.html'],
  ['get', '/api/v1/register/reports/monthly.pdf'],
  ['get', '/api/v1/register/reports/deliveries'],
  ['get', '/api/v1/holidays'],
] as const

it('When /docs is read, then every route of the register is described, each with 401 and 429, and every one without a path parameter answers', async () => {
  const doc = (await apiClient(gw.httpUrl).get('/docs')).body
  for (const [method, path] of REGISTER_PATHS) {
    const operation = doc.paths[path]?.[method]
    expect(operation, `${method} ${path}`).toBeDefined()
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '429']))
  }
  const admin = apiClient(gw.httpUrl, 'admin-token')
  for (const [method, path] of REGISTER_PATHS.filter(([m, p]) => m === 'get' && !p.includes('{'))) {
    const res = await admin.get(path)
    // The PDF has no browser here (503); everything else answers.
    expect([200, 503], `${method} ${path}: ${res.status}`).toContain(res.status)
  }
  const categories = (await admin.get('/api/v1/register/categories')).body.categories
  expect(categories[0]).toEqual({ id: 'fire_lanes', en: 'Fire lanes', 'zh-CN': '消防车通道' })
})
