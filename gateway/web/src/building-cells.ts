import type { DeviceView, FloorView } from '../../live/live-state.ts'
import { h } from './dom.ts'
import { clockTime, floorName, t } from './i18n.ts'
import { cellText, formatValue, metricName } from './values.ts'

/** One floor: its label, then a cell per device, zone by zone. */
export function floorRow(f: FloorView): HTMLElement {
  const cells = f.zones.flatMap((z) => z.devices.map(deviceCell))
  return h(
    'div',
    { class: 'floor', 'data-floor': String(f.floor) },
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
  // Silent for longer than its heartbeat allows: say since when, not just "online".
  if (d.status === 'unknown' && d.lastSeenAt !== null)
    return t('presence.silent', { time: clockTime(d.lastSeenAt) })
  return d.online === false ? t('presence.offline') : d.online ? t('presence.online') : t('presence.unknown')
}

/** Redraws a cell in place (no re-layout under the user's finger): colour, word and tooltip. */
export function applyDevice(cell: HTMLElement, d: DeviceView): void {
  if (cell.dataset.status !== d.status) {
    cell.className = `cell ${d.status}`
    cell.dataset.status = d.status
  }
  const values = Object.entries(d.latest).map(([m, v]) =>
    t('cell.value', { metric: metricName(m), value: formatValue(m, v.value), time: clockTime(v.ts) }),
  )
  // title: the latest values on hover (desktop) and long-press (phone); the label is always visible.
  cell.title = [`${d.label} (${d.id})`, `${d.zone}, ${presenceWord(d)}`, ...values].join('\n')
  // Only the value line changes with a reading; an unchanged text is not written (no relayout).
  const value = cell.lastElementChild as HTMLElement
  const text = cellText(d)
  if (value.textContent !== text) value.textContent = text
}
