import type { Alert, AlertClass } from '../../../alerting/alert.ts'
import type { BuildingDetail, BuildingSummary, DeviceView, FloorView } from '../../live-state.ts'
import { alertText, learnDeviceLabel } from './alert-text.ts'
import { alertAction, buildingDetail, listAlerts } from './api.ts'
import { h } from './dom.ts'
import { CLASS_KEY, classWord, clockTime, floorName, STATE_KEY, statusWord, t } from './i18n.ts'
import { renderUitds } from './uitd-section.ts'
import { cellText, formatValue } from './values.ts'

const CLASSES: (AlertClass | '')[] = ['', 'fire', 'warning', 'supervisory', 'fault', 'offline']
const STATES = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const

/** One building: floors top to bottom with their devices, and its alerts with filters. */
export class BuildingView {
  private readonly cls = h('select', { name: 'class' })
  private readonly state = h('select', { name: 'state' })
  private readonly list = h('ol', { class: 'alert-list' })
  private readonly floors = h('div', { class: 'floors' })
  private readonly title = h('h2', {})
  private readonly uitds = h('div', { class: 'uitds' })
  /** Device id → its cell, so that a frame finds its cells without searching the page. */
  private readonly cells = new Map<string, HTMLElement>()
  private requests = 0

  constructor(
    root: HTMLElement,
    readonly id: string,
    back: () => void,
    private readonly openDevice: (device: string) => void,
  ) {
    for (const c of CLASSES)
      this.cls.append(h('option', { value: c }, c === '' ? t('filter.allClasses') : t(CLASS_KEY[c])))
    for (const s of STATES) this.state.append(h('option', { value: s }, t(STATE_KEY[s])))
    const backButton = h('button', { type: 'button', class: 'back' }, t('building.back'))
    backButton.addEventListener('click', back)
    for (const s of [this.cls, this.state]) s.addEventListener('change', () => void this.refreshAlerts())
    // One listener for every cell: cells are redrawn in place by device frames.
    this.floors.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('.cell')
      if (cell?.dataset.device) this.openDevice(cell.dataset.device)
    })
    const filters = h(
      'div',
      { class: 'filters' },
      label(t('filter.class'), this.cls),
      label(t('filter.state'), this.state),
    )
    const alerts = h('aside', { class: 'alerts' }, h('h3', {}, t('building.alerts')), filters, this.list)
    const head = h('div', { class: 'building-head' }, backButton, this.title, this.uitds)
    root.replaceChildren(head, this.floors, alerts)
  }

  async load(): Promise<void> {
    const detail = await buildingDetail(this.id)
    for (const f of detail.floors)
      for (const z of f.zones) for (const d of z.devices) learnDeviceLabel(d.id, d.label)
    this.title.textContent = `${detail.name} — ${statusWord(detail.status)}`
    this.title.className = `status-${detail.status}`
    renderUitds(this.uitds, detail.uitds)
    this.floors.replaceChildren(...floorsWithDevices(detail).map(floorRow))
    this.cells.clear()
    for (const cell of this.floors.querySelectorAll<HTMLElement>('.cell'))
      this.cells.set(cell.dataset.device!, cell)
    await this.refreshAlerts()
  }

  /** A devices frame: recolour the cells in place (no re-layout under the user's finger). */
  devicesChanged(devices: Iterable<DeviceView>): void {
    for (const d of devices) {
      if (d.building !== this.id) continue
      const cell = this.cells.get(d.id)
      if (cell) applyDevice(cell, d)
    }
  }

  /** A new summary of the building (live stream): its fire panel links may have changed. */
  summaryChanged(summary: BuildingSummary | undefined): void {
    if (summary?.id === this.id) renderUitds(this.uitds, summary.uitds)
  }

  async refreshAlerts(): Promise<void> {
    // Refreshes overlap (a burst of transitions): only the newest request may draw the list.
    const request = ++this.requests
    const alerts = await listAlerts({ building: this.id, state: this.state.value, class: this.cls.value })
    if (request !== this.requests) return
    this.list.replaceChildren(...alerts.map((a) => alertItem(a, () => void this.refreshAlerts())))
    if (alerts.length === 0) this.list.append(h('li', { class: 'empty' }, t('alerts.none')))
  }
}

/** Floors without devices are left out: a 32-storey tower would otherwise be mostly empty rows. */
function floorsWithDevices(d: BuildingDetail): FloorView[] {
  return d.floors.filter((f) => f.zones.some((z) => z.devices.length > 0))
}

function floorRow(f: FloorView): HTMLElement {
  const cells = f.zones.flatMap((z) => z.devices.map(deviceCell))
  return h(
    'div',
    { class: 'floor' },
    h('span', { class: 'floor-label' }, floorName(f.floor)),
    h('div', { class: 'cells' }, ...cells),
  )
}

function deviceCell(d: DeviceView): HTMLElement {
  const cell = h(
    'button',
    { type: 'button', class: 'cell', 'data-device': d.id },
    h('span', { class: 'cell-label' }, d.label),
    h('span', { class: 'cell-value' }),
  )
  applyDevice(cell, d)
  return cell
}

export function presenceWord(d: DeviceView): string {
  if (d.disabled) return t('presence.disabled')
  return d.online === false ? t('presence.offline') : d.online ? t('presence.online') : t('presence.unknown')
}

function applyDevice(cell: HTMLElement, d: DeviceView): void {
  if (cell.dataset.status !== d.status) {
    cell.className = `cell ${d.status}`
    cell.dataset.status = d.status
  }
  const values = Object.entries(d.latest).map(([m, v]) =>
    t('cell.value', { metric: m, value: formatValue(m, v.value), time: clockTime(v.ts) }),
  )
  // title: the latest values on hover (desktop) and long-press (phone); the label is always visible.
  cell.title = [`${d.label} (${d.id})`, `${d.zone}, ${presenceWord(d)}`, ...values].join('\n')
  // Only the value line changes with a reading; an unchanged text is not written (no relayout).
  const value = cell.lastElementChild as HTMLElement
  const text = cellText(d)
  if (value.textContent !== text) value.textContent = text
}

function alertItem(a: Alert, changed: () => void): HTMLElement {
  const note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: t('note.label'),
    'aria-label': t('note.label'),
  })
  const buttons: HTMLElement[] = []
  if (a.state === 'open') buttons.push(actionButton(a, 'ack', t('action.ack'), note, changed))
  if (a.state !== 'resolved') buttons.push(actionButton(a, 'resolve', t('action.resolve'), note, changed))
  return h(
    'li',
    { class: `alert ${a.class} ${a.state}`, 'data-alert': a.id, 'data-state': a.state },
    h('span', { class: 'alert-class' }, classWord(a.class)),
    h('span', { class: 'alert-state' }, t(STATE_KEY[a.state])),
    h('span', { class: 'alert-where' }, `${floorName(a.floor)} · ${a.zone} · ${clockTime(a.openedAt)}`),
    h('span', { class: 'alert-message' }, alertText(a)),
    buttons.length > 0 ? h('span', { class: 'alert-actions' }, note, ...buttons) : null,
  )
}

function actionButton(
  a: Alert,
  action: 'ack' | 'resolve',
  text: string,
  note: HTMLInputElement,
  done: () => void,
): HTMLElement {
  const button = h('button', { type: 'button', class: action }, text)
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '')
    alertAction(a.id, action, note.value).then(done, () => button.removeAttribute('disabled'))
  })
  return button
}

function label(text: string, control: HTMLElement): HTMLElement {
  return h('label', {}, `${text} `, control)
}
