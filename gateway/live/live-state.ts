import type { Alert, AlertTransition } from '../../alerting/alert.ts'
import type { WindowJson } from '../../alerting/windows/window.ts'
import type { PanelBits, PanelStatus } from '../../ingest/panel/panel-status.ts'
import type { DeviceEvent, DeviceStatus, Reading } from '../../ingest/reading.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { Building, Device } from '../../ingest/site/site-schema.ts'
import type { UitdBadge } from '../uitd-view.ts'
import {
  deviceStatus,
  heardRecently,
  silenceAllowedMs,
  statusOfAlerts,
  type WallStatus,
  worseOf,
} from './live-status.ts'
import type {
  ActiveAlertRef,
  BuildingCounts,
  BuildingDetail,
  BuildingRisk,
  BuildingSummary,
  BuildingWatch,
  DeviceView,
  FloorView,
  LatestValue,
  SiteInfo,
} from './live-views.ts'

export { STATUS_RANK, statusOfAlerts, WALL_STATUSES, type WallStatus } from './live-status.ts'
export type {
  ActiveAlertRef,
  BuildingCounts,
  BuildingDetail,
  BuildingRisk,
  BuildingSummary,
  BuildingWatch,
  DeviceView,
  FloorView,
  LatestValue,
  PanelView,
  SiteInfo,
} from './live-views.ts'

interface DeviceEntry {
  device: Device
  latest: Map<string, LatestValue>
  online: boolean | null
  lastSeenAt: number | null
  silenceMs: number
  /** Whether the last frame showed the device as heard from: the sweep reports the changes. */
  shownHeard: boolean
  alerts: Map<string, ActiveAlertRef>
  /** Panel components: the bits set in the latest report. */
  panelState: (keyof PanelBits)[] | null
}

