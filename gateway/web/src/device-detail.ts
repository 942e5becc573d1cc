import { localisedNote } from '../../../alerting/i18n/system-notes.ts'
import type { DeviceView } from '../../live/live-state.ts'
import { alertText } from './alert-text.ts'
import {
  type AlertWithHistory,
  alertWithHistory,
  api,
  deviceReadings,
  type HistoryPoint,
  listAlerts,
  Unauthorized,
} from './api.ts'
import { presenceWord } from './building-cells.ts'
import { h } from './dom.ts'
import { failureReason } from './failure.ts'
import {
  classWord,
  currentLocale,
  dateTime,
  floorName,
  HISTORY_KEY,
  STATE_KEY,
  statusWord,
  t,
} from './i18n.ts'
import { sparkline } from './sparkline.ts'
import { formatValue, metricName, SECONDARY } from './values.ts'

/** A device's last alerts shown with their history; older ones are in the building's alert list. */
const MAX_ALERTS = 5

/**
 * One device in a modal dialog: what it is and where, a sparkline of each metric over the last
 * 24 h (GET /devices/{id}/readings) and its alerts with their full history. Opened from a cell.
 */
export async function showDeviceDetail(id: string): Promise<HTMLDialogElement> {
  const dialog = h('dialog', { class: 'device-detail', 'data-device': id })
  const close = h('button', { type: 'button', class: 'close' }, t('detail.close'))
  close.addEventListener('click', () => dialog.close())
  dialog.addEventListener('close', () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
  await fillDetail(dialog, close, id)
  return dialog
}

/** Loads into the open dialog; a failure is said in it, with a button to try again. */
async function fillDetail(dialog: HTMLDialogElement, close: HTMLElement, id: string): Promise<void> {
  dialog.replaceChildren(close, h('p', { class: 'loading' }, t('detail.loading')))
  try {
    const path = `/devices/${encodeURIComponent(id)}`
    const [device, readings] = await Promise.all([api<DeviceView>(path), deviceReadings(id)])
    const alerts = await deviceAlerts(device)
    dialog.replaceChildren(close, header(device), readingsSection(readings, alerts), historySection(alerts))
    dialog.dataset.loaded = 'true'
  } catch (err) {
    if (err instanceof Unauthorized) throw err
    const again = h('button', { type: 'button', class: 'retry' }, t('action.retry'))
    again.addEventListener('click', () => void fillDetail(dialog, close, id))
    const text = t('detail.loadFailed', { reason: failureReason(err) })
    dialog.replaceChildren(close, h('p', { class: 'action-error', role: 'alert' }, text, ' ', again))
  }
}

async function deviceAlerts(d: DeviceView): Promise<AlertWithHistory[]> {
  // The alerts API filters by building, not device: the newest of this device's, then their history.
  const all = await listAlerts({ building: d.building, state: 'all', class: '' })
  const mine = all.filter((a) => a.device === d.id).slice(0, MAX_ALERTS)
  return Promise.all(mine.map((a) => alertWithHistory(a.id)))
}

function header(d: DeviceView): HTMLElement {
  const seen = d.lastSeenAt === null ? '' : ` · ${t('detail.lastSeen', { time: dateTime(d.lastSeenAt) })}`
  return h(
    'header',
    {},
    h('h2', {}, h('span', { class: `badge status-${d.status}` }, statusWord(d.status)), ` ${d.label}`),
    h('p', { class: 'where' }, `${floorName(d.floor)} · ${d.zone} · ${d.id} · ${presenceWord(d)}${seen}`),
  )
}

function readingsSection(readings: HistoryPoint[], alerts: AlertWithHistory[]): HTMLElement {
  const byMetric = new Map<string, HistoryPoint[]>()
  for (const r of readings) {
    const series = byMetric.get(r.metric) ?? []
    byMetric.set(r.metric, series)
    series.push(r)
  }
  // Measured values first, housekeeping (battery, signal) last.
  const metrics = [...byMetric.keys()].sort((a, b) => Number(SECONDARY.test(a)) - Number(SECONDARY.test(b)))
  const rows = metrics.map((metric) => {
    const series = byMetric.get(metric)!
    const values = series.map((p) => p.value)
    // The active alert's threshold on this metric, drawn as a dashed line.
    const active = alerts.find((a) => a.metric === metric && a.state !== 'resolved')
    const threshold = active?.threshold ?? null
    const range = t('detail.range', {
      min: formatValue(metric, Math.min(...values)),
      max: formatValue(metric, Math.max(...values)),
      latest: formatValue(metric, values.at(-1)!),
    })
    return h(
      'div',
      { class: 'metric-row', 'data-metric': metric },
      // Its name, not its id; the unit is in the range beside it.
      h('span', { class: 'metric-name' }, metricName(metric)),
      sparkline(series, threshold),
      h('span', { class: 'metric-range' }, range),
    )
  })
  return h(
    'section',
    { class: 'readings' },
    h('h3', {}, t('detail.readings')),
    ...(rows.length > 0 ? rows : [h('p', { class: 'empty' }, t('detail.noReadings'))]),
  )
}

function historySection(alerts: AlertWithHistory[]): HTMLElement {
  const items = alerts.map((a) =>
    h(
      'li',
      { class: `alert ${a.class} ${a.state}`, 'data-alert': a.id },
      h('span', { class: 'alert-class' }, classWord(a.class)),
      h('span', { class: 'alert-state' }, t(STATE_KEY[a.state])),
      h('span', { class: 'alert-message' }, alertText(a)),
      h(
        'ol',
        { class: 'history' },
        ...a.history.map((e) =>
          h(
            'li',
            { 'data-action': e.action },
            h('time', { datetime: e.at }, dateTime(e.at)),
            ` ${t(HISTORY_KEY[e.action])}`,
            e.actor === 'system' ? '' : ` · ${t('history.by', { actor: e.actor })}`,
            // The gateway's own notes are stored in English; a reader gets them in their language.
            e.note ? ` · “${localisedNote(e.note, currentLocale())}”` : '',
          ),
        ),
      ),
    ),
  )
  return h(
    'section',
    { class: 'history-section' },
    h('h3', {}, t('detail.history')),
    items.length > 0
      ? h('ol', { class: 'alert-list' }, ...items)
      : h('p', { class: 'empty' }, t('detail.noAlerts')),
  )
}
