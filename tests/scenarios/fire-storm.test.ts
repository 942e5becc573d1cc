import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { AlertStore } from '../../alerting/alert-store.ts'
import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import { createNotifier } from '../../alerting/notify/notifier.ts'
import { formatReport } from '../../simulators/runner/report.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'

// Storm control in virtual time with the real notifier writing the real outbox: a
// confirmed fire on 2F, then 300 detectors on 3F-8F lose power at once and ten of them see smoke.
// The same scenario runs with storm control on (the defaults) and off, and the notification jobs
// written to the outbox are counted. Nothing is sent: the dispatcher never runs.

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const STORM_FLOORS = [3, 4, 5, 6, 7, 8]
const PER_FLOOR = 50

function stormSite(stormControl: boolean): Record<string, unknown> {
  const devices: Record<string, unknown>[] = [1, 2].map((n) => ({
    id: `s-02-smoke-0${n}`,
    building: 'tower-s',
    floor: 2,
    zone: '2-east',
    kind: 'smoke_detector',
    label: `Office 2F ${n}`,
    secret: `secret-s-02-${n}`,
  }))
  for (const floor of STORM_FLOORS) {
    for (let i = 0; i < PER_FLOOR; i++) {
      const id = `s-${floor}-smoke-${String(i).padStart(2, '0')}`
      devices.push({
        id,
        building: 'tower-s',
        floor,
        zone: `${floor}-z${i % 5}`,
        kind: 'smoke_detector',
        label: `Detector ${floor}F ${i}`,
        secret: `secret-${id}`,
      })
    }
  }
  return {
    site: { name: 'Storm Estate', timezone: 'UTC', offlineGraceSec: 60 },
    buildings: [{ id: 'tower-s', name: 'Tower S', floors: 12 }],
    devices,
    apiTokens: [{ name: 'brigade', token: 'brigade-token', role: 'brigade' }],
    contacts: [
      {
        id: 'desk',
        name: 'Monitoring centre desk',
        role: 'monitoring_centre',
        channels: ['webhook'],
        webhook: { url: 'http://127.0.0.1:9/hook', secret: 'storm-test-secret-0123' },
      },
    ],
    escalation: [{ levels: [{ targets: ['desk'], ackTimeoutSec: 600 }] }],
    // The budget would fold a storm into digests per person anyway; lifted here so that only
    // storm control is measured.
    notify: { budget: { max: 1000, windowSec: 3600 } },
    fire: stormControl ? {} : { storm: { enabled: false }, floorOffline: { enabled: false } },
  }
}

const stormDevices = STORM_FLOORS.flatMap((f) =>
  Array.from({ length: PER_FLOOR }, (_, i) => `s-${f}-smoke-${String(i).padStart(2, '0')}`),
)

const smouldering = [3, 4].flatMap((f) => [0, 1, 2, 3, 4].map((i) => `s-${f}-smoke-0${i}`))

function stormScenario(stormControl: boolean) {
  return scenarioFromObject({
    name: 'alarm-storm',
    description: 'a confirmed fire, then 300 detectors of the building lose power at once',
    site: stormSite(stormControl),
    duration: '12m',
    seed: 21,
    background: 'all',
    devices: [{ id: 's-02-smoke-01' }, { id: 's-02-smoke-02' }],
    timeline: [
      { at: '2m', devices: ['s-02-smoke-01', 's-02-smoke-02'], do: 'flame', to: 1.2, over: '3m' },
      // Smoke seeps to 3F and 4F: pre-alarms (warnings) in ten zones, never two in one zone.
      { at: '4m', devices: smouldering, do: 'smoulder', to: 0.2, over: '1m' },
      { at: '6m', devices: stormDevices, do: 'disconnect' },
    ],
    expect: [
      { opens: { rule: 'fire.confirmed', zone: '2-east' }, within: ['2m', '4m'], count: 1 },
      { opens: { rule: 'device.offline' }, within: ['7m', '7m05s'], count: 300 },
    ],
  })
}