/** 12F above ground, B1 for the first basement. */
export function floorLabel(floor: number): string {
  return floor < 0 ? `B${-floor}` : `${floor}F`
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
  /** Per building, the windows in force as the last sweep saw them (ids), for `windowChanges`. */
  private readonly shownWindows = new Map<string, string>()

  /** Set by the scheduled work (gateway/schedule-wiring.ts); no watch until then. */
  watchOf: (building: string) => BuildingWatch | null = () => null
  /** Set by the fire layer (gateway/gateway.ts): the windows in force, shown on tiles and in the API. */
  windowsOf: ((building: string) => WindowJson[]) | null = null
  /** Set by the hazard register (gateway/register-wiring.ts): the risk grade badge of tiles. */
  riskOf: ((building: string) => BuildingRisk | null) | null = null
  /** Set by the UITD receiver (gateway/uitd-wiring.ts): the building's fire panel links. */
  uitdsOf: ((building: string) => UitdBadge[]) | null = null
  /** Set by the UITD receiver: whether a UITD is heard now (its components' word is current). */
  uitdHeard: (uitd: string) => boolean = () => false

  constructor(
    private readonly site: SiteModel,
    active: Alert[],
    /** Statuses age: a device heard 10 minutes ago with a 1-minute heartbeat is no longer green. */
    private readonly clock: { now(): number },
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
        silenceMs: silenceAllowedMs(device),
        shownHeard: false,
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
    this.seen(entry, r.receivedAt)
  }

  /** A device event (fire alarm, fault, test…) is a sign of life too, as for the offline rule. */
  eventAccepted(e: DeviceEvent): void {
    const entry = this.entries.get(e.device)
    if (entry) this.seen(entry, e.receivedAt)
  }

  /** A panel component's report: its bits (a disabled one turns grey). True when it is a site device. */
  panelStatus(s: PanelStatus): boolean {
    const entry = s.declared ? this.entries.get(s.device) : undefined
    if (!entry) return false
    entry.panelState = (Object.keys(s.bits) as (keyof PanelBits)[]).filter((b) => s.bits[b])
    this.seen(entry, s.receivedAt)
    return true
  }

  private seen(entry: DeviceEntry, at: number): void {
    entry.online = true
    entry.shownHeard = true
    if (entry.lastSeenAt === null || at > entry.lastSeenAt) entry.lastSeenAt = at
  }

  /**
   * Devices that went silent (or were heard again) since the last call: their status changed with
   * no message at all, so the live stream must be told. One pass over the site, run about once a
   * second (gateway/live/live-stream.ts).
   */
  freshnessChanges(): string[] {
    const now = this.clock.now()
    const changed: string[] = []
    for (const [id, entry] of this.entries) {
      const heard = this.heard(entry, now)
      if (heard === entry.shownHeard) continue
      entry.shownHeard = heard
      changed.push(id)
    }
    return changed
  }

  /**
   * Buildings whose windows in force changed since the last call: a window opened or closed through
   * the API, opened by a schedule, or run out. None of these is a device message, so the live
   * stream asks here, on its sweep, and sends those buildings' summaries (which carry `windows`).
   * The first call only takes note of what is in force.
   */
  windowChanges(): string[] {
    const windowsOf = this.windowsOf
    if (!windowsOf) return []
    const changed: string[] = []
    for (const b of this.site.buildings) {
      const ids = windowsOf(b.id)
        .map((w) => w.id)
        .join(',')
      const shown = this.shownWindows.get(b.id)
      if (shown === ids) continue
      if (shown !== undefined) changed.push(b.id)
      this.shownWindows.set(b.id, ids)
    }
    return changed
  }

  alertChanged(t: AlertTransition): void {
    this.track(t.alert)
  }

  deviceStatus(s: DeviceStatus): void {
    const entry = this.entries.get(s.device)
    if (!entry) return
    if (s.status === 'online') this.seen(entry, s.at)
    else entry.online = false
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
    const counts: BuildingCounts = { red: 0, yellow: 0, grey: 0, green: 0, unknown: 0, alerts: 0 }
    const own = this.buildingAlerts.get(b.id) ?? new Map<string, ActiveAlertRef>()
    const devices = this.byBuilding.get(b.id) ?? []
    // A building with nothing to report is not known to be normal either.
    let worst: WallStatus =
      devices.length === 0 && own.size === 0 ? 'unknown' : statusOfAlerts(own.values(), false)
    counts.alerts = own.size
    const now = this.clock.now()
    for (const entry of devices) {
      const s = this.statusOf(entry, now)
      counts[s]++
      counts.alerts += entry.alerts.size
      worst = worseOf(worst, s)
    }
    const summary: BuildingSummary = {
      id: b.id,
      name: b.name,
      status: worst,
      counts,
      watch: this.watchOf(b.id),
    }
    if (this.windowsOf) summary.windows = this.windowsOf(b.id)
    if (this.riskOf) summary.risk = this.riskOf(b.id)
    const uitds = this.uitdsOf?.(b.id) ?? []
    if (uitds.length > 0) summary.uitds = uitds
    return summary
  }

  private statusOf(entry: DeviceEntry, now: number): WallStatus {
    return deviceStatus(entry.alerts.values(), disabledNow(entry), this.heard(entry, now))
  }

  /** A sensor is heard while its last word is recent; a panel component while its UITD is heard. */
  private heard(entry: DeviceEntry, now: number): boolean {
    const d = entry.device
    if (d.kind === 'panel_component') return this.uitdHeard(d.panel.uitd)
    return heardRecently(entry, entry.silenceMs, now)
  }

  private view(entry: DeviceEntry): DeviceView {
    const d = entry.device
    return {
      id: d.id,
      building: d.building,
      kind: d.kind,
      label: d.label,
      zone: d.zone,
      floor: d.floor,
      status: this.statusOf(entry, this.clock.now()),
      disabled: disabledNow(entry),
      ...(d.kind === 'panel_component'
        ? { panel: { component: d.component, uitd: d.panel.uitd, state: entry.panelState ?? [] } }
        : {}),
      online: entry.online,
      lastSeenAt: entry.lastSeenAt,
      silenceAllowedMs: entry.silenceMs,
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
