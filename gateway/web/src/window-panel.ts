import type { WindowJson } from '../../../alerting/windows/window.ts'
import { systemClock } from '../../clock.ts'
import { deviceLabel } from './alert-text.ts'
import { buildingWindows } from './api.ts'
import { h } from './dom.ts'
import { clockTime, floorName, t } from './i18n.ts'

/**
 * The building's test and maintenance windows: the ones in force (from the building's summary,
 * which the live stream sends again whenever one opens, closes or runs out) and the ones still to
 * come (GET /windows). Alerts inside a window are recorded as tests and notify nobody: whoever
 * watches the building must see that at once.
 */
export class WindowPanel {
  readonly el = h('section', { class: 'windows', hidden: '' })
  private inForce: WindowJson[] = []
  private listed: WindowJson[] = []
  /** null until the first summary: then the list is read once whatever is in force. */
  private shownIds: string | null = null

  constructor(private readonly building: string) {}

  /** The summary's windows in force; a change also reads the list again (what is to come moved). */
  fromSummary(windows: WindowJson[] | undefined): void {
    this.inForce = windows ?? []
    const ids = this.inForce.map((w) => w.id).join(',')
    const changed = ids !== this.shownIds
    this.shownIds = ids
    this.draw()
    if (changed) void this.load()
  }

  /** Reads the list; on failure the windows in force are shown all the same. */
  async load(): Promise<void> {
    try {
      this.listed = await buildingWindows(this.building)
    } catch {
      return
    }
    this.draw()
  }

  draw(): void {
    const now = systemClock.now()
    const inForce = new Set(this.inForce.map((w) => w.id))
    const upcoming = this.listed.filter(
      (w) => !inForce.has(w.id) && w.closedAt === null && Date.parse(w.startsAt) > now,
    )
    const items = [...this.inForce.map((w) => item(w, true)), ...upcoming.map((w) => item(w, false))]
    this.el.hidden = items.length === 0
    this.el.replaceChildren(
      h('h3', {}, t('windows.title')),
      h('p', { class: 'windows-note' }, t('windows.note')),
      h('ul', { class: 'window-list' }, ...items),
    )
  }
}

function item(w: WindowJson, inForce: boolean): HTMLElement {
  const when = inForce
    ? t('windows.until', { time: clockTime(w.endsAt) })
    : t('windows.upcoming', { from: clockTime(w.startsAt), to: clockTime(w.endsAt) })
  return h(
    'li',
    { class: `window ${inForce ? 'in-force' : 'upcoming'}`, 'data-window': w.id },
    h('b', { class: 'window-word' }, t('tile.testWindow')),
    h('span', { class: 'window-scope' }, scopeText(w)),
    h('span', { class: 'window-reason' }, w.reason),
    h('span', { class: 'window-when' }, `${when} · ${t('history.by', { actor: w.createdBy })}`),
  )
}

/** What it covers: a floor, a zone, a device, or the whole building. */
function scopeText(w: WindowJson): string {
  const parts: string[] = []
  if (w.floor !== null) parts.push(floorName(w.floor))
  if (w.zone !== null) parts.push(w.zone)
  if (w.device !== null) parts.push(deviceLabel(w.device) ?? w.device)
  return parts.length === 0 ? t('windows.whole') : parts.join(' · ')
}
