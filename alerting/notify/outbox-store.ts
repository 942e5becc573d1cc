import type Database from 'better-sqlite3'
import type { ChannelKind } from './channel.ts'
import { migrateNotifyTables } from './outbox-migrations.ts'
import { type JOB_KINDS, OUTBOX_TABLES_SQL } from './outbox-tables.ts'

export type JobState = 'pending' | 'sent' | 'failed' | 'cancelled' | 'folded'
export type JobKind = (typeof JOB_KINDS)[number]

/** A row of notify_jobs. */
export interface OutboxJob {
  id: number
  job_key: string
  kind: JobKind
  alert_id: string
  class: string
  contact: string
  channel: ChannelKind
  level: number
  repeat: number
  urgent: number
  state: JobState
  created_at: number
  due_at: number
  claimed_until: number | null
  attempts: number
  provider_id: string | null
  last_error: string | null
  finished_at: number | null
  digest_id: number | null
  delivered_to: string | null
  /** The provider's later report on a sent message (delivered, undelivered, failed...). */
  provider_status: string | null
  provider_status_at: number | null
  /** The incident the job is about; null on jobs of gateways that paged alerts one by one. */
  incident_id: string | null
}

export type NewJob = Pick<
  OutboxJob,
  | 'job_key'
  | 'kind'
  | 'alert_id'
  | 'incident_id'
  | 'class'
  | 'contact'
  | 'channel'
  | 'level'
  | 'repeat'
  | 'urgent'
> & { state: 'pending' | 'folded'; created_at: number; due_at: number; digest_id: number | null }

/**
 * The jobs of the outbox: rows only, statements prepared once. Callers open the transactions
 * (the lifecycle's for new jobs, the dispatcher's for claims and outcomes).
 */
export class OutboxStore {
  private readonly s: ReturnType<typeof statements>

  constructor(readonly db: Database.Database) {
    db.exec(OUTBOX_TABLES_SQL)
    migrateNotifyTables(db)
    this.s = statements(db)
  }

  /** Inserts the job unless its key exists (re-enqueueing the same step is a no-op). */
  insert(job: NewJob): OutboxJob | undefined {
    const info = this.s.insert.run(job)
    return info.changes === 0 ? undefined : this.get(Number(info.lastInsertRowid))
  }

  get(id: number): OutboxJob | undefined {
    return this.s.byId.get(id) as OutboxJob | undefined
  }

  byKey(key: string): OutboxJob | undefined {
    return this.s.byKey.get(key) as OutboxJob | undefined
  }

  /** Due jobs, fire first, each leased until `leaseUntil` (one transaction). */
  claimDue(now: number, leaseUntil: number, limit: number): OutboxJob[] {
    // Most rounds find nothing: only then is the write lock taken.
    if (this.s.due.all({ now, limit: 1 }).length === 0) return []
    return this.db
      .transaction(() => {
        const jobs = this.s.due.all({ now, limit }) as OutboxJob[]
        for (const job of jobs) this.s.claim.run(leaseUntil, job.id)
        return jobs.map((j) => ({ ...j, claimed_until: leaseUntil, attempts: j.attempts + 1 }))
      })
      .immediate()
  }

  /** A gateway owns its alerts file: at start-up no send is in flight, so old leases are void. */
  releaseClaims(): number {
    return this.s.release.run().changes
  }

  markSent(id: number, providerId: string, at: number): void {
    this.s.sent.run(providerId, at, id)
  }

  markRetry(id: number, dueAt: number, reason: string): void {
    this.s.retry.run(dueAt, reason, id)
  }

  markFailed(id: number, reason: string, at: number): void {
    this.s.failed.run(reason, at, id)
  }

  cancel(id: number, at: number): void {
    this.s.cancel.run(at, id)
  }

  setDelivered(id: number, subscriptionIds: number[]): void {
    this.s.delivered.run(JSON.stringify(subscriptionIds), id)
  }

  /** The job a provider message id was recorded for (status callbacks name the message). */
  byProviderId(channel: ChannelKind, providerId: string): OutboxJob | undefined {
    return this.s.byProvider.get(providerId, channel) as OutboxJob | undefined
  }

  setProviderStatus(id: number, status: string, at: number): void {
    this.s.providerStatus.run(status, at, id)
  }

  /** The jobs that carry an alert (as the lead alert of their incident, or alone), oldest first. */
  jobsOf(alertId: string): OutboxJob[] {
    return this.s.ofAlert.all(alertId) as OutboxJob[]
  }

