import type { IncidentSettings } from '../../ingest/index.ts'
import type { AlertTransition } from '../alert.ts'
import type { IdGenerator } from '../alert-id.ts'
import type { AlertRecord } from '../alert-record.ts'
import { acknowledgeAlert, resolveAlert, SYSTEM_ACTOR, type TransitionContext } from '../alert-transitions.ts'
import { isoTime } from '../clock-iso.ts'
import type { Disposition, IncidentTransition } from './incident.ts'
import { IncidentBatch } from './incident-batch.ts'
import { IncidentMembership } from './incident-membership.ts'
import { type IncidentRecord, incidentJson } from './incident-record.ts'
import type { IncidentStore } from './incident-store.ts'

export interface IncidentKeeperDeps {
  incidents: IncidentStore
  settings: IncidentSettings
  nextId: IdGenerator
}

/** What a person says when closing an incident. */
export interface Resolution {
  disposition: Disposition['kind'] | null
  cause: Disposition['cause']
  note: string | null
}

/** The alert and incident transitions a transaction produced, to publish after it commits. */
export interface Followed {
  alerts: AlertTransition[]
  incidents: IncidentTransition[]
}

/**
 * Keeps incidents in step with alerts, inside each alert transaction (the lifecycle calls it): files
 * an opened alert into its situation's incident, moves it when storm control groups it, acknowledges
 * every member when one is acknowledged, and resolves the incident when its last member ends. An
 * incident is never resolved while any member is active (docs/rules.md, "Incidents").
 */
export class IncidentKeeper {
  private readonly members: IncidentMembership

  constructor(private readonly deps: IncidentKeeperDeps) {
    this.members = new IncidentMembership(deps)
  }

  get store(): IncidentStore {
    return this.deps.incidents
  }

  /** Follows the alert transitions of one transaction; returns them with what they caused. */
  follow(ctx: TransitionContext, ts: readonly AlertTransition[]): Followed {
    const batch = new IncidentBatch()
    for (const t of ts) this.followOne(ctx, batch, t)
    return this.finish(ctx, batch, ts)
  }

  /** An incident acknowledged as a whole: every open member with it. undefined = no such incident. */
  acknowledge(ctx: TransitionContext, id: string, actor: string, note: string | null) {
    const inc = this.deps.incidents.get(id)
    if (!inc) return undefined
    const batch = new IncidentBatch()
    const now = ctx.now()
    if (inc.state === 'open') this.acknowledgeAll(ctx, batch, inc, actor, note, now)
    else this.noteOnce(inc, actor, note, now)
    return this.finish(ctx, batch, [])
  }

  /**
   * Resolves an incident and every member still active. A fire needs a disposition: 'disposition'
   * comes back when it is missing. undefined = no such incident.
   */
  resolve(ctx: TransitionContext, id: string, actor: string, res: Resolution) {
    const inc = this.deps.incidents.get(id)
    if (!inc) return undefined
    const now = ctx.now()
    if (inc.state === 'resolved') {
      this.noteOnce(inc, actor, res.note, now)
      return this.finish(ctx, new IncidentBatch(), [])
    }
    if (inc.class === 'fire' && res.disposition === null) return 'disposition' as const
    const batch = new IncidentBatch()
    const disposition = res.disposition && dispositionOf(res.disposition, res, actor, now)
    this.close(inc, batch, actor, now, disposition, res.note)
    const ended: AlertTransition[] = []
    for (const m of this.members.activeMembers(ctx, inc.id)) {
      const outcome = resolveAlert(ctx, m.id, actor, res.note ?? `resolved with incident ${inc.id}`)
      if (outcome.transition) ended.push(outcome.transition)
    }
    return this.finish(ctx, batch, ended)
  }

  /** Start-up: active alerts from before incidents existed are filed as if they opened now. */
  adoptOrphans(ctx: TransitionContext): Followed {
    const batch = new IncidentBatch()
    for (const alert of ctx.store.active()) {
      const record = ctx.store.findRecord(alert.id)
      if (record && record.incidentId === null) this.members.file(ctx, batch, record, ctx.now())
    }
    return this.finish(ctx, batch, [])
  }

  json(ctx: TransitionContext, r: IncidentRecord) {
    return incidentJson(
      r,
      ctx.store.incidentMembers(r.id).map((m) => m.id),
    )
  }

