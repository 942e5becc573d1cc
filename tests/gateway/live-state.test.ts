import { describe, expect, it } from 'vitest'
import type { Alert, AlertClass, AlertState, AlertTransition } from '../../alerting/alert.ts'
import type { WindowJson } from '../../alerting/windows/window.ts'
import { floorLabel, LiveState } from '../../gateway/live/live-state.ts'
import type { Reading } from '../../ingest/reading.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import { readingOf } from '../support/readings.ts'

const site = parseSite(`
site: { name: Live Test, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 4, basements: 2 }
  - { id: tower-b, name: Tower B, floors: 2 }
devices:
  - { id: a-3-1, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: "3F east", secret: secret-1 }
  - { id: a-3-2, building: tower-a, floor: 3, zone: 3-west, kind: smoke_detector, label: "3F west", secret: secret-2 }
  - { id: a-3-3, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: "3F east 2", secret: secret-3 }
  - { id: a-b2-1, building: tower-a, floor: -2, zone: pump-room, kind: pressure_sensor, label: "Pump", secret: secret-4 }
  - { id: b-1-1, building: tower-b, floor: 1, zone: 1-east, kind: smoke_detector, label: "1F", secret: secret-5 }
  - { id: b-2-1, building: tower-b, floor: 2, zone: 2-east, kind: smoke_detector, label: "2F", secret: secret-6, disabled: true }
`)

/** The test's clock: readings below are stamped around 0..2020 ms, all well inside any heartbeat. */
let now = 0
const clock = { now: () => now }

function liveState(active: Alert[] = []): LiveState {
  now = 0
  return new LiveState(site, active, clock)
}

/** Every device of the site says `online` now: what a wall sees once the site is up and reporting. */
function heardFromAll(live: LiveState): LiveState {
  for (const d of site.devices) {
    live.deviceStatus({ device: d.id, building: d.building, status: 'online', source: 'connection', at: now })
  }
  return live
}

let seq = 0
function alert(device: string, cls: AlertClass, state: AlertState = 'open', building = 'tower-a'): Alert {
  seq++
  const iso = '2026-11-22T10:00:00.000Z'
  return {
    id: `alert-${seq}`,
    building,
    floor: 3,
    zone: '3-east',
    device,
    class: cls,
    rule: `rule.${cls}`,
    metric: null,
    value: null,
    threshold: null,
    state,
    openedAt: iso,
    acknowledgedAt: null,
    resolvedAt: null,
    message: 'test',
    latched: false,
    repeats: 0,
    updatedAt: iso,
    scope: 'device',
    evidence: [],
    tags: [],
    groupedUnder: null,
    incident: null,
  }
}

const transition = (a: Alert): AlertTransition => ({
  action: 'opened',
  alert: a,
  actor: 'system',
  at: 0,
  causeReceivedAt: null,
})

function reading(device: string, metric: string, value: number, ts: number, receivedAt = ts): Reading {
  return readingOf(site.device(device)!, metric, value, ts, receivedAt)
}

const statusOf = (live: LiveState, id: string) => live.device(id)?.status

describe('device colours', () => {
  it.each([
    [['fire', 'offline', 'warning'], 'red'],
    [['offline', 'supervisory'], 'yellow'],
    [['fault'], 'yellow'],
    [['warning'], 'yellow'],
    [['offline'], 'grey'],
    [[], 'green'],
  ] as [AlertClass[], string][])('When a device has active %j alerts, then it is %s', (classes, colour) => {
    const live = heardFromAll(liveState(classes.map((c) => alert('a-3-1', c))))
    expect(statusOf(live, 'a-3-1')).toBe(colour)
  })

  it('When a device is disabled, then it is grey unless an alert ranks higher', () => {
    const live = liveState()
    expect(statusOf(live, 'b-2-1')).toBe('grey')
    live.alertChanged(transition(alert('b-2-1', 'fault', 'open', 'tower-b')))
    expect(statusOf(live, 'b-2-1')).toBe('yellow')
  })

  it('When an alert is acknowledged, then it stays active; when resolved, then it is removed', () => {
    const fire = alert('a-3-1', 'fire')
    const live = heardFromAll(liveState([fire]))
    live.alertChanged(transition({ ...fire, state: 'acknowledged' }))
    expect(live.device('a-3-1')?.activeAlerts).toEqual([
      { id: fire.id, class: 'fire', rule: 'rule.fire', state: 'acknowledged' },
    ])
    expect(statusOf(live, 'a-3-1')).toBe('red')
    live.alertChanged(transition({ ...fire, state: 'resolved' }))
    expect(live.device('a-3-1')?.activeAlerts).toEqual([])
    expect(statusOf(live, 'a-3-1')).toBe('green')
  })

  it('When resolved alerts are in the start-up list, then they are not tracked', () => {
    const live = heardFromAll(liveState([alert('a-3-1', 'fire', 'resolved')]))
    expect(statusOf(live, 'a-3-1')).toBe('green')
  })
})

