import { isoTime, isoTimeOrNull } from '../clock-iso.ts'

export const WINDOW_SOURCES = ['api', 'schedule', 'device'] as const
export type WindowSource = (typeof WINDOW_SOURCES)[number]

/**
 * A test or maintenance window: alerts raised inside it are recorded, tagged `test` and not
 * notified (docs/rules.md, "Test and maintenance windows"). Never open-ended: every window has an
 * end and closes by itself.
 * Times in epoch ms. floor / zone / device narrow it; null = the whole building (or floor, zone).
 */
export interface MaintenanceWindow {
  id: string
  building: string
  floor: number | null
  zone: string | null
  device: string | null
  reason: string
  source: WindowSource
  /** Token name (api), schedule id (schedule) or device id (device). */
  createdBy: string
  startsAt: number
  endsAt: number
  /** Closed early through the API; null otherwise. */
  closedAt: number | null
}

/** Where an alert or signal is. */
export interface Place {
  building: string
  floor: number
  zone: string
  /** null for zone, floor and building alerts. */
  device: string | null
}

/** True when the window is in force at `at` and covers the place. */
export function windowCovers(w: MaintenanceWindow, place: Place, at: number): boolean {
  if (at < w.startsAt || at >= effectiveEnd(w)) return false
  if (w.building !== place.building) return false
  if (w.floor !== null && w.floor !== place.floor) return false
  if (w.zone !== null && w.zone !== place.zone) return false
  return w.device === null || w.device === place.device
}

export function effectiveEnd(w: MaintenanceWindow): number {
  return w.closedAt === null ? w.endsAt : Math.min(w.endsAt, w.closedAt)
}

/** The JSON of the API and the wall: the window with ISO times and whether it is in force now. */
export type WindowJson = Omit<MaintenanceWindow, 'startsAt' | 'endsAt' | 'closedAt'> & {
  startsAt: string
  endsAt: string
  closedAt: string | null
  active: boolean
}

export function windowJson(w: MaintenanceWindow, now: number): WindowJson {
  return {
    ...w,
    startsAt: isoTime(w.startsAt),
    endsAt: isoTime(w.endsAt),
    closedAt: isoTimeOrNull(w.closedAt),
    active: now >= w.startsAt && now < effectiveEnd(w),
  }
}
