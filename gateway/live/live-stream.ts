import type { Alert, AlertTransition } from '../../alerting/alert.ts'
import type { Incident, IncidentTransition } from '../../alerting/incidents/incident.ts'
import type { BuildingSummary, DeviceView, LiveState, SiteInfo } from './live-state.ts'

export type { SiteInfo }

/** One Server-Sent Event, before framing. `id` only on events a client may resume after. */
export interface LiveEvent {
  event: 'snapshot' | 'alert' | 'incident' | 'devices'
  id?: number
  data: unknown
}

export interface LiveSubscriber {
  /** null: every building (brigade, admin); otherwise only these. */
  scope: ReadonlySet<string> | null
  send(event: LiveEvent): void
}

export interface LiveStreamOptions {
  live: LiveState
  /** The active alerts, for snapshots. */
  activeAlerts: () => Alert[]
  /** The active incidents, for snapshots. */
  activeIncidents?: () => Incident[]
  clock: { now(): number }
  /** Transitions kept for resuming clients (docs/protocol.md, "The live stream": the last 10,000). */
  replayLimit?: number
  /** Device frames are batched: at most one per interval, 100 ms = 10 frames per second. */
  frameMs?: number
  /** How often devices are checked for going silent (turning `unknown` with no message at all). */
  sweepMs?: number
}

type LogEntry =
  | { id: number; building: string; event: 'alert'; data: AlertEventData }
  | { id: number; building: string; event: 'incident'; data: IncidentEventData }

export interface IncidentEventData {
  action: IncidentTransition['action']
  actor: string
  at: number
  incident: Incident
}

export interface AlertEventData {
  action: AlertTransition['action']
  actor: string
  at: number
  alert: Alert
}

export interface DevicesEventData {
  devices: DeviceView[]
  buildings: BuildingSummary[]
}

export interface SnapshotEventData {
  buildings: BuildingSummary[]
  alerts: Alert[]
  /** Open and acknowledged incidents. */
  incidents: Incident[]
  /**
   * The devices the active alerts name, so that the wall can say which device an incident began
   * at (its label) without a request per building; later changes come in device frames.
   */
  devices: DeviceView[]
  /** For the wall's clock: name, IANA time zone and default locale of the site. */
  site: SiteInfo
}

/**
 * The wall's live feed: a snapshot, then every alert transition (numbered, kept in a bounded replay
 * log so that a reconnecting client misses none) and batched device changes (not numbered: the next
 * snapshot or frame carries the current state anyway).
 */
export class LiveStream {
  private readonly subscribers = new Set<LiveSubscriber>()
  private readonly log: LogEntry[] = []
  private readonly dirty = new Set<string>()
  /** Buildings whose summary changed with no device of theirs (a heightened watch began or ended). */
  private readonly dirtyBuildings = new Set<string>()
  private readonly replayLimit: number
  private readonly frameMs: number
  /**
   * Starts at the boot time in ms, so ids keep increasing across restarts in practice and an id
   * from before a restart is older than the log: that client gets a fresh snapshot.
   */
  private lastId: number
  private timer: ReturnType<typeof setTimeout> | null = null
  private sweeper: ReturnType<typeof setInterval> | null = null

  constructor(private readonly options: LiveStreamOptions) {
    this.replayLimit = options.replayLimit ?? 10_000
    this.frameMs = options.frameMs ?? 100
    this.lastId = options.clock.now()
  }

  /**
   * A device that stops reporting sends nothing: once its silence passes what its heartbeat allows,
   * its status turns `unknown` and the next frame must say so. Started with the first subscriber.
   */
  private startSweeping(): void {
    if (this.sweeper !== null) return
    // What is in force now is what the first snapshot carried: only later changes make frames.
    this.options.live.windowChanges()
    this.sweeper = setInterval(() => {
      for (const id of this.options.live.freshnessChanges()) this.deviceChanged(id)
      for (const b of this.options.live.windowChanges()) this.buildingChanged(b)
    }, this.options.sweepMs ?? 1000)
    this.sweeper.unref?.()
  }

  alertChanged(t: AlertTransition): void {
    const data = { action: t.action, actor: t.actor, at: t.at, alert: t.alert }
    this.append({ id: ++this.lastId, building: t.alert.building, event: 'alert', data })
    // The alert changes the device's colour and the building's counts: the next frame carries them.
    if (t.alert.device !== null) this.deviceChanged(t.alert.device)
  }

  /** Incident transitions are numbered and replayed like alert transitions. */
  incidentChanged(t: IncidentTransition): void {
    const data = { action: t.action, actor: t.actor, at: t.at, incident: t.incident }
    this.append({ id: ++this.lastId, building: t.incident.building, event: 'incident', data })
  }

  private append(entry: LogEntry): void {
    this.log.push(entry)
    if (this.log.length > this.replayLimit) this.log.splice(0, this.log.length - this.replayLimit)
    for (const s of this.subscribers) {
      if (visible(s, entry.building)) s.send({ event: entry.event, id: entry.id, data: entry.data })
    }
  }

