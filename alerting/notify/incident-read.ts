import type { AlertRecord } from '../alert-record.ts'
import type { Incident } from '../incidents/incident.ts'
import { incidentJson } from '../incidents/incident-record.ts'
import type { NotifyContext } from './notify-context.ts'

/** An incident as it is now: its public JSON (docs/protocol.md, "Incidents") and its members. */
export interface IncidentNow {
  incident: Incident
  /** Oldest first; empty once it was merged into another incident. */
  members: AlertRecord[]
}

export function incidentNow(ctx: NotifyContext, id: string): IncidentNow | undefined {
  const record = ctx.incidents.get(id)
  if (!record) return undefined
  const members = ctx.alerts.incidentMembers(id)
  return {
    incident: incidentJson(
      record,
      members.map((m) => m.id),
    ),
    members,
  }
}

/** Who acknowledged the incident, in order: the actors of its `acknowledged` timeline entries. */
export function acknowledgersOf(ctx: NotifyContext, id: string): string[] {
  return ctx.incidents
    .timeline(id)
    .filter((e) => e.action === 'acknowledged')
    .map((e) => e.actor)
}