async function runStorm(stormControl: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'fw-storm-'))
  dirs.push(dir)
  const alertDb = join(dir, 'alerts.db')
  const participant = ({ store, clock }: { store: AlertStore; clock: { now(): number } }) => {
    const log = new MemoryLogger()
    const channels = createChannels(ChannelsEnvChecked.parse({}), { dataDir: dir, clock, log })
    const notifier = createNotifier({
      store,
      site: stormScenario(stormControl).site,
      channels,
      clock,
      log,
      dataDir: dir,
      publicUrl: () => 'http://firewatch.test',
      acknowledge: () => undefined,
    })
    // Stopped before it starts: nothing is sent, its kicks do nothing.
    void notifier.stop()
    // Pages follow incidents: the notifier observes the alarm path as the gateway's does.
    return { observer: notifier }
  }
  const result = await runScenarioVirtual(stormScenario(stormControl), { alertDb, participant })
  const db = new Database(alertDb, { readonly: true })
  const notified = db
    .prepare("SELECT DISTINCT alert_id AS id FROM notify_jobs WHERE kind = 'alert'")
    .all() as { id: string }[]
  const messages = db
    .prepare("SELECT kind, class FROM notify_jobs WHERE state NOT IN ('cancelled', 'folded') ORDER BY id")
    .all() as { kind: string; class: string }[]
  db.close()
  return { result, notified: new Set(notified.map((n) => n.id)), messages }
}

describe('storm control', () => {
  it('When 300 alerts storm one building with a confirmed fire, then a handful of notifications go out: the desk gets one fire page and one update', async () => {
    const { result, notified, messages } = await runStorm(true)
    expect(result.missed, formatReport(result)).toEqual([])
    expect(result.alerts.length).toBeGreaterThanOrEqual(300)
    // Every alert is still recorded and visible; the storm ones are grouped, not notified.
    const offline = result.alerts.filter((a) => a.rule === 'device.offline')
    expect(offline.length).toBeGreaterThan(0)
    expect(offline.every((a) => a.groupedUnder !== null)).toBe(true)
    const warnings = result.alerts.filter((a) => a.class === 'warning' && a.floor > 2)
    expect(warnings.length).toBeGreaterThanOrEqual(5)
    expect(warnings.every((a) => a.groupedUnder !== null)).toBe(true)
    const floors = result.alerts.filter((a) => a.rule === 'floor.offline')
    expect(floors).toHaveLength(STORM_FLOORS.length)
    const fire = result.alerts.find((a) => a.rule === 'fire.confirmed' && a.zone === '2-east')!
    expect(floors.every((f) => f.groupedUnder === fire.id)).toBe(true)
    expect(notified.size).toBeGreaterThan(0)
    expect(notified.size).toBeLessThanOrEqual(10)
    // In incident terms, measured: the desk gets 2 messages in all - one FIRE page (the 2F
    // pre-alarm's page, still queued when its detector's alarm made it a fire, became the fire's
    // page: before, a pre-alarm page and a fire update went together), and one update when smoke
    // reached 3F and 4F. The 300 offline alerts and the 6 dark floors page nobody.
    expect(messages).toEqual([
      { kind: 'alert', class: 'fire' },
      { kind: 'update', class: 'fire' },
    ])
    // What was notified: fire alerts, and what opened before the fire was confirmed.
    for (const a of result.alerts.filter((x) => notified.has(x.id))) {
      expect(a.class === 'fire' || a.openedAt <= fire.openedAt, `${a.rule} ${a.device}`).toBe(true)
    }
  })

  it('When storm control is off, then every one of the 300 alerts is notified on its own', async () => {
    const { result, notified } = await runStorm(false)
    expect(result.missed, formatReport(result)).toEqual([])
    expect(notified.size).toBeGreaterThanOrEqual(300)
  })
})