describe('buildings', () => {
  it('When devices differ, then the building takes the worst status and counts each colour', () => {
    const live = heardFromAll(
      liveState([alert('a-3-1', 'warning'), alert('a-3-1', 'fault'), alert('a-3-2', 'offline')]),
    )
    expect(live.buildingSummaries(null)).toEqual([
      {
        id: 'tower-a',
        name: 'Tower A',
        status: 'yellow',
        counts: { red: 0, yellow: 1, grey: 1, green: 2, unknown: 0, alerts: 3 },
        watch: null,
      },
      {
        id: 'tower-b',
        name: 'Tower B',
        status: 'grey',
        counts: { red: 0, yellow: 0, grey: 1, green: 1, unknown: 0, alerts: 0 },
        watch: null,
      },
    ])
  })

  it('When an alert names no device of the site, then it still colours and counts for its building', () => {
    const live = heardFromAll(liveState())
    live.alertChanged(transition(alert('tower-b', 'fire', 'open', 'tower-b')))
    const b = live.buildingSummaries(null)[1]
    expect(b).toMatchObject({ status: 'red', counts: { red: 0, grey: 1, green: 1, alerts: 1 } })
  })

  it('When a scope is given, then only buildings in it are listed', () => {
    const live = liveState()
    expect(live.buildingSummaries(new Set(['tower-b'])).map((b) => b.id)).toEqual(['tower-b'])
    expect(live.buildingSummaries(new Set())).toEqual([])
  })

  it('When a building is detailed, then every floor appears top to bottom with zones in site order', () => {
    const detail = liveState([alert('a-b2-1', 'supervisory')]).buildingDetail('tower-a')!
    expect(detail.floors.map((f) => [f.floor, f.label])).toEqual([
      [4, '4F'],
      [3, '3F'],
      [2, '2F'],
      [1, '1F'],
      [-1, 'B1'],
      [-2, 'B2'],
    ])
    const three = detail.floors[1]!
    expect(three.zones.map((z) => [z.zone, z.devices.map((d) => d.id)])).toEqual([
      ['3-east', ['a-3-1', 'a-3-3']],
      ['3-west', ['a-3-2']],
    ])
    expect(detail.floors[0]?.zones).toEqual([])
    expect(detail.floors[5]?.zones[0]?.devices[0]).toMatchObject({ id: 'a-b2-1', status: 'yellow' })
    expect(detail.status).toBe('yellow')
  })

  it('When an unknown building is detailed, then undefined', () => {
    expect(liveState().buildingDetail('tower-z')).toBeUndefined()
  })

  it('When floors are labelled, then basements read B1, B2', () => {
    expect([floorLabel(12), floorLabel(1), floorLabel(-1), floorLabel(-3)]).toEqual(['12F', '1F', 'B1', 'B3'])
  })
})