  /** Hot path (every reading): a set insertion; the frame is built at most every frameMs. */
  deviceChanged(deviceId: string): void {
    if (this.subscribers.size === 0) return
    this.dirty.add(deviceId)
    this.schedule()
  }

  /**
   * The building's summary changed though none of its devices did (a heightened watch began or
   * ended, a test window opened or closed): the next frame carries its summary, with no device rows.
   */
  buildingChanged(buildingId: string): void {
    if (this.subscribers.size === 0) return
    this.dirtyBuildings.add(buildingId)
    this.schedule()
  }

  private schedule(): void {
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.frameMs)
  }

  /**
   * Registers a client. With a `lastEventId` still in the log it gets the transitions after it;
   * otherwise (new client, id too old or unknown) a snapshot.
   */
  subscribe(subscriber: LiveSubscriber, lastEventId: number | null): () => void {
    const replay = lastEventId === null ? null : this.after(lastEventId)
    if (replay === null) subscriber.send(this.snapshot(subscriber.scope))
    else this.replay(subscriber, replay)
    this.subscribers.add(subscriber)
    this.startSweeping()
    return () => this.subscribers.delete(subscriber)
  }

  /**
   * The missed transitions, then one devices frame with the current colours and counts: the frames
   * sent while the client was away are not replayed, and a resolved fire must not stay red. Sent
   * even when no transition was missed: devices may have reported or fallen silent meanwhile.
   */
  private replay(subscriber: LiveSubscriber, entries: LogEntry[]): void {
    const devices = new Map<string, DeviceView>()
    for (const e of entries) {
      if (!visible(subscriber, e.building)) continue
      subscriber.send({ event: e.event, id: e.id, data: e.data })
      if (e.event !== 'alert') continue
      // Zone, floor and building alerts name no device.
      const device = e.data.alert.device
      const view = device === null ? undefined : this.options.live.device(device)
      if (view) devices.set(view.id, view)
    }
    const buildings = this.summaries(subscriber.scope)
    const data: DevicesEventData = { devices: [...devices.values()], buildings }
    subscriber.send({ event: 'devices', data })
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.sweeper) clearInterval(this.sweeper)
    this.timer = null
    this.sweeper = null
    this.subscribers.clear()
  }

  private summaries(scope: ReadonlySet<string> | null): BuildingSummary[] {
    return this.options.live.buildingSummaries(scope)
  }

  private snapshot(scope: ReadonlySet<string> | null): LiveEvent {
    const seen = (building: string) => scope === null || scope.has(building)
    const alerts = this.options.activeAlerts().filter((a) => seen(a.building))
    const incidents = (this.options.activeIncidents?.() ?? []).filter((i) => seen(i.building))
    const devices = new Map<string, DeviceView>()
    for (const a of alerts) {
      const view = a.device === null ? undefined : this.options.live.device(a.device)
      if (view) devices.set(view.id, view)
    }
    const data: SnapshotEventData = {
      buildings: this.summaries(scope),
      alerts,
      incidents,
      devices: [...devices.values()],
      site: this.options.live.siteInfo(),
    }
    // The snapshot's id is the last transition it already contains: resuming from it loses nothing.
    return { event: 'snapshot', id: this.lastId, data }
  }

  /** The log entries after `id`, or null when the client cannot be resumed from it. */
  private after(id: number): LogEntry[] | null {
    if (!Number.isSafeInteger(id) || id > this.lastId) return null
    if (id === this.lastId) return []
    const first = this.log[0]
    // The client missed transitions that have already left the log.
    if (first === undefined || id < first.id - 1) return null
    return this.log.slice(id - first.id + 1)
  }

  private flush(): void {
    this.timer = null
    const devices: DeviceView[] = []
    const touched = new Set<string>()
    for (const id of this.dirty) {
      const view = this.options.live.device(id)
      if (view) devices.push(view)
      if (view) touched.add(view.building)
    }
    this.dirty.clear()
    for (const b of this.dirtyBuildings) touched.add(b)
    this.dirtyBuildings.clear()
    if (touched.size === 0) return
    const buildings = this.summaries(touched)
    for (const s of this.subscribers) {
      const data: DevicesEventData = {
        devices: devices.filter((d) => visible(s, d.building)),
        buildings: buildings.filter((b) => visible(s, b.id)),
      }
      if (data.devices.length > 0 || data.buildings.length > 0) s.send({ event: 'devices', data })
    }
  }
}

function visible(s: LiveSubscriber, building: string): boolean {
  return s.scope === null || s.scope.has(building)
}

/** SSE framing (WHATWG HTML "server-sent events"): JSON has no raw newlines, so one data line. */
export function frameEvent(e: LiveEvent): string {
  const id = e.id === undefined ? '' : `id: ${e.id}\n`
  return `${id}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`
}
