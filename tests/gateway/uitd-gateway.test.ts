// A building's fire panel through its UITD, end to end: the real gateway (GB/T 26875.3 receiver on,
// the site of tests/fixtures/uitd-site.yaml), the real UITD simulator over loopback TCP, alerts read
// through the HTTP API and the live stream.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../alerting/alert.ts'
import { encodeFlags, PART_STATUS_BITS, PartType } from '../../ingest/gbt26875/index.ts'
import { PANEL, partAddress, REPORTS } from '../../simulators/uitd/uitd-reports.ts'
import { UitdSimulator, type UitdSimulatorOptions } from '../../simulators/uitd/uitd-simulator.ts'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, ROOT, startTestGateway } from '../support/gateway-launcher.ts'
import { openLive } from '../support/sse-client.ts'

const SITE = join(ROOT, 'tests/fixtures/uitd-site.yaml')
const TA_UITD = 889
/** A UITD of tower-b, allowed only from 10.9.9.9. */
const TB_UITD = 890

type Gw = GatewayUnderTest & { gateway: { uitdPort: number | null } }

function startPanelGateway(extra: Record<string, string> = {}): Promise<Gw> {
  return startTestGateway({
    FIREWATCH_SITE: SITE,
    UITD_ENABLED: 'on',
    UITD_PORT: '0',
    UITD_HOST: '127.0.0.1',
    UITD_TIME_SYNC: 'off',
    ...extra,
  })
}

function uitd(gw: Gw, opts: Partial<UitdSimulatorOptions> = {}): Promise<UitdSimulator> {
  return UitdSimulator.connect({
    host: '127.0.0.1',
    port: gw.gateway.uitdPort!,
    address: TA_UITD,
    centreAddress: 88_888,
    retransmit: { timeoutMs: 2_000, retries: 2 },
    ...opts,
  })
}

async function alerts(gw: Gw, match: (a: Alert) => boolean): Promise<Alert[]> {
  const { body } = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/alerts?state=all&limit=500')
  return (body.alerts as Alert[]).filter(match)
}

const metrics = async (gw: Gw) => apiClient(gw.httpUrl).text('/metrics')

/** A fire on the panel's smoke detector 12/7 (declared as ta-12-smoke-p7). */
function detectorFire(sim: UitdSimulator) {
  const status = encodeFlags(PART_STATUS_BITS, ['normal', 'fire'])
  const part = { ...PANEL, partType: PartType.photoelectricSmokeDetector, partAddress: partAddress(12, 7) }
  return {
    kind: 'partStatus' as const,
    objects: [{ ...part, status, description: '12F 感烟', time: sim.now() }],
  }
}