  /**
   * Messages of the classes counted for a contact since `since` (one per incident step, any
   * channel). A page held until later (offline-hold.ts) counts once it is due: until then it is
   * likely to be cancelled, and must not push the page that replaces it over the budget.
   */
  countRecent(contact: string, since: number, classes: readonly string[], now: number): number {
    const row = this.s.countRecent.get({ contact, since, now, classes: JSON.stringify(classes) })
    return (row as { n: number }).n
  }

  oldestRecent(contact: string, since: number, classes: readonly string[]): number | null {
    const row = this.s.oldestRecent.get({ contact, since, classes: JSON.stringify(classes) })
    return (row as { at: number | null }).at
  }

  openDigest(contact: string): OutboxJob | undefined {
    return this.s.openDigest.get(contact) as OutboxJob | undefined
  }

  foldedInto(digestId: number): OutboxJob[] {
    return this.s.folded.all(digestId) as OutboxJob[]
  }

  moveFolded(fromDigest: number, toDigest: number): void {
    this.s.refold.run(toDigest, fromDigest)
  }

  pendingCount(): number {
    return (this.s.pendingCount.get() as { n: number }).n
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    insert: p(
      'INSERT OR IGNORE INTO notify_jobs (job_key, kind, alert_id, incident_id, class, contact, channel, level, ' +
        'repeat, urgent, state, created_at, due_at, digest_id) VALUES (@job_key, @kind, @alert_id, @incident_id, ' +
        '@class, @contact, @channel, @level, @repeat, @urgent, @state, @created_at, @due_at, @digest_id)',
    ),
    byId: p('SELECT * FROM notify_jobs WHERE id = ?'),
    byKey: p('SELECT * FROM notify_jobs WHERE job_key = ?'),
    due: p(
      "SELECT * FROM notify_jobs WHERE state = 'pending' AND due_at <= @now " +
        'AND (claimed_until IS NULL OR claimed_until < @now) ORDER BY urgent DESC, due_at, id LIMIT @limit',
    ),
    claim: p('UPDATE notify_jobs SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?'),
    release: p(
      "UPDATE notify_jobs SET claimed_until = NULL WHERE state = 'pending' AND claimed_until IS NOT NULL",
    ),
    sent: p(
      "UPDATE notify_jobs SET state = 'sent', provider_id = ?, finished_at = ?, claimed_until = NULL, " +
        'last_error = NULL WHERE id = ?',
    ),
    retry: p('UPDATE notify_jobs SET due_at = ?, last_error = ?, claimed_until = NULL WHERE id = ?'),
    failed: p(
      "UPDATE notify_jobs SET state = 'failed', last_error = ?, finished_at = ?, claimed_until = NULL WHERE id = ?",
    ),
    cancel: p(
      "UPDATE notify_jobs SET state = 'cancelled', finished_at = ?, claimed_until = NULL WHERE id = ? AND state = 'pending'",
    ),
    delivered: p('UPDATE notify_jobs SET delivered_to = ? WHERE id = ?'),
    byProvider: p('SELECT * FROM notify_jobs WHERE provider_id = ? AND channel = ? ORDER BY id DESC LIMIT 1'),
    providerStatus: p('UPDATE notify_jobs SET provider_status = ?, provider_status_at = ? WHERE id = ?'),
    ofAlert: p('SELECT * FROM notify_jobs WHERE alert_id = ? ORDER BY id'),
    countRecent: p(
      "SELECT count(DISTINCT coalesce(incident_id, alert_id) || ':' || level || ':' || repeat || ':' || kind) AS n " +
        'FROM notify_jobs ' +
        "WHERE contact = @contact AND created_at > @since AND state <> 'folded' AND state <> 'cancelled' " +
        "AND NOT (kind = 'alert' AND state = 'pending' AND due_at > @now) " +
        'AND class IN (SELECT value FROM json_each(@classes))',
    ),
    oldestRecent: p(
      "SELECT min(created_at) AS at FROM notify_jobs WHERE contact = @contact AND created_at > @since AND state <> 'folded' " +
        "AND state <> 'cancelled' AND class IN (SELECT value FROM json_each(@classes))",
    ),
    openDigest: p(
      "SELECT * FROM notify_jobs WHERE contact = ? AND kind = 'digest' AND state = 'pending' LIMIT 1",
    ),
    folded: p("SELECT * FROM notify_jobs WHERE digest_id = ? AND state = 'folded' ORDER BY id"),
    refold: p("UPDATE notify_jobs SET digest_id = ? WHERE digest_id = ? AND state = 'folded'"),
    pendingCount: p("SELECT count(*) AS n FROM notify_jobs WHERE state = 'pending'"),
  }
}
