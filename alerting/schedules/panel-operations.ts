import type Database from 'better-sqlite3'
import type { PanelOperation } from '../../ingest/index.ts'

/** One operation record as GET /api/v1/uitds lists it. */
export interface PanelOperationRow {
  uitd: string
  building: string
  of: 'system' | 'uitd'
  /** "1.1" (system type and address) for a panel's record; null for the UITD's own. */
  system: string | null
  operations: string[]
  operator: number
  at: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS panel_operations (
  seq INTEGER PRIMARY KEY,
  uitd TEXT NOT NULL,
  building TEXT NOT NULL,
  of TEXT NOT NULL,
  system TEXT,
  operations TEXT NOT NULL,
  operator INTEGER NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS panel_operations_by_uitd ON panel_operations (uitd, seq);
`

/**
 * What people did at a fire panel or its UITD (reset, silence, self-test, patrol answer...), kept
 * in the alert database as history (docs/gbt26875.md). Recorded only: a reset clears no alert.
 * A panel's self-test also counts as a test done for the building's reports (device_tests).
 */
export function createPanelOperationLog(db: Database.Database) {
  db.exec(SCHEMA)
  const insert = db.prepare(
    'INSERT INTO panel_operations (uitd, building, of, system, operations, operator, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const test = db.prepare('INSERT INTO device_tests (device, building, at, detail) VALUES (?, ?, ?, ?)')
  const latest = db.prepare(
    'SELECT uitd, building, of, system, operations, operator, at FROM panel_operations WHERE uitd = ? ORDER BY seq DESC LIMIT ?',
  )
  return {
    record(op: PanelOperation): void {
      const system = op.system ? `${op.system.systemType}.${op.system.systemAddress}` : null
      insert.run(op.uitd, op.building, op.of, system, JSON.stringify(op.operations), op.operator, op.at)
      if (op.operations.includes('selfTest')) test.run(op.uitd, op.building, op.at, 'panel self-test')
    },
    /** The newest first. */
    latest(uitd: string, limit: number): PanelOperationRow[] {
      const rows = latest.all(uitd, limit) as (Omit<PanelOperationRow, 'operations'> & {
        operations: string
      })[]
      return rows.map((r) => ({ ...r, operations: JSON.parse(r.operations) as string[] }))
    },
  }
}

export type PanelOperationLog = ReturnType<typeof createPanelOperationLog>
