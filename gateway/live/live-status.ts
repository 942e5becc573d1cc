import type { AlertClass } from '../../alerting/alert.ts'
import { DEFAULT_HEARTBEAT_SEC, DEFAULT_OFFLINE_AFTER_MISSED } from '../../alerting/rules/offline-watch.ts'
import type { Device } from '../../ingest/site/site-schema.ts'

/**
 * Wall statuses, least worrying first, so that a larger rank wins. `unknown`: the gateway has no
 * recent word from the device (never heard, silent for longer than its heartbeat allows, or it said
 * `offline` and the offline alert's grace has not run out yet). Unknown is never shown as normal: a
 * silent detector may be a burnt one. Grey (the offline alert, or a disabled device) ranks above it.
 */
export const WALL_STATUSES = ['green', 'unknown', 'grey', 'yellow', 'red'] as const
export type WallStatus = (typeof WALL_STATUSES)[number]

export const STATUS_RANK: Record<WallStatus, number> = { green: 0, unknown: 1, grey: 2, yellow: 3, red: 4 }

const CLASS_STATUS: Record<AlertClass, WallStatus> = {
  fire: 'red',
  warning: 'yellow',
  supervisory: 'yellow',
  fault: 'yellow',
  offline: 'grey',
}

export function worseOf(a: WallStatus, b: WallStatus): WallStatus {
  return STATUS_RANK[b] > STATUS_RANK[a] ? b : a
}

/** The colour of the alerts alone: green when there are none (the caller decides if that is known). */
export function statusOfAlerts(alerts: Iterable<{ class: AlertClass }>, disabled: boolean): WallStatus {
  let worst: WallStatus = disabled ? 'grey' : 'green'
  for (const a of alerts) worst = worseOf(worst, CLASS_STATUS[a.class])
  return worst
}

/**
 * How long a device may stay silent before the wall stops believing its last word: its heartbeat
 * times the missed heartbeats of the site file, the same defaults as the offline rule
 * (alerting/rules/offline-watch.ts), so the wall and the offline alert agree.
 */
export function silenceAllowedMs(d: Device): number {
  // A panel component reports only changes: its UITD's link says whether it is heard (live-state.ts).
  if (d.kind === 'panel_component') return 0
  return (
    (d.heartbeatSec ?? DEFAULT_HEARTBEAT_SEC) * (d.offlineAfterMissed ?? DEFAULT_OFFLINE_AFTER_MISSED) * 1000
  )
}

export interface Presence {
  /** null until heard from; false after an `offline` status. */
  online: boolean | null
  /** Gateway receipt time of the last sign of life, epoch ms. */
  lastSeenAt: number | null
}

/** True while the device's last sign of life is recent enough to vouch for a green. */
export function heardRecently(p: Presence, silenceMs: number, now: number): boolean {
  return p.online !== false && p.lastSeenAt !== null && now - p.lastSeenAt <= silenceMs
}

/** Alerts decide when there are any; with none, only a recently heard device is green. */
export function deviceStatus(
  alerts: Iterable<{ class: AlertClass }>,
  disabled: boolean,
  heard: boolean,
): WallStatus {
  const status = statusOfAlerts(alerts, disabled)
  return status === 'green' && !heard ? 'unknown' : status
}
