import type { Alert } from '../../../alerting/alert.ts'
import type { BuildingDetail, DeviceView, FloorView } from '../../live-state.ts'
import { alertAction, buildingDetail, listAlerts } from './api.ts'
import { clockTime } from './clock-time.ts'
import { h } from './dom.ts'
import { floorName, STATUS_WORD } from './wall-view.ts'

const CLASSES = ['', 'fire', 'warning', 'supervisory', 'fault', 'offline']
const STATES = ['active', 'open', 'acknowledged', 'resolved', 'all']

/** One building: floors top to bottom with their devices, and its alerts with filters. */
export class BuildingView {
  private readonly cls = select('class', CLASSES, 'all classes')
  private readonly state = select('state', STATES, '')
  private readonly list = h('ol', { class: 'alert-list' })
  private readonly floors = h('div', { class: 'floors' })
  private readonly title = h('h2', {})
  private requests = 0

  constructor(
    private readonly root: HTMLElement,
    readonly id: string,
    back: () => void,
  ) {
    const backButton = h('button', { type: 'button', class: 'back' }, '← All buildings')
    backButton.addEventListener('click', back)
    for (const s of [this.cls, this.state]) s.addEventListener('change', () => void this.refreshAlerts())
    const filters = h('div', { class: 'filters' }, label('Class', this.cls), label('State', this.state))
    const alerts = h('aside', { class: 'alerts' }, h('h3', {}, 'Alerts'), filters, this.list)
    root.replaceChildren(h('div', { class: 'building-head' }, backButton, this.title), this.floors, alerts)
  }

  async load(): Promise<void> {
    const detail = await buildingDetail(this.id)
    this.title.textContent = `${detail.name} — ${STATUS_WORD[detail.status] ?? detail.status}`
    this.title.className = `status-${detail.status}`
    this.floors.replaceChildren(...floorsWithDevices(detail).map(floorRow))
    await this.refreshAlerts()
  }

  /** A devices frame: recolour the cells in place (no re-layout under the user's finger). */
  devicesChanged(devices: DeviceView[]): void {
    for (const d of devices) {
      const cell = this.root.querySelector<HTMLElement>(`[data-device="${CSS.escape(d.id)}"]`)
      if (cell) applyDevice(cell, d)
    }
  }

  async refreshAlerts(): Promise<void> {
    // Refreshes overlap (a burst of transitions): only the newest request may draw the list.
    const request = ++this.requests
    const alerts = await listAlerts({ building: this.id, state: this.state.value, class: this.cls.value })
    if (request !== this.requests) return
    this.list.replaceChildren(...alerts.map((a) => alertItem(a, () => void this.refreshAlerts())))
    if (alerts.length === 0) this.list.append(h('li', { class: 'empty' }, 'No alerts match.'))
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
    h('span', { class: 'floor-label' }, f.label),
    h('div', { class: 'cells' }, ...cells),
  )
}

function deviceCell(d: DeviceView): HTMLElement {
  const cell = h('button', { type: 'button', class: 'cell', 'data-device': d.id })
  applyDevice(cell, d)
  return cell
}

function applyDevice(cell: HTMLElement, d: DeviceView): void {
  cell.className = `cell ${d.status}`
  cell.dataset.status = d.status
  const values = Object.entries(d.latest).map(
    ([m, v]) => `${m} = ${formatValue(m, v.value)} at ${clockTime(v.ts)}`,
  )
  const presence = d.online === false ? 'offline' : d.online ? 'online' : 'not heard from yet'
  // title: the latest values on hover (desktop) and long-press (phone); the label is always visible.
  cell.title = [`${d.label} (${d.id})`, `${d.zone}, ${presence}`, ...values].join('\n')
  cell.replaceChildren(
    h('span', { class: 'cell-label' }, d.label),
    h('span', { class: 'cell-value' }, cellText(d)),
  )
}

/** Metric name suffix (CONTRACT.md: names carry their unit) to the unit as people write it. */
const UNITS: Record<string, string> = { dbm: 'dB/m', c: '°C', mpa: 'MPa', m: 'm', ma: 'mA', pct: '%' }
/** Housekeeping metrics: shown on hover, not as the cell's headline value. */
const SECONDARY = /^(battery_pct|rssi_dbm)/

/** The status word when not normal, then the main measured value: "FIRE · 0.31 dB/m". */
function cellText(d: DeviceView): string {
  const entries = Object.entries(d.latest)
  const main = entries.find(([m]) => !SECONDARY.test(m)) ?? entries[0]
  const value = main ? formatValue(main[0], main[1].value) : ''
  const word = d.status === 'green' ? '' : (STATUS_WORD[d.status] ?? '')
  return [word, value].filter((s) => s !== '').join(' · ') || 'no reading yet'
}

function formatValue(metric: string, value: number): string {
  const suffix = metric.split(':')[0]?.split('_').at(-1) ?? ''
  return `${value} ${UNITS[suffix] ?? suffix}`
}

function alertItem(a: Alert, changed: () => void): HTMLElement {
  const note = h('input', { type: 'text', class: 'ack-note', placeholder: 'Note', 'aria-label': 'note' })
  const buttons: HTMLElement[] = []
  if (a.state === 'open') buttons.push(actionButton(a, 'ack', 'Acknowledge', note, changed))
  if (a.state !== 'resolved') buttons.push(actionButton(a, 'resolve', 'Resolve', note, changed))
  return h(
    'li',
    { class: `alert ${a.class} ${a.state}`, 'data-alert': a.id, 'data-state': a.state },
    h('span', { class: 'alert-class' }, a.class.toUpperCase()),
    h('span', { class: 'alert-state' }, a.state),
    h('span', { class: 'alert-where' }, `${floorName(a.floor)} · ${a.zone} · ${clockTime(a.openedAt)}`),
    h('span', { class: 'alert-message' }, a.message),
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

function select(name: string, values: string[], emptyLabel: string): HTMLSelectElement {
  const s = h('select', { name })
  for (const v of values) s.append(h('option', { value: v }, v === '' ? emptyLabel : v))
  return s
}

function label(text: string, control: HTMLElement): HTMLElement {
  return h('label', {}, `${text} `, control)
}
