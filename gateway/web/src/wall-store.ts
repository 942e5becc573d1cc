import type { Alert } from '../../../alerting/alert.ts'
import type { Incident } from '../../../alerting/incidents/incident.ts'
import type { BuildingSummary, DeviceView } from '../../live/live-state.ts'
import { STATUS_RANK } from '../../live/live-status.ts'
import type {
  AlertEventData,
  DevicesEventData,
  IncidentEventData,
  SiteInfo,
  SnapshotEventData,
} from '../../live/live-stream.ts'
import { learnBuildingName, learnDeviceLabel } from './alert-text.ts'
import { byPriority } from './priority.ts'

/** What changed since the views last drew: they redraw only that, once per animation frame. */
export interface Dirty {
  buildings: boolean
  /** Alerts or incidents changed. */
  alerts: boolean
  /** Latest view of each device changed since the last draw. */
  devices: Map<string, DeviceView>
  /** The building of each alert or incident transition since the last draw (its list is refetched). */
  alertBuildings: Set<string>
}

/**
 * What the wall knows: building summaries, active alerts and active incidents, kept current by
 * the live stream.
 */
export class WallStore {
  readonly buildings = new Map<string, BuildingSummary>()
  readonly alerts = new Map<string, Alert>()
  readonly incidents = new Map<string, Incident>()
  site: SiteInfo | null = null
  dirty: Dirty = emptyDirty()

  snapshot(data: SnapshotEventData): void {
    this.buildings.clear()
    for (const b of data.buildings) this.learn(b)
    this.alerts.clear()
    for (const a of data.alerts) this.alerts.set(a.id, a)
    this.incidents.clear()
    for (const i of data.incidents ?? []) this.incidents.set(i.id, i)
    for (const d of data.devices ?? []) learnDeviceLabel(d.id, d.label)
    if (data.site) this.site = data.site
    this.dirty.buildings = true
    this.dirty.alerts = true
  }

  alert({ alert }: AlertEventData): void {
    if (alert.state === 'resolved') this.alerts.delete(alert.id)
    else this.alerts.set(alert.id, alert)
    const b = this.buildings.get(alert.building)
    // A fire shows at once; the counts follow in the next devices frame (within 100 ms).
    if (b && alert.class === 'fire' && alert.state !== 'resolved') b.status = 'red'
    this.dirty.buildings = true
    this.dirty.alerts = true
    this.dirty.alertBuildings.add(alert.building)
  }

  /** A merged incident is over too: its situation goes on in the one it was merged into. */
  incident({ incident }: IncidentEventData): void {
    if (incident.state === 'resolved' || incident.mergedInto !== null) this.incidents.delete(incident.id)
    else this.incidents.set(incident.id, incident)
    this.dirty.buildings = true
    this.dirty.alerts = true
    this.dirty.alertBuildings.add(incident.building)
  }

  devices(data: DevicesEventData): void {
    for (const b of data.buildings) this.learn(b)
    for (const d of data.devices) {
      learnDeviceLabel(d.id, d.label)
      this.dirty.devices.set(d.id, d)
    }
    if (data.buildings.length > 0) this.dirty.buildings = true
  }

  /** Hands the changes to the views and starts collecting afresh. */
  takeDirty(): Dirty {
    const taken = this.dirty
    this.dirty = emptyDirty()
    return taken
  }

  /** Worst first, then by name: a fire is always top left. */
  sortedBuildings(): BuildingSummary[] {
    return [...this.buildings.values()].sort(
      (a, b) => (STATUS_RANK[b.status] ?? 0) - (STATUS_RANK[a.status] ?? 0) || a.name.localeCompare(b.name),
    )
  }

  /** Fire alarms nobody has acknowledged yet: what the sounder sounds for (a new one sounds again). */
  unacknowledgedFires(): Alert[] {
    return [...this.alerts.values()]
      .filter((a) => a.class === 'fire' && a.state === 'open')
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
  }

  /** Fire incidents nobody has acknowledged yet, oldest first: one banner each, pinned on top. */
  unacknowledgedFireIncidents(): Incident[] {
    return [...this.incidents.values()]
      .filter((i) => i.class === 'fire' && i.state === 'open')
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
  }

  /** Every active incident in the order to act in (priority.ts). */
  prioritisedIncidents(): Incident[] {
    return [...this.incidents.values()].sort(byPriority)
  }

  /** The active incidents of one building, in the order to act in. */
  incidentsOf(building: string): Incident[] {
    return this.prioritisedIncidents().filter((i) => i.building === building)
  }

  private learn(b: BuildingSummary): void {
    this.buildings.set(b.id, b)
    learnBuildingName(b.id, b.name)
  }

  buildingName(id: string): string {
    return this.buildings.get(id)?.name ?? id
  }
}

function emptyDirty(): Dirty {
  return { buildings: false, alerts: false, devices: new Map(), alertBuildings: new Set() }
}
