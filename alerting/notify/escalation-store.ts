import type Database from 'better-sqlite3'

/** A row of notify_escalations: where the escalation of one alert stands. */
export interface EscalationRow {
  alert_id: string
  level: number
  repeat: number
  state: 'active' | 'stopped' | 'exhausted'
  next_at: number
  started_at: number
  first_request_at: number | null
}

/**
 * Bad channels, and the escalations of single alerts that older gateways kept (their first
 * provider request is still measured; incident-escalations.ts took over the rest): the small
 * tables next to the outbox (same file, same transactions). The outbox tables must exist
 * (OutboxStore creates them).
 */
export class EscalationStore {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  start(alertId: string, nextAt: number, startedAt: number): void {
    this.s.start.run(alertId, nextAt, startedAt)
  }

  get(alertId: string): EscalationRow | undefined {
    return this.s.get.get(alertId) as EscalationRow | undefined
  }

  due(now: number, limit: number): EscalationRow[] {
    return this.s.due.all(now, limit) as EscalationRow[]
  }

  advance(alertId: string, level: number, repeat: number, nextAt: number): void {
    this.s.advance.run(level, repeat, nextAt, alertId)
  }

  /** Stops an active escalation; true when it was active. */
  stop(alertId: string, state: 'stopped' | 'exhausted' = 'stopped'): boolean {
    return this.s.stop.run(state, alertId).changes > 0
  }

  /** Records the first provider request of the alert; returns its start time the first time only. */
  firstRequest(alertId: string, at: number): number | null {
    const row = this.s.firstRequest.get(at, alertId) as { started_at: number } | undefined
    return row ? row.started_at : null
  }

  /** The address a channel of a contact failed on for good, if any. */
  badAddress(contact: string, channel: string): string | null {
    const row = this.s.bad.get(contact, channel) as { address: string } | undefined
    return row?.address ?? null
  }

  markBad(contact: string, channel: string, address: string, reason: string, at: number): void {
    this.s.markBad.run({ contact, channel, address, reason, at })
  }

  /** Every bad mark of a contact's channels. */
  badChannelsOf(contact: string): BadChannelRow[] {
    return this.s.badOf.all(contact) as BadChannelRow[]
  }

  /** Removes the mark; true when there was one. */
  clearBad(contact: string, channel: string): boolean {
    return this.s.clearBad.run(contact, channel).changes > 0
  }
}

/** A row of notify_bad_channels. */
export interface BadChannelRow {
  contact: string
  channel: string
  address: string
  since: number
  reason: string
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    start: p(
      "INSERT OR IGNORE INTO notify_escalations (alert_id, level, repeat, state, next_at, started_at) VALUES (?, 0, 0, 'active', ?, ?)",
    ),
    get: p('SELECT * FROM notify_escalations WHERE alert_id = ?'),
    due: p(
      "SELECT * FROM notify_escalations WHERE state = 'active' AND next_at <= ? ORDER BY next_at LIMIT ?",
    ),
    advance: p('UPDATE notify_escalations SET level = ?, repeat = ?, next_at = ? WHERE alert_id = ?'),
    stop: p("UPDATE notify_escalations SET state = ? WHERE alert_id = ? AND state = 'active'"),
    firstRequest: p(
      'UPDATE notify_escalations SET first_request_at = ? WHERE alert_id = ? AND first_request_at IS NULL RETURNING started_at',
    ),
    bad: p('SELECT address FROM notify_bad_channels WHERE contact = ? AND channel = ?'),
    badOf: p('SELECT * FROM notify_bad_channels WHERE contact = ? ORDER BY channel'),
    clearBad: p('DELETE FROM notify_bad_channels WHERE contact = ? AND channel = ?'),
    markBad: p(
      'INSERT INTO notify_bad_channels (contact, channel, address, since, reason) VALUES (@contact, @channel, @address, @at, @reason) ' +
        'ON CONFLICT (contact, channel) DO UPDATE SET address = @address, since = @at, reason = @reason',
    ),
  }
}
