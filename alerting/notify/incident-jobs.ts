import type Database from 'better-sqlite3'
import type { ChannelKind } from './channel.ts'
import type { JobKind, OutboxJob } from './outbox-store.ts'

/** A person told of an incident, and the channel of the newest message that told them. */
export interface Told {
  contact: string
  channel: ChannelKind
}

/** Kinds that tell a person of an incident: its pages (first page, escalation steps) and updates. */
const TELLING = "kind IN ('alert', 'update')"

/**
 * The outbox rows of incidents, as paging needs them (same file and transactions as the jobs;
 * OutboxStore creates the tables). A job key dedups one message; these answer who was told.
 */
export class IncidentJobs {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  jobsOf(incidentId: string): OutboxJob[] {
    return this.s.ofIncident.all(incidentId) as OutboxJob[]
  }

  /**
   * Who must hear of the incident's growth: per contact, the channel of its newest page or update
   * that was sent or is still to be sent (a queued page goes out before the update it precedes).
   */
  informed(incidentId: string): Told[] {
    return this.s.informed.all(incidentId) as Told[]
  }

  /**
   * Who gets the all-clear: per contact, the channel of its newest page or update that was sent or
   * is being sent right now (claimed), of this incident, of those merged into it, and of its
   * member alerts paged one by one by an older gateway. Jobs nobody has claimed are not counted.
   */
  toldForAllClear(incidentId: string, now: number): Told[] {
    return this.s.toldForAllClear.all({ incident: incidentId, now }) as Told[]
  }

  /**
   * Whether a page or update of the incident reached the person, or was handed to a provider:
   * sent, in flight, or attempted. A page still waiting for its first attempt has not.
   */
  reached(incidentId: string, contact: string, now: number): boolean {
    return this.s.reached.get({ incident: incidentId, contact, now }) !== undefined
  }

  /**
   * First pages of the incident not yet handed to any provider become pages of its new class and
   * lead (a class upgrade before they went out): one page saying FIRE, not a pre-alarm page with
   * an update on its heels. Returns the contacts whose page changed.
   */
  retargetQueued(incidentId: string, cls: string, lead: string, now: number): string[] {
    const rows = this.s.retarget.all({
      incident: incidentId,
      class: cls,
      alert: lead,
      urgent: cls === 'fire' ? 1 : 0,
      now,
    }) as { contact: string }[]
    return [...new Set(rows.map((r) => r.contact))]
  }

  /** The person's update still waiting to be built and sent (not in flight), if any. */
  pendingUpdate(incidentId: string, contact: string, now: number): OutboxJob | undefined {
    return this.s.pendingUpdate.get({ incident: incidentId, contact, now }) as OutboxJob | undefined
  }

  /** The person's newest update of the incident, whatever its state. */
  lastUpdate(incidentId: string, contact: string): OutboxJob | undefined {
    return this.s.lastUpdate.get(incidentId, contact) as OutboxJob | undefined
  }

  /** Whether the person of `job` had a page (sent or queued) or an update sent, other than `job`. */
  toldBefore(job: Pick<OutboxJob, 'id' | 'incident_id' | 'contact'>): boolean {
    return this.s.toldBefore.get(job.incident_id, job.contact, job.id) !== undefined
  }

  /** Cancels the incident's unsent jobs of these kinds; how many. */
  cancelPending(incidentId: string, kinds: readonly JobKind[], at: number): number {
    return this.s.cancel.run({ incident: incidentId, kinds: JSON.stringify(kinds), at }).changes
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    ofIncident: p('SELECT * FROM notify_jobs WHERE incident_id = ? ORDER BY id'),
    // Per contact the newest such job (SQLite takes the bare column from the max(id) row).
    informed: p(
      `SELECT contact, channel, max(id) AS id FROM notify_jobs WHERE incident_id = ? AND ${TELLING} ` +
        "AND state IN ('sent', 'pending') GROUP BY contact ORDER BY id",
    ),
    toldForAllClear: p(
      'WITH jobs AS (' +
        'SELECT * FROM notify_jobs WHERE incident_id IN ' +
        '(SELECT id FROM incidents WHERE id = @incident OR merged_into = @incident) ' +
        'UNION ALL SELECT * FROM notify_jobs WHERE incident_id IS NULL AND alert_id IN ' +
        '(SELECT id FROM alerts WHERE incident_id = @incident)) ' +
        `SELECT contact, channel, max(id) AS id FROM jobs WHERE ${TELLING} ` +
        "AND (state = 'sent' OR (state = 'pending' AND claimed_until >= @now)) GROUP BY contact ORDER BY id",
    ),
    reached: p(
      `SELECT 1 FROM notify_jobs WHERE incident_id = @incident AND contact = @contact AND ${TELLING} ` +
        "AND (state = 'sent' OR (state = 'pending' AND (claimed_until >= @now OR attempts > 0))) LIMIT 1",
    ),
    retarget: p(
      'UPDATE notify_jobs SET class = @class, alert_id = @alert, urgent = @urgent ' +
        "WHERE incident_id = @incident AND kind = 'alert' AND level = 0 AND repeat = 0 AND state = 'pending' " +
        'AND attempts = 0 AND (claimed_until IS NULL OR claimed_until < @now) RETURNING contact',
    ),
    pendingUpdate: p(
      "SELECT * FROM notify_jobs WHERE incident_id = @incident AND contact = @contact AND kind = 'update' " +
        "AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < @now) ORDER BY id LIMIT 1",
    ),
    lastUpdate: p(
      "SELECT * FROM notify_jobs WHERE incident_id = ? AND contact = ? AND kind = 'update' " +
        'ORDER BY repeat DESC, id DESC LIMIT 1',
    ),
    toldBefore: p(
      'SELECT 1 FROM notify_jobs WHERE incident_id = ? AND contact = ? AND id <> ? AND (' +
        "(kind = 'alert' AND state IN ('sent', 'pending')) OR (kind = 'update' AND state = 'sent')) LIMIT 1",
    ),
    cancel: p(
      "UPDATE notify_jobs SET state = 'cancelled', finished_at = @at WHERE incident_id = @incident " +
        "AND state = 'pending' AND kind IN (SELECT value FROM json_each(@kinds))",
    ),
  }
}
