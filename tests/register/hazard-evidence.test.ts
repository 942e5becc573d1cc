import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue } from '../support/api-client.ts'
import {
  type GatewayChild,
  type GatewayUnderTest,
  spawnTestGateway,
  startTestGateway,
} from '../support/gateway-launcher.ts'
import { JPEG_HEAD, postPhoto, registerSiteFile, TINY_PNG, TOKENS } from './register-site.ts'

// Evidence of a hazard (notes and photos) over real HTTP: photos typed by their bytes, size-limited
// before they are read, stored 0600 under DATA_DIR, and kept with the whole register across a
// kill -9 of a spawned gateway.

const FINDING = {
  building: 'tower-a',
  category: 'ebike_charging',
  description: 'E-bikes charged in the lift lobby, 12F',
  floor: 12,
}

describe('evidence photos', () => {
  let g: GatewayUnderTest
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-evidence-'))
    g = await startTestGateway({ FIREWATCH_SITE: registerSiteFile(dir), EVIDENCE_MAX_BYTES: '65536' })
  })
  afterAll(async () => {
    await g?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('When a PNG is uploaded with a note, then it is stored 0600 under DATA_DIR and served back byte for byte', async () => {
    const { id } = (await apiClient(g.httpUrl, TOKENS.mgrA).post('/api/v1/hazards', FINDING)).body
    const up = await postPhoto(
      g.httpUrl,
      TOKENS.mgrA,
      id,
      { bytes: TINY_PNG, type: 'image/png' },
      '电动车已移走',
    )
    expect(up.status, JSON.stringify(up.body)).toBe(201)
    expect(up.body).toMatchObject({
      kind: 'photo',
      type: 'image/png',
      bytes: TINY_PNG.length,
      note: '电动车已移走',
    })
    const res = await fetch(`${g.httpUrl}${up.body.url}`, {
      headers: { authorization: `Bearer ${TOKENS.brigade}` },
    })
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await res.arrayBuffer()).equals(TINY_PNG)).toBe(true)
    const folder = join(g.dataDir, 'evidence', String(id))
    const [file] = readdirSync(folder)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(join(folder, file!)).mode & 0o777).toBe(0o600)
    const detail = (await apiClient(g.httpUrl, TOKENS.mgrA).get(`/api/v1/hazards/${id}`)).body
    expect(detail.evidence).toHaveLength(1)
    expect(detail.trail.at(-1)).toMatchObject({ action: 'evidence', actor: 'mgr-a' })
    // Another building's manager sees neither the hazard nor its photo.
    const foreign = await fetch(`${g.httpUrl}${up.body.url}`, {
      headers: { authorization: `Bearer ${TOKENS.mgrB}` },
    })
    expect(foreign.status).toBe(404)
  })

  it('When a file is not what it claims (a script called .png, a PNG called JPEG, an SVG), then 415 and nothing is stored', async () => {
    const { id } = (await apiClient(g.httpUrl, TOKENS.mgrA).post('/api/v1/hazards', FINDING)).body
    const cases = [
      { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), type: 'image/png' },
      { bytes: TINY_PNG, type: 'image/jpeg' },
      {
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        type: 'image/svg+xml',
      },
      { bytes: JPEG_HEAD, type: 'application/octet-stream' },
    ]
    for (const file of cases) {
      const res = await postPhoto(g.httpUrl, TOKENS.mgrA, id, file)
      expect([res.status, res.body.error], file.type).toEqual([415, 'FGW_ERR_HAZARD_EVIDENCE_TYPE'])
    }
    expect((await apiClient(g.httpUrl, TOKENS.mgrA).get(`/api/v1/hazards/${id}`)).body.evidence).toEqual([])
    expect(
      (await postPhoto(g.httpUrl, TOKENS.mgrA, id, { bytes: JPEG_HEAD, type: 'image/jpeg' })).status,
    ).toBe(201)
  })

  it('When a photo is larger than EVIDENCE_MAX_BYTES, then 413 before it is stored, counted as a body-size hit', async () => {
    const { id } = (await apiClient(g.httpUrl, TOKENS.mgrA).post('/api/v1/hazards', FINDING)).body
    const metrics = () => apiClient(g.httpUrl).text('/metrics')
    const before = metricValue(await metrics(), 'firewatch_limit_hits_total{limit="http_body_size"}')
    const big = Buffer.concat([TINY_PNG, Buffer.alloc(100 * 1024)])
    const res = await postPhoto(g.httpUrl, TOKENS.mgrA, id, { bytes: big, type: 'image/png' })
    expect([res.status, res.body.error]).toEqual([413, 'FGW_ERR_HTTP_TOO_LARGE'])
    expect(metricValue(await metrics(), 'firewatch_limit_hits_total{limit="http_body_size"}')).toBe(
      before + 1,
    )
    expect((await apiClient(g.httpUrl, TOKENS.mgrA).get(`/api/v1/hazards/${id}`)).body.evidence).toEqual([])
  })

  it('When the body is not multipart and has no note, or multipart without a photo part, then 400 with the issues', async () => {
    const { id } = (await apiClient(g.httpUrl, TOKENS.mgrA).post('/api/v1/hazards', FINDING)).body
    const none = await apiClient(g.httpUrl, TOKENS.mgrA).post(`/api/v1/hazards/${id}/evidence`, {})
    expect([none.status, none.body.issues[0].path]).toEqual([400, ['note']])
    const form = new FormData()
    form.set('note', 'no file')
    const res = await fetch(`${g.httpUrl}/api/v1/hazards/${id}/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.mgrA}` },
      body: form,
    })
    expect(res.status).toBe(400)
    expect((await res.json()).issues[0].path).toEqual(['photo'])
  })
})

describe('the register across a kill -9', () => {
  let child: GatewayChild | undefined
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-evidence-kill-'))
  })
  afterEach(async () => child?.stop())
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('When the gateway is killed with -9 right after a step and a photo, then the next one has the hazard, its trail and the photo', async () => {
    const env = { FIREWATCH_SITE: registerSiteFile(dir), DATA_DIR: join(dir, 'data') }
    child = await spawnTestGateway(env)
    const api = apiClient(child.httpUrl, TOKENS.mgrA)
    const { id, code } = (await api.post('/api/v1/hazards', FINDING)).body
    await api.post(`/api/v1/hazards/${id}/assign`, {
      responsible: 'Li Wei',
      watcher: 'Guard Wang',
      deadline: '2027-01-10',
    })
    expect(
      (await postPhoto(child.httpUrl, TOKENS.mgrA, id, { bytes: TINY_PNG, type: 'image/png' })).status,
    ).toBe(201)
    await child.kill9()
    child = await spawnTestGateway(env)
    const after = (await apiClient(child.httpUrl, TOKENS.mgrA).get(`/api/v1/hazards/${id}`)).body
    expect(after).toMatchObject({ code, state: 'assigned', deadline: '2027-01-10' })
    expect(after.trail.map((l: { action: string }) => l.action)).toEqual(['reported', 'assigned', 'evidence'])
    const res = await fetch(`${child.httpUrl}${after.evidence[0].url}`, {
      headers: { authorization: `Bearer ${TOKENS.mgrA}` },
    })
    expect(Buffer.from(await res.arrayBuffer()).equals(TINY_PNG)).toBe(true)
    expect(statSync(join(dir, 'data', 'register.db')).mode & 0o777).toBe(0o600)
  }, 60_000)
})
