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
    return oldestFirst(this.s.takeOf.all(providerId, channel) as Row[])
  }

  /** Reports received before `before`, removed from the table. */
  takeOlderThan(before: number): HeldReport[] {
    return oldestFirst(this.s.takeOlder.all(before) as Row[])
  }

  /** The oldest reports beyond the newest `keep`, oldest first, removed from the table. */
  takeBeyond(keep: number): HeldReport[] {
    return oldestFirst(this.s.takeBeyond.all(keep) as Row[])
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

/** DELETE ... RETURNING gives its rows in no promised order: sorted by id (arrival order). */
function oldestFirst(rows: Row[]): HeldReport[] {
  return rows.sort((a, b) => a.id - b.id).map(fromRow)
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    add: p('INSERT INTO notify_held_reports (channel, provider_id, report, received_at) VALUES (?, ?, ?, ?)'),
    takeOf: p('DELETE FROM notify_held_reports WHERE provider_id = ? AND channel = ? RETURNING *'),
    takeOlder: p('DELETE FROM notify_held_reports WHERE received_at < ? RETURNING *'),
    takeBeyond: p(
      'DELETE FROM notify_held_reports WHERE id IN ' +
        '(SELECT id FROM notify_held_reports ORDER BY id DESC LIMIT -1 OFFSET ?) RETURNING *',
    ),
    count: p('SELECT count(*) AS n FROM notify_held_reports'),
  }
}
