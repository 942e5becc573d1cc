import type { Alert, AlertClass } from '../../../alerting/alert.ts'
import { systemClock } from '../../clock.ts'
import type { BuildingDetail, BuildingSummary, DeviceView, FloorView } from '../../live/live-state.ts'
import { learnDeviceLabel } from './alert-text.ts'
import { buildingDetail, listAlerts, Unauthorized } from './api.ts'
import { retryDelayMs, secondsUntil } from './backoff.ts'
import { BuildingAlertList } from './building-alert-list.ts'
import { applyDevice, floorRow } from './building-cells.ts'
import { h } from './dom.ts'
import { failureReason } from './failure.ts'
import { FireFloors } from './fire-floors.ts'
import { CLASS_KEY, clockTime, STATE_KEY, statusWord, t } from './i18n.ts'
import { renderUitds } from './uitd-section.ts'
import type { WallStore } from './wall-store.ts'
import { WindowPanel } from './window-panel.ts'

const CLASSES: (AlertClass | '')[] = ['', 'fire', 'warning', 'supervisory', 'fault', 'offline']
const STATES = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const

/**
 * What this page last read of each building and the newest view of each device since: a building
 * opened while the gateway cannot be reached shows these (marked stale by the page), never a blank.
 */
const lastDetail = new Map<string, { detail: BuildingDetail; at: number }>()
const lastAlerts = new Map<string, Alert[]>()
const newestDevice = new Map<string, DeviceView>()

/** Keeps the newest view of every device the frames carry, for buildings drawn from memory. */
export function rememberDevices(devices: Iterable<DeviceView>): void {
  for (const d of devices) newestDevice.set(d.id, d)
}

export interface BuildingViewDeps {
  store: WallStore
  back: () => void
  openDevice: (device: string) => void
  unauthorized: () => void
}

/**
 * One building: floors top to bottom with their devices (the fire's floors marked and scrolled
 * to), its test windows, and its alerts by incident in the order to act in, with filters.
 */
export class BuildingView {
  private readonly cls = h('select', { name: 'class' })
  private readonly state = h('select', { name: 'state' })
  private readonly list = new BuildingAlertList(() => void this.refreshAlerts())
  private readonly listNote = h('p', { class: 'load-note', hidden: '' })
  private readonly floors = h('div', { class: 'floors' })
  private readonly fire = new FireFloors(this.floors)
  private readonly windows: WindowPanel
  private readonly store: WallStore
  private shownAlerts: Alert[] | null = null
  /** Whether the fire's floor was brought into view after the first full load. */
  private revealed = false
  private readonly title = h('h2', { tabindex: '-1' })
  private readonly uitds = h('div', { class: 'uitds' })
  private readonly note = h('p', { class: 'load-note', role: 'status' })
  /** Device id → its cell, so that a frame finds its cells without searching the page. */
  private readonly cells = new Map<string, HTMLElement>()
  private requests = 0
  private retry: { timer: number; tick: number } | null = null
  private attempts = 0
  private closed = false

  private readonly unauthorized: () => void