describe('latest values and presence', () => {
  it('When readings arrive, then the newest value per metric is kept, even if an older one arrives late', () => {
    const live = liveState()
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.1, 1000, 1010))
    live.readingAccepted(reading('a-3-1', 'battery_pct', 90, 1500, 1510))
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.2, 2000, 2010))
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.05, 1800, 2020))
    const view = live.device('a-3-1')!
    expect(view.latest).toEqual({ smoke_dbm: { value: 0.2, ts: 2000 }, battery_pct: { value: 90, ts: 1500 } })
    expect(view.lastSeenAt).toBe(2020)
    expect(view.online).toBe(true)
  })

  it('When a view is read, then later readings do not change it (it is a copy)', () => {
    const live = liveState()
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.1, 1000))
    const before = live.device('a-3-1')!
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.3, 2000))
    expect(before.latest.smoke_dbm).toEqual({ value: 0.1, ts: 1000 })
  })

  it('When a device reports offline then online, then presence follows and lastSeenAt moves on online only', () => {
    const live = liveState()
    expect(live.device('a-3-1')).toMatchObject({ online: null, lastSeenAt: null })
    live.deviceStatus({
      device: 'a-3-1',
      building: 'tower-a',
      status: 'online',
      source: 'connection',
      at: 100,
    })
    live.deviceStatus({
      device: 'a-3-1',
      building: 'tower-a',
      status: 'offline',
      source: 'status-topic',
      at: 200,
    })
    expect(live.device('a-3-1')).toMatchObject({ online: false, lastSeenAt: 100 })
    live.deviceStatus({
      device: 'a-3-1',
      building: 'tower-a',
      status: 'online',
      source: 'status-topic',
      at: 300,
    })
    expect(live.device('a-3-1')).toMatchObject({ online: true, lastSeenAt: 300 })
  })

  it('When input names unknown devices, then it is ignored', () => {
    const live = heardFromAll(liveState())
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.1, 1000))
    live.readingAccepted({ ...reading('a-3-1', 'smoke_dbm', 0.1, 1000), device: 'ghost' })
    live.deviceStatus({ device: 'ghost', building: 'tower-a', status: 'online', source: 'connection', at: 1 })
    live.alertChanged(transition(alert('ghost', 'fire', 'open', 'tower-nowhere')))
    expect(live.device('ghost')).toBeUndefined()
    expect(live.buildingSummaries(null).map((b) => b.status)).toEqual(['green', 'grey'])
  })

  it('When readings arrive out of order, then the newest value per metric wins', () => {
    // Speed of readingAccepted is measured by the benchmarks (tests/bench), not asserted here.
    const live = liveState()
    for (const ts of [5, 9, 7, 1]) live.readingAccepted(reading('a-3-1', 'smoke_dbm', ts / 100, ts))
    expect(live.device('a-3-1')?.latest.smoke_dbm).toEqual({ value: 0.09, ts: 9 })
  })
})

