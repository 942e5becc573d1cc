import type { Alert, AlertClass, AlertState, AlertTransition } from '../alerting/alert.ts'
import type { WindowJson } from '../alerting/windows/window.ts'
import type { PanelBits, PanelStatus } from '../ingest/panel/panel-status.ts'
import type { DeviceStatus, Reading } from '../ingest/reading.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { Building, Device } from '../ingest/site-schema.ts'
import type { UitdBadge } from './uitd-view.ts'

/** Wall colours (DESIGN.md "Signal classes"), worst last so that a larger rank wins. */
export const WALL_STATUSES = ['green', 'grey', 'yellow', 'red'] as const
export type WallStatus = (typeof WALL_STATUSES)[number]

const RANK: Record<WallStatus, number> = { green: 0, grey: 1, yellow: 2, red: 3 }
const CLASS_STATUS: Record<AlertClass, WallStatus> = {
  fire: 'red',
  warning: 'yellow',
  supervisory: 'yellow',
  fault: 'yellow',
  offline: 'grey',
}

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
  /** Gateway receipt time of the last reading or `online` status, epoch ms. */
  lastSeenAt: number | null
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
  /** Active alerts of the building, including building-level ones. */
  alerts: number
}

export interface BuildingSummary {
  id: string
  name: string
  status: WallStatus
  counts: BuildingCounts
  /** Test / maintenance windows in force (issue 7); absent while no fire layer sets `windowsOf`. */
  windows?: WindowJson[]
  /** The heightened watch on now (alerting/schedules), or null. */
  watch: BuildingWatch | null
  /** The building's fire panel links (GB/T 26875.3 UITDs); absent when the site has none. */
  uitds?: UitdBadge[]
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

interface DeviceEntry {
  device: Device
  latest: Map<string, LatestValue>
  online: boolean | null
  lastSeenAt: number | null
  alerts: Map<string, ActiveAlertRef>
  /** Panel components: the bits set in the latest report. */
  panelState: (keyof PanelBits)[] | null
}

/** 12F above ground, B1 for the first basement. */
export function floorLabel(floor: number): string {
  return floor < 0 ? `B${-floor}` : `${floor}F`
}

export function statusOfAlerts(alerts: Iterable<ActiveAlertRef>, disabled: boolean): WallStatus {
  let worst: WallStatus = disabled ? 'grey' : 'green'
  for (const a of alerts) {
    const s = CLASS_STATUS[a.class]
    if (RANK[s] > RANK[worst]) worst = s
  }
  return worst
}

/**
 * The latest value of every device metric plus the active alerts per device: what the wall and the
 * buildings API show. Fed by the ingest pipeline (readings, presence) and by alert transitions.
 */
export class LiveState {
  private readonly entries = new Map<string, DeviceEntry>()
  private readonly byBuilding = new Map<string, DeviceEntry[]>()
  /** Alerts whose device is not a device of the site (e.g. a building-wide condition). */
  private readonly buildingAlerts = new Map<string, Map<string, ActiveAlertRef>>()

  /** Set by the scheduled work (gateway/schedule-wiring.ts); no watch until then. */
  watchOf: (building: string) => BuildingWatch | null = () => null
  /** Set by the fire layer (gateway/gateway.ts): the windows in force, shown on tiles and in the API. */
  windowsOf: ((building: string) => WindowJson[]) | null = null
  /** Set by the UITD receiver (gateway/uitd-wiring.ts): the building's fire panel links. */
  uitdsOf: ((building: string) => UitdBadge[]) | null = null

  constructor(
    private readonly site: SiteModel,
    active: Alert[],
  ) {
    for (const b of site.buildings) {
      this.byBuilding.set(b.id, [])
      this.buildingAlerts.set(b.id, new Map())
    }
    for (const device of site.devices) {
      const entry: DeviceEntry = {
        device,
        latest: new Map(),
        online: null,
        lastSeenAt: null,
        alerts: new Map(),
        panelState: null,
      }
      this.entries.set(device.id, entry)
      this.byBuilding.get(device.building)?.push(entry)
    }
    for (const alert of active) this.track(alert)
  }

  /** Hot path (every accepted reading): two map lookups and, after the first reading, no allocation. */
  readingAccepted(r: Reading): void {
    const entry = this.entries.get(r.device)
    if (!entry) return
    const slot = entry.latest.get(r.metric)
    if (slot === undefined) entry.latest.set(r.metric, { value: r.value, ts: r.ts })
    else if (r.ts >= slot.ts) {
      // A late (replayed or spooled) reading must not overwrite a newer value.
      slot.value = r.value
      slot.ts = r.ts
    }
    entry.online = true
    if (entry.lastSeenAt === null || r.receivedAt > entry.lastSeenAt) entry.lastSeenAt = r.receivedAt
  }

  alertChanged(t: AlertTransition): void {
    this.track(t.alert)
  }

