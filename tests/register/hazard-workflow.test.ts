import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { registerSiteFile, TOKENS } from './register-site.ts'

// The register's workflow over real HTTP on a real gateway: every step, who may take it and from
// which state, a foreign building's 404, bad bodies answered 400 with the zod issues.

let g: GatewayUnderTest
let dir: string
const as = (token: string) => apiClient(g.httpUrl, token)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-register-'))
  g = await startTestGateway({ FIREWATCH_SITE: registerSiteFile(dir) })
})
afterAll(async () => {
  await g?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const FINDING = {
  building: 'tower-a',
  floor: 3,
  zone: '3-east',
  place: 'stair 2 door',
  category: 'evacuation_routes',
  severity: 'major',
  description: 'Fire door of stair 2 wedged open with a fire extinguisher',
}

async function report(token: string = TOKENS.mgrA, body: object = FINDING) {
  const res = await as(token).post('/api/v1/hazards', body)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as { id: number; code: string; state: string }
}

const step = (token: string, id: number, action: string, body: object = {}) =>
  as(token).post(`/api/v1/hazards/${id}/${action}`, body)

const ASSIGN = {
  responsibleContact: 'zhou-min',
  watcher: 'Security guard Wang',
  deadline: '2026-12-31',
  note: 'found on the night patrol',
}

describe('the hazard workflow over HTTP', () => {
  it('When a manager reports a hazard, then it is reported with a code of the year and a trail line', async () => {
    const h = await report()
    expect(h.code).toMatch(/^HZ-\d{4}-\d{4}$/)
    expect(h.state).toBe('reported')
    const detail = (await as(TOKENS.mgrA).get(`/api/v1/hazards/${h.id}`)).body
    expect(detail.trail.map((l: { action: string }) => l.action)).toEqual(['reported'])
    expect(detail.reportedBy).toBe('mgr-a')
    expect(detail.allowed).toEqual(['assign'])
  })

  it('When every step is taken, then each is allowed only to its roles and states, and the trail keeps them all', async () => {
    const { id } = await report()
    // start before assignment: wrong state; brigade may assign but not start the rectification.
    expect((await step(TOKENS.mgrA, id, 'start', { plan: 'x' })).status).toBe(409)
    expect((await step(TOKENS.brigade, id, 'assign', ASSIGN)).status).toBe(200)
    expect((await step(TOKENS.brigade, id, 'start', { plan: 'remove the wedge' })).status).toBe(403)
    const started = await step(TOKENS.mgrA, id, 'start', {
      plan: 'remove the wedge, fit a hold-open magnet',
      interim: 'guard checks hourly',
    })
    expect(started.body).toMatchObject({
      state: 'rectifying',
      plan: 'remove the wedge, fit a hold-open magnet',
    })
    expect((await step(TOKENS.mgrA, id, 'verify')).body.error).toBe('FGW_ERR_HAZARD_STATE')
    expect((await step(TOKENS.mgrA, id, 'submit', { note: 'magnet fitted' })).body.state).toBe(
      'awaiting_verification',
    )
    // The submitter and the responsible person's own token may not verify it (four eyes).
    const self = await step(TOKENS.mgrA, id, 'verify')
    expect([self.status, self.body.error]).toEqual([403, 'FGW_ERR_HAZARD_SELF_VERIFY'])
    const responsible = await step(TOKENS.mgrA2, id, 'verify')
    expect([responsible.status, responsible.body.error]).toEqual([403, 'FGW_ERR_HAZARD_SELF_VERIFY'])
    // Sent back, submitted again by someone else, then verified by the brigade.
    expect((await step(TOKENS.brigade, id, 'reject', {})).status).toBe(400)
    expect(
      (await step(TOKENS.brigade, id, 'reject', { note: 'magnet not wired to the panel' })).body.state,
    ).toBe('rectifying')
    expect((await step(TOKENS.mgrA2, id, 'submit')).status).toBe(200)
    const closed = await step(TOKENS.brigade, id, 'verify', { note: 'checked on site' })
    expect(closed.body).toMatchObject({ state: 'closed', closedBy: 'brigade', allowed: ['reopen'] })
    // Reopening is the supervisors': a manager may not.
    expect((await step(TOKENS.mgrA, id, 'reopen', { note: 'again' })).status).toBe(403)
    const reopened = await step(TOKENS.admin, id, 'reopen', { note: 'wedged open again' })
    expect(reopened.body).toMatchObject({ state: 'reopened', deadline: null, closedAt: null })
    expect((await step(TOKENS.mgrA, id, 'start', { plan: 'x' })).status).toBe(409)
    expect((await step(TOKENS.mgrA, id, 'assign', { ...ASSIGN, deadline: '2027-01-15' })).body.state).toBe(
      'assigned',
    )
    const trail = reopened.body.trail as { action: string; actor: string; from: string; to: string }[]
    expect(trail.map((l) => `${l.action}:${l.actor}`)).toEqual([
      'reported:mgr-a',
      'assigned:brigade',
      'started:mgr-a',
      'submitted:mgr-a',
      'rejected:brigade',
      'submitted:mgr-a2',
      'verified:brigade',
      'reopened:admin',
    ])
    expect(trail[1]).toMatchObject({ from: 'reported', to: 'assigned' })
  })

  it('When a hazard is put under supervision, then only the brigade or an admin may, once, and a manager may not close it', async () => {
    const { id } = await report(TOKENS.mgrA, { ...FINDING, ...ASSIGN, note: undefined })
    expect((await step(TOKENS.mgrA, id, 'escalate')).status).toBe(403)
    const escalated = await step(TOKENS.brigade, id, 'escalate', { note: 'repeat offender' })
    // The level comes from the site file by severity (major: city), the body from register.escalation.
    expect(escalated.body.escalation).toMatchObject({ level: 'city', supervisor: '浦东新区消防救援支队' })
    expect((await step(TOKENS.admin, id, 'escalate')).body.error).toBe('FGW_ERR_HAZARD_STATE')
    await step(TOKENS.mgrA, id, 'start', { plan: 'clear it' })
    await step(TOKENS.mgrA, id, 'submit')
    expect((await step(TOKENS.mgrA2, id, 'verify')).status).toBe(403)
    expect((await step(TOKENS.admin, id, 'verify')).body.state).toBe('closed')
  })

  it("When a manager asks for another building's hazard, then it is a 404 whatever the route", async () => {
    const { id } = await report()
    const other = as(TOKENS.mgrB)
    expect((await other.get(`/api/v1/hazards/${id}`)).status).toBe(404)
    expect((await other.post(`/api/v1/hazards/${id}/assign`, ASSIGN)).status).toBe(404)
    expect((await other.post(`/api/v1/hazards/${id}/evidence`, { note: 'x' })).status).toBe(404)
    expect((await other.post('/api/v1/hazards', FINDING)).status).toBe(404)
    expect((await other.get('/api/v1/hazards?building=tower-a')).status).toBe(404)
    const mine = (await other.get('/api/v1/hazards?state=all')).body.hazards as { building: string }[]
    expect(mine.every((h) => h.building === 'tower-b')).toBe(true)
    expect((await as(TOKENS.mgrA).get('/api/v1/hazards/999999')).status).toBe(404)
    expect((await as(TOKENS.mgrA).get('/api/v1/hazards/not-a-number')).status).toBe(404)
  })

  it('When a body is bad, then 400 with the zod issues naming each field', async () => {
    const res = await as(TOKENS.admin).post('/api/v1/hazards', {
      building: 'tower-a',
      floor: 40,
      category: 'nonsense',
      severity: 'huge',
      devices: ['tb-03-smoke-01'],
      deadline: '2026-02-30',
      colour: 'red',
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('FGW_ERR_HTTP_VALIDATION')
    const fields = (res.body.issues as { path: string[] }[]).map((i) => i.path.join('.') || '(root)').sort()
    expect(fields).toEqual(expect.arrayContaining(['description', 'severity', 'deadline', '(root)']))
    const site = await as(TOKENS.admin).post('/api/v1/hazards', {
      ...FINDING,
      floor: 40,
      category: 'nonsense',
      devices: ['tb-03-smoke-01'],
      rules: ['no.rule'],
    })
    expect(
      (site.body.issues as { path: string[]; message: string }[])
        .map((i) => `${i.path[0]}: ${i.message}`)
        .sort(),
    ).toEqual([
      'category: unknown category nonsense (one of fire_lanes, evacuation_routes, electrical_wiring, automatic_facilities, ebike_charging, combustible_storage, other)',
      'devices: tb-03-smoke-01 is not a device of tower-a',
      'floor: floor 40 is not in tower-a (floors 1..32, basements 2)',
      'rules: unknown rule no.rule',
    ])
    const { id } = await report()
    const assign = await step(TOKENS.mgrA, id, 'assign', { deadline: '2026-12-31' })
    expect(assign.status).toBe(400)
    expect((assign.body.issues as { path: string[] }[]).map((i) => i.path[0]).sort()).toEqual([
      'responsible',
      'watcher',
    ])
    expect((await step(TOKENS.mgrA, id, 'fly')).status).toBe(404)
  })
})
