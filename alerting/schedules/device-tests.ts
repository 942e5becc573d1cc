import type Database from 'better-sqlite3'
import type { DeviceEvent } from '../../ingest/index.ts'

/**
 * Records the devices' own `test` events (routine tests, docs/rules.md) for the reports' "tests
 * done". Only the record: what a test does to alerts is the rule engine's and the test windows'.
 */
export function createTestRecorder(db: Database.Database) {
  const insert = db.prepare('INSERT INTO device_tests (device, building, at, detail) VALUES (?, ?, ?, ?)')
  return function recordEvent(e: DeviceEvent): void {
    if (e.event === 'test') insert.run(e.device, e.building, e.ts, e.detail)
  }
}