  deviceStatus(s: DeviceStatus): void {
    const entry = this.entries.get(s.device)
    if (!entry) return
    entry.online = s.status === 'online'
    if (entry.online && (entry.lastSeenAt === null || s.at > entry.lastSeenAt)) entry.lastSeenAt = s.at
  }

  /** A panel component's report: its bits (a disabled one turns grey). True when it is a site device. */
  panelStatus(s: PanelStatus): boolean {
    const entry = s.declared ? this.entries.get(s.device) : undefined
    if (!entry) return false
    entry.panelState = (Object.keys(s.bits) as (keyof PanelBits)[]).filter((b) => s.bits[b])
    entry.online = true
    if (entry.lastSeenAt === null || s.receivedAt > entry.lastSeenAt) entry.lastSeenAt = s.receivedAt
    return true
  }

  siteInfo(): SiteInfo {
    return { name: this.site.name, timezone: this.site.timezone, locale: this.site.locale }
  }

  buildingSummaries(scope: ReadonlySet<string> | null): BuildingSummary[] {
    return this.site.buildings.filter((b) => scope === null || scope.has(b.id)).map((b) => this.summary(b))
  }

  buildingDetail(id: string): BuildingDetail | undefined {
    const building = this.site.building(id)
    if (!building) return undefined
    const byFloor = new Map<number, Map<string, DeviceView[]>>()
    for (const entry of this.byBuilding.get(id) ?? []) {
      const view = this.view(entry)
      const zones = byFloor.get(view.floor) ?? new Map<string, DeviceView[]>()
      byFloor.set(view.floor, zones)
      const devices = zones.get(view.zone) ?? []
      zones.set(view.zone, devices)
      devices.push(view)
    }
    const floors: FloorView[] = floorsTopDown(building).map((floor) => ({
      floor,
      label: floorLabel(floor),
      zones: [...(byFloor.get(floor) ?? new Map<string, DeviceView[]>())].map(([zone, devices]) => ({
        zone,
        devices,
      })),
    }))
    return { ...this.summary(building), floors }
  }

  device(id: string): DeviceView | undefined {
    const entry = this.entries.get(id)
    return entry ? this.view(entry) : undefined
  }

  private track(alert: Alert): void {
    const entry = alert.device === null ? undefined : this.entries.get(alert.device)
    const alerts = entry?.alerts ?? this.buildingAlerts.get(alert.building)
    // An alert of a building not in the site has nowhere to show; the alerts API still lists it.
    if (!alerts) return
    if (alert.state === 'resolved') alerts.delete(alert.id)
    else alerts.set(alert.id, { id: alert.id, class: alert.class, rule: alert.rule, state: alert.state })
  }

  private summary(b: Building): BuildingSummary {
    const counts: BuildingCounts = { red: 0, yellow: 0, grey: 0, green: 0, alerts: 0 }
    const own = this.buildingAlerts.get(b.id) ?? new Map<string, ActiveAlertRef>()
    let worst = statusOfAlerts(own.values(), false)
    counts.alerts = own.size
    for (const entry of this.byBuilding.get(b.id) ?? []) {
      const s = statusOfAlerts(entry.alerts.values(), disabledNow(entry))
      counts[s]++
      counts.alerts += entry.alerts.size
      if (RANK[s] > RANK[worst]) worst = s
    }
    const summary: BuildingSummary = {
      id: b.id,
      name: b.name,
      status: worst,
      counts,
      watch: this.watchOf(b.id),
    }
    if (this.windowsOf) summary.windows = this.windowsOf(b.id)
    const uitds = this.uitdsOf?.(b.id) ?? []
    if (uitds.length > 0) summary.uitds = uitds
    return summary
  }

  private view(entry: DeviceEntry): DeviceView {
    const d = entry.device
    const disabled = disabledNow(entry)
    return {
      id: d.id,
      building: d.building,
      kind: d.kind,
      label: d.label,
      zone: d.zone,
      floor: d.floor,
      status: statusOfAlerts(entry.alerts.values(), disabled),
      disabled,
      ...(d.kind === 'panel_component'
        ? { panel: { component: d.component, uitd: d.panel.uitd, state: entry.panelState ?? [] } }
        : {}),
      online: entry.online,
      lastSeenAt: entry.lastSeenAt,
      latest: Object.fromEntries([...entry.latest].map(([m, v]) => [m, { value: v.value, ts: v.ts }])),
      activeAlerts: [...entry.alerts.values()].map((a) => ({ ...a })),
    }
  }
}

/** Top floor first, down to the lowest basement: the order of the building itself. */
function floorsTopDown(b: Building): number[] {
  const floors: number[] = []
  for (let f = b.floors; f >= 1; f--) floors.push(f)
  for (let f = -1; f >= -b.basements; f--) floors.push(f)
  return floors
}

/** Disabled in the site file, or at its fire panel (屏蔽) by its latest report. */
function disabledNow(entry: DeviceEntry): boolean {
  return entry.device.disabled || (entry.panelState?.includes('disabled') ?? false)
}
