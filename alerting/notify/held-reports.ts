import type Database from 'better-sqlite3'
import type { ChannelKind } from './channel.ts'
import type { DeliveryReport } from './delivery-reports.ts'

/** A report held until its message id is recorded (notify_held_reports, outbox-tables.ts). */
export interface HeldReport {
  id: number
  report: DeliveryReport
  receivedAt: number
}

/**
 * Provider reports that arrived before the send that recorded their message id had finished: rows
 * only, in the alert database (same file and transactions as the jobs, so they survive a restart).
 * The outbox tables must exist (OutboxStore creates them).
 */
export class HeldReports {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  add(report: DeliveryReport, at: number): void {
    this.s.add.run(report.channel, report.providerId, JSON.stringify(report), at)
  }

  /** The reports held for a message id, oldest first, removed from the table. */
  take(channel: ChannelKind, providerId: string): HeldReport[] {
    const rows = this.s.of.all(providerId, channel) as Row[]
    if (rows.length > 0) this.s.removeOf.run(providerId, channel)
    return rows.map(fromRow)
  }

  /** Reports received before `before`, removed from the table. */
  takeOlderThan(before: number): HeldReport[] {
    const rows = this.s.older.all(before) as Row[]
    if (rows.length > 0) this.s.removeOlder.run(before)
    return rows.map(fromRow)
  }

  /** The oldest reports beyond the newest `keep`, removed from the table. */
  takeBeyond(keep: number): HeldReport[] {
    const rows = this.s.beyond.all(keep) as Row[]
    for (const row of rows) this.s.remove.run(row.id)
    return rows.map(fromRow)
  }

  count(): number {
    return (this.s.count.get() as { n: number }).n
  }
}

interface Row {
  id: number
  report: string
  received_at: number
}

function fromRow(row: Row): HeldReport {
  return { id: row.id, report: JSON.parse(row.report) as DeliveryReport, receivedAt: row.received_at }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    add: p('INSERT INTO notify_held_reports (channel, provider_id, report, received_at) VALUES (?, ?, ?, ?)'),
    of: p('SELECT * FROM notify_held_reports WHERE provider_id = ? AND channel = ? ORDER BY id'),
    removeOf: p('DELETE FROM notify_held_reports WHERE provider_id = ? AND channel = ?'),
    older: p('SELECT * FROM notify_held_reports WHERE received_at < ? ORDER BY id'),
    removeOlder: p('DELETE FROM notify_held_reports WHERE received_at < ?'),
    beyond: p('SELECT * FROM notify_held_reports ORDER BY id DESC LIMIT -1 OFFSET ?'),
    remove: p('DELETE FROM notify_held_reports WHERE id = ?'),
    count: p('SELECT count(*) AS n FROM notify_held_reports'),
  }
}
