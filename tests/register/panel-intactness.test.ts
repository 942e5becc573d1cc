import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertRecord } from '../../alerting/alert-record.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { answerHistory } from '../../ingest/store/history-query.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { AlertReads } from '../../register/alert-reads.ts'
import { facilityIntactness, type IntactnessSources } from '../../register/facility-intactness.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'
import { ROOT } from '../support/paths.ts'

// Facility intactness of a building with a fire panel (tests/fixtures/uitd-site.yaml: Tower A has
// one MQTT detector and four panel components heard through UITD ta-uitd-01). A component reports
// only its changes: it counts as heard while its UITD is, and not at all while nothing listens to
// UITDs (UITD_ENABLED=off). Real SQLite alert file and readings store.

const site = loadSite(join(ROOT, 'tests/fixtures/uitd-site.yaml'))
const DAY = 86_400_000
const from = Date.parse('2026-11-01T00:00:00Z')
const to = from + DAY
let dir: string
let store: AlertStore
let readings: SqliteReadings
let sources: IntactnessSources

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-panel-intact-'))
  store = AlertStore.open(join(dir, 'alerts.db'))
  readings = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    retentionDays: 3650,
    clock: { now: () => to },
    log: new MemoryLogger() as never,
  })
  const detector = site.device('ta-12-smoke-01')!
  await readings.writeReadings([
    {
      device: detector.id,
      building: detector.building,
      floor: detector.floor,
      zone: detector.zone,
      kind: detector.kind,
      metric: 'smoke_dbm',
      family: 'smoke_dbm',
      channel: null,
      value: 0.01,
      ts: from + 3_600_000,
      receivedAt: from + 3_600_000,
      seq: null,
    },
  ])
  // The UITD was silent for the last six hours of the day.
  store.insert(uitdOffline(to - 6 * 3_600_000))
  sources = {
    site,
    alerts: new AlertReads(store.db),
    readings: { history: (q) => answerHistory(readings, q) },
  }
})

afterAll(async () => {
  store?.close()
  await readings?.close()
  rmSync(dir, { recursive: true, force: true })
})

function uitdOffline(openedAt: number): AlertRecord {
  return {
    id: '01TESTUITDOFFLINE000000000',
    building: 'tower-a',
    floor: 0,
    zone: 'control-room',
    device: 'ta-uitd-01',
    class: 'offline',
    rule: 'uitd.offline',
    metric: null,
    value: null,
    threshold: null,
    state: 'open',
    openedAt,
    acknowledgedAt: null,
    resolvedAt: null,
    updatedAt: openedAt,
    message: 'Fire panel link (UITD) offline',
    latched: false,
    repeats: 0,
    detail: null,
    scope: 'device',
    evidence: [],
    tags: [],
    groupedUnder: null,
    incidentId: null,
  }
}

describe('facility intactness with a fire panel', () => {
  it('When the UITD was heard for 18 of 24 hours, then each component counts 0.75 and the detector 1', async () => {
    const i = await facilityIntactness(sources, 'tower-a', from, to)
    expect(i).toMatchObject({ devices: 5, reporting: 5, readingsChecked: true })
    expect(i.share).toBeCloseTo((1 + 4 * 0.75) / 5, 9)
  })

  it('When nothing listens to UITDs, then the components count for nothing either way: the detector alone', async () => {
    const i = await facilityIntactness({ ...sources, panelsHeard: false }, 'tower-a', from, to)
    expect(i).toMatchObject({ devices: 1, reporting: 1, share: 1 })
  })
})
