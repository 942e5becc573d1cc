import type { AlertTransition } from '../alert.ts'
import type { IncidentAction } from './incident.ts'

/** What one incident went through in one transaction, before its transition is published. */
export interface Touch {
  action: IncidentAction
  actor: string
  at: number
  alert: string | null
  material: boolean
}

// When several things happen to one incident in one transaction, its transition carries the most
// telling action; the timeline keeps every one of them.
const RANK: readonly IncidentAction[] = [
  'opened',
  'resolved',
  'merged',
  'acknowledged',
  'class_changed',
  'floor_reached',
  'member_added',
  'note',
]

/** The incident changes and extra alert transitions (cascaded acknowledgements) of one transaction. */
export class IncidentBatch {
  readonly touched = new Map<string, Touch>()
  readonly alerts: AlertTransition[] = []

  touch(incident: string, change: Touch): void {
    const before = this.touched.get(incident)
    if (!before) {
      this.touched.set(incident, { ...change })
      return
    }
    if (RANK.indexOf(change.action) < RANK.indexOf(before.action)) {
      before.action = change.action
      before.actor = change.actor
      before.alert = change.alert ?? before.alert
    }
    before.material ||= change.material
    before.at = Math.max(before.at, change.at)
  }
}
