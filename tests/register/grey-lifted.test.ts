import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AlertStore } from '../../alerting/alert-store.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { answerHistory } from '../../ingest/store/history-query.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { AlertReads } from '../../register/alert-reads.ts'
import { HazardStore } from '../../register/hazard-store.ts'
import { openRegisterDb } from '../../register/register-db.ts'
import { RiskKeeper } from '../../register/risk-keeper.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'
import { ROOT } from '../support/paths.ts'

// A building graded grey because nothing reported yet (the gateway's start) must not stay grey once
// its devices report: the wall would show "too little known" over a building that is watched.
// Real SQLite files; tests/fixtures/uitd-site.yaml's Tower A counts one MQTT detector while nothing
// listens to UITDs.

const site = loadSite(join(ROOT, 'tests/fixtures/uitd-site.yaml'))
const start = Date.parse('2026-11-01T08:00:00Z')
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

function keeperOnFreshFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-grey-lifted-'))
  const alerts = AlertStore.open(join(dir, 'alerts.db'))
  const readings = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    retentionDays: 3650,
    clock: { now: () => start + 600_000 },
    log: new MemoryLogger() as never,
  })
  const db = openRegisterDb(join(dir, 'register.db'))
  cleanups.push(async () => {
    db.close()
    alerts.close()
    await readings.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const keeper = new RiskKeeper({
    db,
    site,
    store: new HazardStore(db),
    alerts: new AlertReads(alerts.db),
    readings: { history: (q) => answerHistory(readings, q) },
    panelsHeard: false,
    log: new MemoryLogger() as never,
  })
  const detectorReports = async (at: number) => {
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
        ts: at,
        receivedAt: at,
        seq: null,
      },
    ])
  }
  return { keeper, detectorReports }
}

describe('risk grade after the start', () => {
  it('When the devices of a building graded grey at start report, then the next change grades it from fresh intactness', async () => {
    const { keeper, detectorReports } = keeperOnFreshFiles()
    expect((await keeper.grade('tower-a', start, 'start')).grade).toBe('grey')
    await detectorReports(start + 60_000)
    const after = await keeper.grade('tower-a', start + 120_000, 'change')
    expect(after.intactness).toBeGreaterThanOrEqual(0.8)
    expect(after.grade).toBe('green')
  })

  it('When a grey building reports without any alert to regrade it, then the five-minute recheck grades it afresh', async () => {
    const { keeper, detectorReports } = keeperOnFreshFiles()
    expect((await keeper.grade('tower-a', start, 'start')).grade).toBe('grey')
    await detectorReports(start + 60_000)
    await keeper.regradeGrey(start + 300_000)
    expect(keeper.current('tower-a')?.grade).toBe('green')
  })
})
