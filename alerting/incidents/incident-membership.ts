import type { IncidentSettings } from '../../ingest/index.ts'
import type { IdGenerator } from '../alert-id.ts'
import type { AlertRecord } from '../alert-record.ts'
import { acknowledgeAlert, SYSTEM_ACTOR, type TransitionContext } from '../alert-transitions.ts'
import { moreSevere } from './incident.ts'
import type { IncidentBatch } from './incident-batch.ts'
import { deviceKey, fireKey, groupKeyOf, MATERIAL_RULES } from './incident-grouping.ts'
import type { IncidentRecord } from './incident-record.ts'
import type { IncidentStore } from './incident-store.ts'
import { incidentTitle } from './incident-title.ts'

export interface MembershipDeps {
  incidents: IncidentStore
  settings: IncidentSettings
  nextId: IdGenerator
}

/**
 * Which incident each alert is in: files an opened alert into its situation's incident (or opens
 * one), moves an alert storm control grouped under a head of another incident, and folds an
 * incident whose members all moved into the one they went to (docs/rules.md, "Incidents").
 */
export class IncidentMembership {
  constructor(private readonly deps: MembershipDeps) {}

  file(ctx: TransitionContext, batch: IncidentBatch, alert: AlertRecord, at: number): void {
    const target = this.targetOf(ctx, alert)
    if (!target) {
      this.open(ctx, batch, alert, at)
      return
    }
    this.join(ctx, batch, target, alert, at)
    // A device's pre-alarm incident becomes part of its building's fire.
    const own = alert.class === 'fire' && this.deps.incidents.activeByKey(deviceKey(alert.device))
    if (own && own.id !== target.id) this.merge(ctx, batch, own, target, at)
  }

  private targetOf(ctx: TransitionContext, alert: AlertRecord): IncidentRecord | undefined {
    const { incidents, settings } = this.deps
    const head = alert.groupedUnder === null ? undefined : ctx.store.findRecord(alert.groupedUnder)
    const headIncident = head?.incidentId ? incidents.get(head.incidentId) : undefined
    if (headIncident && headIncident.state !== 'resolved') return headIncident
    const key = groupKeyOf(alert, settings)
    const found = incidents.activeByKey(key)
    if (!found && key === deviceKey(alert.device)) return this.fireOfDevice(ctx, alert)
    if (found || key !== fireKey(alert.building) || !settings.deviceTogether) return found
    // The first fire of a building whose device already has an incident (its pre-alarm): that
    // incident becomes the building's fire.
    const own = incidents.activeByKey(deviceKey(alert.device))
    if (own) own.groupKey = key
    return own
  }

  /**
   * A device whose own incident was folded into its building's fire (its pre-alarm was grouped
   * under the confirmed fire, or became its alarm) stays with that fire: its later alerts, of any
   * class, are part of the same situation and must not page anyone on their own.
   */
  private fireOfDevice(ctx: TransitionContext, alert: AlertRecord): IncidentRecord | undefined {
    const fire = this.deps.incidents.activeByKey(fireKey(alert.building))
    if (!fire || !this.deps.settings.deviceTogether) return undefined
    return ctx.store.incidentMembers(fire.id).some((m) => m.device === alert.device) ? fire : undefined
  }

  private open(ctx: TransitionContext, batch: IncidentBatch, alert: AlertRecord, at: number): void {
    const inc: IncidentRecord = {
      id: this.deps.nextId(at),
      building: alert.building,
      class: alert.class,
      state: 'open',
      groupKey: groupKeyOf(alert, this.deps.settings),
      openedAt: at,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      floors: [alert.floor],
      title: '',
      disposition: null,
      mergedInto: null,
      updatedAt: at,
    }
    inc.title = incidentTitle(ctx.site, inc, alert)
    this.deps.incidents.insert(inc)
    this.setIncident(ctx, alert, inc.id)
    this.timeline(inc.id, at, 'opened', SYSTEM_ACTOR, alert, alert.rule)
    batch.touch(inc.id, { action: 'opened', actor: SYSTEM_ACTOR, at, alert: alert.id, material: false })
  }