  constructor(
    root: HTMLElement,
    readonly id: string,
    deps: BuildingViewDeps,
  ) {
    this.store = deps.store
    this.unauthorized = deps.unauthorized
    this.windows = new WindowPanel(id)
    const backButton = h('button', { type: 'button', class: 'back' }, t('building.back'))
    backButton.addEventListener('click', deps.back)
    // One listener for every cell: cells are redrawn in place by device frames.
    this.floors.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('.cell')
      if (cell?.dataset.device) deps.openDevice(cell.dataset.device)
    })
    const alerts = this.alertsAside()
    const head = h(
      'div',
      { class: 'building-head' },
      backButton,
      this.title,
      this.uitds,
      this.note,
      this.fire.path,
    )
    root.replaceChildren(head, this.floors, alerts)
    // Known from the wall at once: the name, status, fire floors and windows never wait for the network.
    const summary = this.store.buildings.get(id)
    if (summary) this.summaryChanged(summary)
    const remembered = lastDetail.get(id)
    if (remembered) this.drawDetail(remembered.detail, remembered.at)
    else this.note.textContent = t('building.loading')
    this.incidentsChanged()
    const alertsSeen = lastAlerts.get(id)
    if (alertsSeen) this.drawAlerts(alertsSeen)
  }

  /** The building's alerts, with their class and state filters. */
  private alertsAside(): HTMLElement {
    for (const c of CLASSES)
      this.cls.append(h('option', { value: c }, c === '' ? t('filter.allClasses') : t(CLASS_KEY[c])))
    for (const s of STATES) this.state.append(h('option', { value: s }, t(STATE_KEY[s])))
    for (const s of [this.cls, this.state]) s.addEventListener('change', () => void this.refreshAlerts())
    const filters = h(
      'div',
      { class: 'filters' },
      label(t('filter.class'), this.cls),
      label(t('filter.state'), this.state),
    )
    const heading = h('h3', {}, t('building.alerts'))
    return h('aside', { class: 'alerts' }, this.windows.el, heading, filters, this.listNote, this.list.el)
  }

  /** The heading, so that focus follows the reader into the building (keyboard, screen reader). */
  focus(): void {
    this.title.focus()
    // Focus scrolled to the heading; the fire's floor is what the eye must land on.
    this.fire.reveal()
  }

  close(): void {
    this.closed = true
    this.stopRetry()
  }

  /** Reads the building and its alerts; on failure keeps what is shown and tries again later. */
  async load(): Promise<void> {
    this.stopRetry()
    try {
      const detail = await buildingDetail(this.id)
      if (this.closed) return
      const at = systemClock.now()
      lastDetail.set(this.id, { detail, at })
      for (const d of detail.floors.flatMap((f) => f.zones).flatMap((z) => z.devices)) {
        learnDeviceLabel(d.id, d.label)
        newestDevice.set(d.id, d)
      }
      this.drawDetail(detail, null)
      this.attempts = 0
      await this.refreshAlerts()
      // On a phone the alerts stand above the floors: the list just drawn pushed the fire's floor
      // down, out of the view it was scrolled into. Once, as the building opens.
      if (!this.revealed) this.fire.reveal()
      this.revealed = true
      // Read in full and laid out: what the tests (and their screenshots) wait for.
      this.list.el.dataset.loaded = 'fresh'
    } catch (err) {
      if (err instanceof Unauthorized) return this.unauthorized()
      if (!this.closed) this.retryLater(err)
    }
  }

  /** The wall's summary changed (a frame): the heading and the windows in force follow at once. */
  summaryChanged(summary: BuildingSummary): void {
    this.drawTitle(summary)
    this.windows.fromSummary(summary.windows)
  }

  /** Incidents changed: the fire's floors now, and the list regrouped before its refetch lands. */
  incidentsChanged(): void {
    this.fire.set(this.store.incidentsOf(this.id).filter((i) => i.class === 'fire'))
    if (this.shownAlerts) this.drawAlerts(this.shownAlerts)
  }

  /** A devices frame: recolour the cells in place (no re-layout under the user's finger). */
  devicesChanged(devices: Iterable<DeviceView>): void {
    for (const d of devices) {
      if (d.building !== this.id) continue
      const cell = this.cells.get(d.id)
      if (cell) applyDevice(cell, d)
    }
  }

  async refreshAlerts(): Promise<void> {
    // Refreshes overlap (a burst of transitions): only the newest request may draw the list.
    const request = ++this.requests
    const query = { building: this.id, state: this.state.value, class: this.cls.value }
    try {
      const alerts = await listAlerts(query)
      if (request !== this.requests) return
      if (query.state === 'active' && query.class === '') lastAlerts.set(this.id, alerts)
      this.listNote.hidden = true
      this.drawAlerts(alerts)
    } catch (err) {
      if (err instanceof Unauthorized) return this.unauthorized()
      if (request !== this.requests) return
      this.listNote.textContent = t('alerts.loadFailed', { reason: failureReason(err) })
      this.listNote.hidden = false
    }
  }

  private drawTitle(s: BuildingSummary): void {
    this.title.textContent = `${s.name} — ${statusWord(s.status)}`
    this.title.className = `status-${s.status}`
    this.title.dataset.status = s.status
    renderUitds(this.uitds, s.uitds)
  }

  private drawDetail(detail: BuildingDetail, rememberedAt: number | null): void {
    this.summaryChanged(detail)
    // Drawn from memory: the newest device views the frames brought since it was read.
    const fresh = (d: DeviceView) => newestDevice.get(d.id) ?? d
    const floors = floorsWithDevices(detail).map((f) => ({
      ...f,
      zones: f.zones.map((z) => ({ ...z, devices: z.devices.map(fresh) })),
    }))
    this.floors.replaceChildren(...floors.map(floorRow))
    this.fire.apply()
    this.cells.clear()
    for (const cell of this.floors.querySelectorAll<HTMLElement>('.cell'))
      this.cells.set(cell.dataset.device!, cell)
    this.note.textContent =
      rememberedAt === null ? '' : t('building.lastKnown', { time: clockTime(rememberedAt) })
    this.floors.dataset.loaded = rememberedAt === null ? 'fresh' : 'remembered'
  }

  private drawAlerts(alerts: Alert[]): void {
    this.shownAlerts = alerts
    this.list.draw(alerts, this.store.incidents)
  }

  /** Back-off as for the live stream; the note counts down, so the wait is never a mystery. */
  private retryLater(err: unknown): void {
    const reason = failureReason(err)
    const at = systemClock.now() + retryDelayMs(++this.attempts)
    const show = (): void => {
      const n = secondsUntil(at, systemClock.now())
      this.note.textContent = t('building.loadFailed', { reason, n })
    }
    show()
    this.note.dataset.failed = 'true'
    const tick = window.setInterval(show, 1000)
    const timer = window.setTimeout(() => void this.load(), at - systemClock.now())
    this.retry = { timer, tick }
  }

  private stopRetry(): void {
    if (!this.retry) return
    window.clearTimeout(this.retry.timer)
    window.clearInterval(this.retry.tick)
    this.retry = null
    delete this.note.dataset.failed
  }
}

/** Floors without devices are left out: a 32-storey tower would otherwise be mostly empty rows. */
function floorsWithDevices(d: BuildingDetail): FloorView[] {
  return d.floors.filter((f) => f.zones.some((z) => z.devices.length > 0))
}

function label(text: string, control: HTMLElement): HTMLElement {
  return h('label', {}, `${text} `, control)
}