describe('unknown: no data is not normal', () => {
  const quiet = parseSite(`
site: { name: Quiet, timezone: Asia/Shanghai }
buildings:
  - { id: tower-q, name: Tower Q, floors: 3 }
  - { id: annex, name: Annex, floors: 1 }
devices:
  - { id: q-1, building: tower-q, floor: 1, zone: 1-east, kind: smoke_detector, label: "1F", secret: secret-q1, heartbeatSec: 10, offlineAfterMissed: 2 }
  - { id: q-2, building: tower-q, floor: 2, zone: 2-east, kind: smoke_detector, label: "2F", secret: secret-q2 }
`)
  const quietState = () => {
    now = 0
    return new LiveState(quiet, [], clock)
  }
  const summary = (live: LiveState, id: string) => live.buildingSummaries(null).find((b) => b.id === id)

  it('When no device has ever reported, then every device and building is unknown, never green', () => {
    const live = liveState()
    expect(site.devices.filter((d) => !d.disabled).map((d) => statusOf(live, d.id))).toEqual(
      Array(5).fill('unknown'),
    )
    expect(live.buildingSummaries(null)[0]).toMatchObject({
      status: 'unknown',
      counts: { red: 0, yellow: 0, grey: 0, green: 0, unknown: 4, alerts: 0 },
    })
    // tower-b: its one enabled device has not reported; the disabled one is grey, which ranks higher.
    expect(live.buildingSummaries(null)[1]).toMatchObject({ status: 'grey', counts: { grey: 1, unknown: 1 } })
  })

  it('When one device reports, then it is green and its building counts the others as unknown', () => {
    const live = liveState()
    live.readingAccepted(reading('a-3-1', 'smoke_dbm', 0.01, 0))
    expect(statusOf(live, 'a-3-1')).toBe('green')
    expect(live.buildingSummaries(null)[0]).toMatchObject({
      status: 'unknown',
      counts: { green: 1, unknown: 3 },
    })
    heardFromAll(live)
    expect(live.buildingSummaries(null)[0]).toMatchObject({
      status: 'green',
      counts: { green: 4, unknown: 0 },
    })
  })

  it('When an alert is active on a device never heard from, then the alert decides its colour', () => {
    const live = liveState([alert('a-3-1', 'fire')])
    expect(statusOf(live, 'a-3-1')).toBe('red')
    expect(live.buildingSummaries(null)[0]?.status).toBe('red')
  })

  it('When a device is silent for longer than heartbeatSec x offlineAfterMissed, then it turns unknown, and the sweep reports it once', () => {
    const live = quietState()
    live.deviceStatus({ device: 'q-1', building: 'tower-q', status: 'online', source: 'connection', at: 0 })
    live.readingAccepted(readingOf(quiet.device('q-2')!, 'smoke_dbm', 0.01, 0))
    expect(live.device('q-1')).toMatchObject({ status: 'green', silenceAllowedMs: 20_000 })
    // q-2 has the site defaults: 60 s heartbeat, 3 missed.
    expect(live.device('q-2')?.silenceAllowedMs).toBe(180_000)
    expect(live.freshnessChanges()).toEqual([])
    now = 20_000
    expect(statusOf(live, 'q-1')).toBe('green')
    now = 20_001
    expect(statusOf(live, 'q-1')).toBe('unknown')
    expect(summary(live, 'tower-q')).toMatchObject({ status: 'unknown', counts: { green: 1, unknown: 1 } })
    expect(live.freshnessChanges()).toEqual(['q-1'])
    expect(live.freshnessChanges()).toEqual([])
    // Heard again: green at once (the reading's own frame carries it), nothing left for the sweep.
    live.eventAccepted({
      device: 'q-1',
      building: 'tower-q',
      floor: 1,
      zone: '1-east',
      event: 'test',
      detail: null,
      ts: now,
      receivedAt: now,
    })
    expect(statusOf(live, 'q-1')).toBe('green')
    expect(live.freshnessChanges()).toEqual([])
  })

  it('When a device says it is offline, then it is unknown until it is back (the offline alert follows after its grace)', () => {
    const live = quietState()
    const status = (s: 'online' | 'offline', at: number) =>
      live.deviceStatus({ device: 'q-1', building: 'tower-q', status: s, source: 'status-topic', at })
    status('online', 0)
    expect(statusOf(live, 'q-1')).toBe('green')
    status('offline', 10)
    expect(statusOf(live, 'q-1')).toBe('unknown')
    status('online', 20)
    expect(statusOf(live, 'q-1')).toBe('green')
  })

  it('When a building has no devices, then it is unknown, not green', () => {
    expect(summary(quietState(), 'annex')).toMatchObject({ status: 'unknown', counts: { unknown: 0 } })
  })

  it('When a test window opens or ends with no device message, then the sweep reports its building once', () => {
    const live = liveState()
    const inForce = new Map<string, WindowJson[]>()
    live.windowsOf = (b) => inForce.get(b) ?? []
    // The first sweep takes note of what is in force: the snapshot already carried it.
    expect(live.windowChanges()).toEqual([])
    inForce.set('tower-b', [windowOf('w-1', 'tower-b')])
    expect(live.windowChanges()).toEqual(['tower-b'])
    expect(live.windowChanges()).toEqual([])
    expect(summary(live, 'tower-b')?.windows?.map((w) => w.id)).toEqual(['w-1'])
    inForce.set('tower-b', [])
    expect(live.windowChanges()).toEqual(['tower-b'])
    expect(live.windowChanges()).toEqual([])
  })
})

function windowOf(id: string, building: string): WindowJson {
  return {
    id,
    building,
    floor: null,
    zone: null,
    device: null,
    reason: 'detector test',
    source: 'api',
    createdBy: 'admin',
    startsAt: '2026-11-22T10:00:00.000Z',
    endsAt: '2026-11-22T11:00:00.000Z',
    closedAt: null,
    active: true,
  }
}
