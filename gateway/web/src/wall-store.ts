import type { Alert } from '../../../alerting/alert.ts'
import type { BuildingSummary, DeviceView } from '../../live-state.ts'
import type { AlertEventData, DevicesEventData, SnapshotEventData } from '../../live-stream.ts'

const RANK: Record<string, number> = { red: 3, yellow: 2, grey: 1, green: 0 }

export interface StoreListener {
  buildingsChanged(): void
  alertsChanged(changed: Alert | null): void
  devicesChanged(devices: DeviceView[]): void
}

/** What the wall knows: building summaries and active alerts, kept current by the live stream. */
export class WallStore {
  readonly buildings = new Map<string, BuildingSummary>()
  readonly alerts = new Map<string, Alert>()

  constructor(private readonly listener: StoreListener) {}

  snapshot(data: SnapshotEventData): void {
    this.buildings.clear()
    for (const b of data.buildings) this.buildings.set(b.id, b)
    this.alerts.clear()
    for (const a of data.alerts) this.alerts.set(a.id, a)
    this.listener.buildingsChanged()
    this.listener.alertsChanged(null)
  }

  alert({ alert }: AlertEventData): void {
    if (alert.state === 'resolved') this.alerts.delete(alert.id)
    else this.alerts.set(alert.id, alert)
    const b = this.buildings.get(alert.building)
    // A fire shows at once; the counts follow in the next devices frame (within 100 ms).
    if (b && alert.class === 'fire' && alert.state !== 'resolved') b.status = 'red'
    this.listener.buildingsChanged()
    this.listener.alertsChanged(alert)
  }

  devices(data: DevicesEventData): void {
    for (const b of data.buildings) this.buildings.set(b.id, b)
    this.listener.buildingsChanged()
    this.listener.devicesChanged(data.devices)
  }

  /** Worst first, then by name: a fire is always top left. */
  sortedBuildings(): BuildingSummary[] {
    return [...this.buildings.values()].sort(
      (a, b) => (RANK[b.status] ?? 0) - (RANK[a.status] ?? 0) || a.name.localeCompare(b.name),
    )
  }

  /** Fire alarms nobody has acknowledged yet: pinned on top of every view. */
  unacknowledgedFires(): Alert[] {
    return [...this.alerts.values()]
      .filter((a) => a.class === 'fire' && a.state === 'open')
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt))
  }

  buildingName(id: string): string {
    return this.buildings.get(id)?.name ?? id
  }
}