describe('Fire panel through its UITD', () => {
  let gw: Gw
  const sims: UitdSimulator[] = []
  beforeAll(async () => {
    gw = await startPanelGateway()
  })
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.close()))
    await gw?.stop()
  })
  const connect = async (opts: Partial<UitdSimulatorOptions> = {}) => {
    const sim = await uitd(gw, opts)
    sims.push(sim)
    return sim
  }

  it('When a call point on 12F reports fire, then a fire alert opens on the component, in the API, on the live stream and in the building’s fire incident', async () => {
    const live = await openLive(gw.httpUrl, 'brigade-token')
    try {
      const sim = await connect()
      const outcome = await sim.send(REPORTS['call-point-fire'](sim.now(), 12))
      expect(outcome.result).toBe('confirmed')
      const event = await live.next((e) => e.event === 'alert' && e.data.alert.rule === 'panel.fire', 5_000)
      expect(event.data).toMatchObject({
        action: 'opened',
        alert: { device: 'ta-12-mcp-01', class: 'fire', floor: 12, zone: '12-east', state: 'open' },
      })
      const [alert] = await alerts(gw, (a) => a.rule === 'panel.fire' && a.device === 'ta-12-mcp-01')
      expect(alert).toMatchObject({ class: 'fire', latched: true, building: 'tower-a' })
      expect(alert!.message).toContain('Call point, 12F east stair')
      expect(alert!.message).toContain('12F 手动火灾报警按钮')
      // Panel fires go through the same lifecycle: the building's fire incident takes it in.
      expect(alert!.incident).not.toBeNull()
      const { status, body } = await apiClient(gw.httpUrl, 'brigade-token').get(
        `/api/v1/incidents/${alert!.incident}`,
      )
      expect(status).toBe(200)
      expect(body).toMatchObject({ building: 'tower-a', class: 'fire', state: 'open' })
      expect(body.alerts).toContain(alert!.id)
    } finally {
      live.close()
    }
  })

  it('When the same frame arrives twice, then one alert opens and counts no repeat', async () => {
    const sim = await connect()
    const bytes = sim.build(detectorFire(sim))
    sim.sendRaw(bytes)
    sim.sendRaw(bytes)
    await waitFor(() => [...sim.confirms.values()].includes(2))
    const found = await waitFor(async () => {
      const list = await alerts(gw, (a) => a.device === 'ta-12-smoke-p7' && a.rule === 'panel.fire')
      return list.length > 0 ? list : null
    })
    expect(found).toHaveLength(1)
    expect(found[0]!.repeats).toBe(0)
    expect(metricValue(await metrics(gw), 'firewatch_uitd_duplicates_total{uitd="ta-uitd-01"}')).toBe(1)
  })

  it('When a pump starts and a water-flow indicator operates, then each raises a supervisory alert', async () => {
    const sim = await connect()
    expect((await sim.send(REPORTS['pump-start'](sim.now()))).result).toBe('confirmed')
    expect((await sim.send(REPORTS['water-flow'](sim.now(), 12))).result).toBe('confirmed')
    const found = await alerts(gw, (a) => a.rule === 'panel.operated')
    expect(found.map((a) => [a.device, a.class]).sort()).toEqual([
      ['ta-12-flow-01', 'supervisory'],
      ['ta-b1-pump-01', 'supervisory'],
    ])
  })

  it('When a part the site does not declare reports fire, then a building-wide fire alert opens and the part is listed as learned', async () => {
    const sim = await connect()
    expect((await sim.send(REPORTS['call-point-fire'](sim.now(), 27))).result).toBe('confirmed')
    const [alert] = await alerts(gw, (a) => a.rule === 'panel.fire' && a.scope === 'building')
    expect(alert).toMatchObject({
      class: 'fire',
      device: null,
      building: 'tower-a',
      zone: '27F 手动火灾报警按钮',
    })
    expect(alert!.message).toContain('not in the site file')
    const admin = apiClient(gw.httpUrl, 'admin-token')
    const { status, body } = await admin.get('/api/v1/uitds/ta-uitd-01')
    expect(status).toBe(200)
    expect(body).toMatchObject({ connected: true, addressHex: '79 03 00 00 00 00', components: 4 })
    expect(body.learned).toContainEqual(
      expect.objectContaining({
        partType: 23,
        zonePoint: '27/1',
        state: ['fire'],
        description: '27F 手动火灾报警按钮',
      }),
    )
    // A manager sees only the UITDs of their buildings.
    const other = apiClient(gw.httpUrl, 'manager-b-token')
    expect((await other.get('/api/v1/uitds/ta-uitd-01')).status).toBe(404)
    expect((await other.get('/api/v1/uitds')).body.uitds.map((u: { id: string }) => u.id)).toEqual([
      'tb-uitd-01',
    ])
  })

  it('When a UITD of an unknown address, or a known one from an IP it is not allowed, connects, then it is refused and raises nothing', async () => {
    const before = await alerts(gw, () => true)
    const stranger = await connect({ address: 4_242, retransmit: { timeoutMs: 500, retries: 0 } })
    const outcome = await stranger.send(REPORTS['call-point-fire'](stranger.now(), 3))
    expect(['denied', 'closed']).toContain(outcome.result)
    const elsewhere = await connect({ address: TB_UITD, retransmit: { timeoutMs: 500, retries: 0 } })
    expect(['denied', 'closed']).toContain(
      (await elsewhere.send(REPORTS['call-point-fire'](elsewhere.now(), 3))).result,
    )
    expect(metricValue(await metrics(gw), 'firewatch_uitd_refused_total{reason="not-allowed"}')).toBe(2)
    expect(await alerts(gw, () => true)).toHaveLength(before.length)
  })
})

