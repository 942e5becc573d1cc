import type { AlertClass, AlertState } from '../../alerting/alert.ts'
import type { WindowJson } from '../../alerting/windows/window.ts'
import type { PanelBits } from '../../ingest/panel/panel-status.ts'
import type { Device } from '../../ingest/site/site-schema.ts'
import type { UitdBadge } from '../uitd-view.ts'
import type { WallStatus } from './live-status.ts'

// What the wall and the buildings API show (gateway/live/live-state.ts keeps it current).

export interface ActiveAlertRef {
  id: string
  class: AlertClass
  rule: string
  state: AlertState
}

export interface LatestValue {
  value: number
  /** Measurement time, epoch ms. */
  ts: number
}

export interface DeviceView {
  id: string
  building: string
  kind: Device['kind']
  label: string
  zone: string
  floor: number
  status: WallStatus
  /** Disabled in the site file, or (a panel component) disabled at its panel (屏蔽). */
  disabled: boolean
  /** A fire panel's component: what it is, its UITD and the status bits set in its latest report. */
  panel?: PanelView
  /** null until the gateway has heard from the device (status topic, connection or reading). */
  online: boolean | null
  /** Gateway receipt time of the last reading, event or `online` status, epoch ms. */
  lastSeenAt: number | null
  /**
   * How long the device may stay silent (heartbeatSec x offlineAfterMissed of the site file); with
   * no alert, a device not heard from within it is `unknown`, never green. 0 for a panel component:
   * it reports only changes, and its UITD's link vouches for it (green while the UITD is heard).
   */
  silenceAllowedMs: number
  latest: Record<string, LatestValue>
  activeAlerts: ActiveAlertRef[]
}

export interface PanelView {
  component: string
  uitd: string
  /** Set bits of the latest report (fire, fault, disabled, ...); [] before any. */
  state: (keyof PanelBits)[]
}

export interface BuildingCounts {
  red: number
  yellow: number
  grey: number
  green: number
  /** Devices with no recent word (never heard, or silent past their heartbeat). */
  unknown: number
  /** Active alerts of the building, including building-level ones. */
  alerts: number
}

export interface BuildingSummary {
  id: string
  name: string
  status: WallStatus
  counts: BuildingCounts
  /** Test / maintenance windows in force (docs/rules.md); absent while no fire layer sets `windowsOf`. */
  windows?: WindowJson[]
  /** The heightened watch on now (alerting/schedules), or null. */
  watch: BuildingWatch | null
  /** The risk grade (register/), absent while no register sets `riskOf`; null before the first. */
  risk?: BuildingRisk | null
  /** The building's fire panel links (GB/T 26875.3 UITDs); absent when the site has none. */
  uitds?: UitdBadge[]
}

/** A building's risk grade (绿 灰 黄 红), shown as a badge apart from the live status colour. */
export interface BuildingRisk {
  grade: 'green' | 'grey' | 'yellow' | 'red'
  score: number
  at: string
}

/** The active heightened watch of a building, as the wall and GET /api/v1/buildings show it. */
export interface BuildingWatch {
  /** Ids and names of the watches on now (several may overlap). */
  ids: string[]
  names: string[]
  since: string
  until: string
}

export interface FloorView {
  floor: number
  label: string
  zones: { zone: string; devices: DeviceView[] }[]
}

/** What the wall needs of the site itself: times are shown in the site's zone, not the browser's. */
export interface SiteInfo {
  name: string
  /** IANA zone of the site file, e.g. Asia/Shanghai. */
  timezone: string
  /** The site's default language (site file `site.locale`); the wall follows the browser's. */
  locale: string
}

export interface BuildingDetail extends BuildingSummary {
  floors: FloorView[]
}
