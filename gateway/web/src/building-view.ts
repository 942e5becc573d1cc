import type { Alert, AlertClass } from '../../../alerting/alert.ts'
import { systemClock } from '../../clock.ts'
import type { BuildingDetail, BuildingSummary, DeviceView, FloorView } from '../../live-state.ts'
import { alertItem } from './alert-item.ts'
import { learnDeviceLabel } from './alert-text.ts'
import { buildingDetail, listAlerts, Unauthorized } from './api.ts'
import { retryDelayMs, secondsUntil } from './backoff.ts'
import { applyDevice, floorRow } from './building-cells.ts'
import { h } from './dom.ts'
import { failureReason } from './failure.ts'
import { CLASS_KEY, clockTime, currentLocale, STATE_KEY, statusWord, t } from './i18n.ts'
import { renderUitds } from './uitd-section.ts'

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

/** One building: floors top to bottom with their devices, and its alerts with filters. */
export class BuildingView {
  private readonly cls = h('select', { name: 'class' })
  private readonly state = h('select', { name: 'state' })
  private readonly list = h('ol', { class: 'alert-list' })
  private readonly listNote = h('p', { class: 'load-note', hidden: '' })
  private readonly floors = h('div', { class: 'floors' })
  private readonly title = h('h2', { tabindex: '-1' })
  private readonly uitds = h('div', { class: 'uitds' })
  private readonly note = h('p', { class: 'load-note', role: 'status' })
  /** Device id → its cell, so that a frame finds its cells without searching the page. */
  private readonly cells = new Map<string, HTMLElement>()
  private requests = 0
  private retry: { timer: number; tick: number } | null = null
  private attempts = 0
  private closed = false

  constructor(
    root: HTMLElement,
    readonly id: string,
    summary: BuildingSummary | undefined,
    back: () => void,
    private readonly openDevice: (device: string) => void,
    private readonly unauthorized: () => void,
  ) {
    const backButton = h('button', { type: 'button', class: 'back' }, t('building.back'))
    backButton.addEventListener('click', back)
    // One listener for every cell: cells are redrawn in place by device frames.
    this.floors.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('.cell')
      if (cell?.dataset.device) this.openDevice(cell.dataset.device)
    })
    const alerts = this.alertsAside()
    const head = h('div', { class: 'building-head' }, backButton, this.title, this.uitds, this.note)
    root.replaceChildren(head, this.floors, alerts)
    // Known from the wall at once: the name and status never wait for the network.
    if (summary) this.drawTitle(summary)
    const remembered = lastDetail.get(id)
    if (remembered) this.drawDetail(remembered.detail, remembered.at)
    else this.note.textContent = t('building.loading')
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
    return h('aside', { class: 'alerts' }, heading, filters, this.listNote, this.list)
  }

  /** The heading, so that focus follows the reader into the building (keyboard, screen reader). */
  focus(): void {
    this.title.focus()
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
    } catch (err) {
      if (err instanceof Unauthorized) return this.unauthorized()
      if (!this.closed) this.retryLater(err)
    }
  }

  /** The wall's summary changed (a frame): the heading follows at once. */
  summaryChanged(summary: BuildingSummary): void {
    this.drawTitle(summary)
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
    this.drawTitle(detail)
    // Drawn from memory: the newest device views the frames brought since it was read.
    const fresh = (d: DeviceView) => newestDevice.get(d.id) ?? d
    const floors = floorsWithDevices(detail).map((f) => ({
      ...f,
      zones: f.zones.map((z) => ({ ...z, devices: z.devices.map(fresh) })),
    }))
    this.floors.replaceChildren(...floors.map(floorRow))
    this.cells.clear()
    for (const cell of this.floors.querySelectorAll<HTMLElement>('.cell'))
      this.cells.set(cell.dataset.device!, cell)
    this.note.textContent =
      rememberedAt === null ? '' : t('building.lastKnown', { time: clockTime(rememberedAt) })
    this.floors.dataset.loaded = rememberedAt === null ? 'fresh' : 'remembered'
  }

  /**
   * An alert still in the same state keeps its element: a note being typed, or a resolve form
   * half filled in (or its error and Retry), survive the refreshes other alerts cause.
   */
  private drawAlerts(alerts: Alert[]): void {
    const kept = new Map<string, HTMLElement>()
    for (const el of this.list.querySelectorAll<HTMLElement>(':scope > li[data-key]'))
      kept.set(el.dataset.key!, el)
    const items = alerts.map((a) => {
      const key = `${a.id}|${a.state}|${currentLocale()}`
      const item = kept.get(key) ?? alertItem(a, () => void this.refreshAlerts())
      item.dataset.key = key
      return item
    })
    if (items.length === 0) items.push(h('li', { class: 'empty' }, t('alerts.none')))
    const same =
      items.length === this.list.children.length && items.every((el, i) => this.list.children[i] === el)
    if (!same) this.list.replaceChildren(...items)
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