  private followOne(ctx: TransitionContext, batch: IncidentBatch, t: AlertTransition): void {
    const alert = ctx.store.findRecord(t.alert.id)
    if (!alert) return
    switch (t.action) {
      case 'opened':
        this.members.file(ctx, batch, alert, t.at)
        break
      case 'grouped':
        this.members.regroup(ctx, batch, alert, t.at)
        break
      case 'acknowledged':
        this.memberAcknowledged(ctx, batch, alert, t)
        break
      case 'resolved':
      case 'cleared':
        this.memberEnded(ctx, batch, alert, t)
        break
      default:
        break
    }
    t.alert.incident = alert.incidentId
  }

  private memberAcknowledged(
    ctx: TransitionContext,
    batch: IncidentBatch,
    alert: AlertRecord,
    t: AlertTransition,
  ): void {
    const inc = alert.incidentId ? this.deps.incidents.get(alert.incidentId) : undefined
    // The system's own acknowledgements follow an incident; they never lead one.
    if (inc?.state !== 'open' || t.actor === SYSTEM_ACTOR) return
    this.acknowledgeAll(ctx, batch, inc, t.actor, null, t.at)
  }

  private acknowledgeAll(
    ctx: TransitionContext,
    batch: IncidentBatch,
    inc: IncidentRecord,
    actor: string,
    note: string | null,
    at: number,
  ): void {
    this.deps.incidents.update({
      ...inc,
      state: 'acknowledged',
      acknowledgedAt: at,
      acknowledgedBy: actor,
      updatedAt: at,
    })
    this.members.timeline(inc.id, at, 'acknowledged', actor, null, note)
    batch.touch(inc.id, { action: 'acknowledged', actor, at, alert: null, material: false })
    for (const m of ctx.store.incidentMembers(inc.id)) {
      if (m.state !== 'open') continue
      const outcome = acknowledgeAlert(ctx, m.id, actor, note ?? `with incident ${inc.id}`)
      if (outcome.transition) batch.alerts.push(outcome.transition)
    }
  }

  private memberEnded(
    ctx: TransitionContext,
    batch: IncidentBatch,
    alert: AlertRecord,
    t: AlertTransition,
  ): void {
    const inc = alert.incidentId ? this.deps.incidents.get(alert.incidentId) : undefined
    if (!inc || inc.state === 'resolved' || this.members.activeMembers(ctx, inc.id).length > 0) return
    const person = t.actor !== SYSTEM_ACTOR
    const kind = alert.tags.includes('test') ? 'test' : person ? 'unknown' : null
    const disposition = kind && dispositionOf(kind, { cause: null, note: null }, t.actor, t.at)
    this.close(inc, batch, t.actor, t.at, disposition, null)
  }

  private close(
    inc: IncidentRecord,
    batch: IncidentBatch,
    actor: string,
    at: number,
    disposition: Disposition | null,
    note: string | null,
  ): void {
    this.deps.incidents.update({
      ...inc,
      state: 'resolved',
      resolvedAt: at,
      resolvedBy: actor,
      disposition,
      updatedAt: at,
    })
    const said = [disposition?.kind, disposition?.cause, note].filter((x) => x).join('; ')
    this.members.timeline(inc.id, at, 'resolved', actor, null, said || null)
    batch.touch(inc.id, { action: 'resolved', actor, at, alert: null, material: false })
  }

  /** A repeated request (same actor, same note) adds its note once. */
  private noteOnce(inc: IncidentRecord, actor: string, note: string | null, at: number): void {
    if (note === null) return
    const last = this.deps.incidents.timeline(inc.id).at(-1)
    if (last && last.actor === actor && last.note === note) return
    this.members.timeline(inc.id, at, 'note', actor, null, note)
  }

  private finish(ctx: TransitionContext, batch: IncidentBatch, ts: readonly AlertTransition[]): Followed {
    const alerts = [...ts, ...batch.alerts]
    const incidents: IncidentTransition[] = []
    for (const [id, touch] of batch.touched) {
      const record = this.deps.incidents.get(id)
      if (record) incidents.push({ ...touch, incident: this.json(ctx, record) })
    }
    return { alerts, incidents }
  }
}

function dispositionOf(
  kind: Disposition['kind'],
  res: Pick<Resolution, 'cause' | 'note'>,
  by: string,
  at: number,
): Disposition {
  return {
    kind,
    cause: kind === 'false_alarm' ? res.cause : null,
    note: res.note,
    by,
    at: isoTime(at),
  }
}
