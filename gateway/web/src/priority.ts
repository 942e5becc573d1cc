import type { AlertClass, AlertState } from '../../../alerting/alert.ts'

/** Most severe first, as a fire panel lists them. */
export const CLASS_ORDER: readonly AlertClass[] = ['fire', 'warning', 'supervisory', 'fault', 'offline']

/** What an alert and an incident share, and all the order needs. */
export interface Ranked {
  id: string
  class: AlertClass
  state: AlertState
  openedAt: string
}

const STATE_ORDER: Record<AlertState, number> = { open: 0, acknowledged: 1, resolved: 2 }

/**
 * The order to act in: an unacknowledged fire before anything else; then by class, most severe
 * first; within a class the unacknowledged before the acknowledged, each oldest first (whoever
 * has waited longest). Not by time alone: a new fire must not sink under an hour of offline noise.
 */
export function byPriority(a: Ranked, b: Ranked): number {
  return (
    unacknowledgedFire(b) - unacknowledgedFire(a) ||
    CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class) ||
    STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
    a.openedAt.localeCompare(b.openedAt) ||
    a.id.localeCompare(b.id)
  )
}

function unacknowledgedFire(x: Ranked): number {
  return x.class === 'fire' && x.state === 'open' ? 1 : 0
}
