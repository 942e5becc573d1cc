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