  private join(
    ctx: TransitionContext,
    batch: IncidentBatch,
    inc: IncidentRecord,
    alert: AlertRecord,
    at: number,
  ): void {
    this.setIncident(ctx, alert, inc.id)
    this.timeline(inc.id, at, 'member_added', SYSTEM_ACTOR, alert, alert.rule)
    let action: 'member_added' | 'floor_reached' | 'class_changed' = 'member_added'
    let material = MATERIAL_RULES.has(alert.rule)
    if (!inc.floors.includes(alert.floor) && reachesFloor(inc, alert)) {
      inc.floors = [...inc.floors, alert.floor]
      this.timeline(inc.id, at, 'floor_reached', SYSTEM_ACTOR, alert, null)
      action = 'floor_reached'
      material ||= inc.class === 'fire' || alert.class === 'fire'
    }
    const cls = moreSevere(inc.class, alert.class)
    if (cls !== inc.class) {
      this.timeline(inc.id, at, 'class_changed', SYSTEM_ACTOR, alert, `${inc.class} > ${cls}`)
      inc.class = cls
      action = 'class_changed'
      material = true
    }
    const first = ctx.store.incidentMembers(inc.id)[0] ?? alert
    inc.title = incidentTitle(ctx.site, inc, first)
    inc.updatedAt = at
    this.deps.incidents.update(inc)
    batch.touch(inc.id, { action, actor: SYSTEM_ACTOR, at, alert: alert.id, material })
    // An incident someone has taken stays taken: its new members are acknowledged with it.
    if (inc.state === 'acknowledged' && alert.state === 'open') {
      const who = inc.acknowledgedBy ?? SYSTEM_ACTOR
      const outcome = acknowledgeAlert(ctx, alert.id, SYSTEM_ACTOR, `with incident ${inc.id} (${who})`)
      if (outcome.transition) batch.alerts.push(outcome.transition)
    }
  }

  /** Storm control put an alert under a head in another incident: it moves there. */
  regroup(ctx: TransitionContext, batch: IncidentBatch, alert: AlertRecord, at: number): void {
    const head = alert.groupedUnder === null ? undefined : ctx.store.findRecord(alert.groupedUnder)
    const target = head?.incidentId ? this.deps.incidents.get(head.incidentId) : undefined
    if (!target || target.state === 'resolved' || target.id === alert.incidentId) return
    const from = alert.incidentId
    this.join(ctx, batch, target, alert, at)
    const left = from === null ? undefined : this.deps.incidents.get(from)
    if (left && left.state !== 'resolved' && this.activeMembers(ctx, left.id).length === 0) {
      this.mergeClosed(batch, left, target, at)
    }
  }

  /** Moves every active member of `from` into `into`, then closes `from` as merged. */
  private merge(
    ctx: TransitionContext,
    batch: IncidentBatch,
    from: IncidentRecord,
    into: IncidentRecord,
    at: number,
  ): void {
    for (const m of this.activeMembers(ctx, from.id)) this.join(ctx, batch, into, m, at)
    this.mergeClosed(batch, from, into, at)
  }

  /** A merged incident is over without an all-clear: its situation goes on in `into`. */
  private mergeClosed(batch: IncidentBatch, from: IncidentRecord, into: IncidentRecord, at: number): void {
    this.deps.incidents.update({
      ...from,
      state: 'resolved',
      resolvedAt: at,
      resolvedBy: SYSTEM_ACTOR,
      mergedInto: into.id,
      updatedAt: at,
    })
    this.timeline(from.id, at, 'merged', SYSTEM_ACTOR, null, `merged into ${into.id}`)
    this.timeline(into.id, at, 'merged', SYSTEM_ACTOR, null, `${from.id} merged into it`)
    batch.touch(from.id, { action: 'merged', actor: SYSTEM_ACTOR, at, alert: null, material: false })
    batch.touch(into.id, { action: 'merged', actor: SYSTEM_ACTOR, at, alert: null, material: false })
  }

  activeMembers(ctx: TransitionContext, id: string): AlertRecord[] {
    return ctx.store.incidentMembers(id).filter((m) => m.state !== 'resolved')
  }

  private setIncident(ctx: TransitionContext, alert: AlertRecord, id: string): void {
    alert.incidentId = id
    ctx.store.update(alert)
  }

  timeline(
    id: string,
    at: number,
    action: Parameters<IncidentBatch['touch']>[1]['action'],
    actor: string,
    alert: AlertRecord | null,
    note: string | null,
  ): void {
    this.deps.incidents.appendTimeline(id, {
      at,
      action,
      actor,
      alert: alert?.id ?? null,
      floor: alert?.floor ?? null,
      note,
    })
  }
}

/**
 * Whether a member takes its incident to its floor. A fire is where its fire alarms and pre-alarms
 * are: storm control also files the building's offline, fault and supervisory alerts under it (a
 * floor losing power in the fire), and those must not read, or page, as the fire reaching their
 * floors.
 */
function reachesFloor(inc: IncidentRecord, alert: AlertRecord): boolean {
  if (moreSevere(inc.class, alert.class) !== 'fire') return true
  return alert.class === 'fire' || alert.class === 'warning'
}