describe('Patrol checks (查岗) through the gateway', () => {
  let gw: Gw
  beforeAll(async () => {
    gw = await startPanelGateway({ UITD_PATROL_EVERY_SEC: '1', UITD_PATROL_DEADLINE_SEC: '3' })
  })
  afterAll(async () => {
    await gw?.stop()
  })

  it('When patrol checks are answered, then no alert; when one goes unanswered, then a supervisory alert opens', async () => {
    const answering = await uitd(gw, { answerPatrol: true })
    // A connection is named by its first frame; the checks start then.
    await answering.heartbeat()
    await waitFor(
      async () =>
        metricValue(
          await metrics(gw),
          'firewatch_uitd_patrols_total{uitd="ta-uitd-01",outcome="answered"}',
        ) >= 2,
      10_000,
    )
    expect(await alerts(gw, (a) => a.rule === 'uitd.patrol_missed')).toEqual([])
    await answering.close()
    const silent = await uitd(gw, { answerPatrol: false })
    await silent.heartbeat()
    try {
      const [alert] = await waitFor(async () => {
        const found = await alerts(
          gw,
          (a) => a.rule === 'uitd.patrol_missed' && a.message.includes('not answered'),
        )
        return found.length > 0 ? found : null
      }, 15_000)
      expect(alert).toMatchObject({
        class: 'supervisory',
        device: 'ta-uitd-01',
        building: 'tower-a',
        latched: true,
      })
    } finally {
      await silent.close()
    }
  })
})

describe('UITD silence through the gateway', () => {
  let gw: Gw
  beforeAll(async () => {
    gw = await startPanelGateway({ UITD_SILENCE_TIMEOUT_SEC: '2' })
  })
  afterAll(async () => {
    await gw?.stop()
  })

  it('When a UITD falls silent, then an offline alert opens, again if resolved while still silent; when it reports again, then the alert clears', async () => {
    const sim = await uitd(gw)
    try {
      expect(await sim.heartbeat()).toMatchObject({ result: 'confirmed' })
      const open = await waitFor(async () => {
        const found = await alerts(gw, (a) => a.rule === 'uitd.offline' && a.device === 'ta-uitd-01')
        return found.find((a) => a.state === 'open') ?? null
      }, 10_000)
      expect(open).toMatchObject({
        class: 'offline',
        building: 'tower-a',
        floor: 1,
        zone: 'fire-control-room',
      })
      const { body } = await apiClient(gw.httpUrl, 'admin-token').get('/api/v1/buildings/tower-a')
      expect(body.uitds).toEqual([
        expect.objectContaining({ id: 'ta-uitd-01', silent: true, connected: true }),
      ])
      // Resolving it while the UITD is still silent does not silence the condition: it opens again.
      const admin = apiClient(gw.httpUrl, 'admin-token')
      expect((await admin.post(`/api/v1/alerts/${open.id}/resolve`, { note: 'checked' })).status).toBe(200)
      const again = await waitFor(async () => {
        const found = await alerts(gw, (a) => a.rule === 'uitd.offline' && a.device === 'ta-uitd-01')
        return found.find((a) => a.state === 'open' && a.id !== open.id) ?? null
      })
      expect(await sim.heartbeat()).toMatchObject({ result: 'confirmed' })
      const cleared = await waitFor(async () => {
        const [a] = await alerts(gw, (x) => x.id === again.id)
        return a?.state === 'resolved' ? a : null
      })
      expect(cleared.resolvedAt).not.toBeNull()
    } finally {
      await sim.close()
    }
  })

  it('When a UITD of the site is never heard, then it is offline after the silence timeout too', async () => {
    const found = await waitFor(async () => {
      const list = await alerts(gw, (a) => a.rule === 'uitd.offline' && a.device === 'tb-uitd-01')
      return list.length > 0 ? list : null
    }, 10_000)
    expect(found[0]).toMatchObject({ state: 'open', building: 'tower-b' })
    expect(found[0]!.message).toContain('not heard since the gateway started')
  })
})
