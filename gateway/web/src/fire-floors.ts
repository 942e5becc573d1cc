import type { Incident } from '../../../alerting/incidents/incident.ts'
import { floorsText } from './alert-text.ts'
import { h } from './dom.ts'
import { currentLocale, t } from './i18n.ts'

/**
 * The building's fire on its floors: each fire floor marked (a red frame, and a word with the
 * order the fire reached it: colour alone would not do), a line per fire with its floors in that
 * order, and the view scrolled to a floor the fire has newly reached, so nobody has to look for it
 * in a 32-storey stack. Floors already shown are not scrolled to again: the reader stays in charge.
 */
export class FireFloors {
  readonly path = h('div', { class: 'fire-path', role: 'status' })
  private fires: Incident[] = []
  private readonly shown = new Set<number>()

  constructor(private readonly floors: HTMLElement) {}

  /** The building's active fire incidents, in the order to act in. */
  set(fires: Incident[]): void {
    this.fires = fires
    this.apply()
  }

  /** Marks the floor rows as they are now (called again whenever the rows are redrawn). */
  apply(): void {
    const lines = this.fires.map((inc) => {
      const key = inc.floors.length > 1 ? 'fire.path' : 'fire.pathOne'
      return h('p', { 'data-incident': inc.id }, t(key, { floors: floorsText(inc.floors) }))
    })
    this.path.replaceChildren(...lines)
    this.path.hidden = lines.length === 0
    const order = reachedOrder(this.fires)
    let newest: { row: HTMLElement; n: number } | null = null
    for (const row of this.floors.querySelectorAll<HTMLElement>('.floor')) {
      const floor = Number(row.dataset.floor)
      const n = order.get(floor)
      mark(row, n, order.size)
      // A row not laid out (the view is still hidden) cannot be scrolled to: not shown yet.
      if (n === undefined || this.shown.has(floor) || row.getClientRects().length === 0) continue
      this.shown.add(floor)
      if (newest === null || n > newest.n) newest = { row, n }
    }
    for (const floor of this.shown) if (!order.has(floor)) this.shown.delete(floor)
    newest?.row.scrollIntoView({ block: 'center' })
  }

  /** Back into view: the floor the fire reached last (after focus moved to the heading). */
  reveal(): void {
    let last: HTMLElement | null = null
    for (const row of this.floors.querySelectorAll<HTMLElement>('.floor.fire-floor'))
      if (last === null || Number(row.dataset.fireOrder) > Number(last.dataset.fireOrder)) last = row
    last?.scrollIntoView({ block: 'center' })
  }
}

/** Floor -> the order its fire reached it (1 = where it began); the first fire listed wins. */
function reachedOrder(fires: Incident[]): Map<number, number> {
  const order = new Map<number, number>()
  for (const inc of fires) {
    inc.floors.forEach((f, i) => {
      if (!order.has(f)) order.set(f, i + 1)
    })
  }
  return order
}

function mark(row: HTMLElement, n: number | undefined, fireFloors: number): void {
  const badge = row.querySelector<HTMLElement>(':scope > .floor-fire')
  row.classList.toggle('fire-floor', n !== undefined)
  if (n === undefined) {
    delete row.dataset.fireOrder
    badge?.remove()
    return
  }
  row.dataset.fireOrder = String(n)
  const text = fireFloors > 1 ? t('fire.floorBadge', { n: ordinal(n) }) : t('fire.floorBadgeOne')
  if (badge) badge.textContent = text
  else row.append(h('span', { class: 'floor-fire' }, text))
}

/** 1st, 2nd, 3rd, 11th… in English; the Chinese text says 第 n itself. */
function ordinal(n: number): string {
  if (currentLocale() !== 'en') return String(n)
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}
