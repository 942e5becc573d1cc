import type { Alert } from '../../../alerting/alert.ts'
import type { Incident } from '../../../alerting/incidents/incident.ts'
import type { BuildingSummary } from '../../live/live-state.ts'
import { alertPlace, floorsText, incidentTitleText, leadOf } from './alert-text.ts'
import { h } from './dom.ts'
import { classWord, currentLocale, type MessageKey, statusWord, t } from './i18n.ts'
import { CLASS_ORDER } from './priority.ts'
import { riskBadge } from './risk-badge.ts'
import type { WallStore } from './wall-store.ts'

/** What a tile says of its building's worst: the newest unacknowledged fire, else its worst alert. */
interface Headline {
  where: string
  /** A fire's floors in the order reached; empty otherwise. */
  floors: string
}

interface TileSlot {
  el: HTMLButtonElement
  /** What the tile shows; the tile is redrawn only when it changes. */
  signature: string
}

/**
 * The wall: one tile per building, worst first. Tiles are kept between renders and redrawn only
 * when what they show changed (10 device frames a second must not rebuild 50 tiles each time).
 */
export class WallView {
  private readonly tiles = new Map<string, TileSlot>()

  constructor(
    private readonly root: HTMLElement,
    private readonly store: WallStore,
    private readonly open: (building: string) => void,
  ) {}

  render(): void {
    const worst = worstAlerts(this.store)
    const fires = headlineFires(this.store)
    const sorted = this.store.sortedBuildings()
    const locale = currentLocale()
    for (const b of sorted) {
      const fire = fires.get(b.id)
      const headline = fire ? fireHeadline(fire, this.store) : alertHeadline(worst.get(b.id))
      const extras = [b.windows?.[0]?.reason ?? '', b.watch?.names.join(',') ?? '']
      const signature = [
        locale,
        b.name,
        b.status,
        ...Object.values(b.counts),
        headline.where,
        headline.floors,
        ...extras,
        b.risk === undefined ? '' : `${b.risk?.grade ?? 'none'}:${b.risk?.score ?? ''}`,
      ].join('|')
      let slot = this.tiles.get(b.id)
      if (!slot) {
        const el = h('button', { type: 'button', 'data-building': b.id })
        el.addEventListener('click', () => this.open(b.id))
        slot = { el, signature: '' }
        this.tiles.set(b.id, slot)
      }
      if (slot.signature !== signature) {
        drawTile(slot.el, b, headline)
        slot.signature = signature
      }
    }
    for (const id of this.tiles.keys()) if (!this.store.buildings.has(id)) this.tiles.delete(id)
    // Re-order only when the order changed: moving nodes restarts nothing but costs a layout.
    const order = sorted.map((b) => this.tiles.get(b.id)!.el)
    const children = this.root.children
    const same = children.length === order.length && order.every((el, i) => children[i] === el)
    if (!same) this.root.replaceChildren(...order)
  }

  /** Back from a building: focus returns to the tile the reader left from. */
  focusTile(building: string): void {
    this.tiles.get(building)?.el.focus()
  }
}

/**
 * The fire each tile headlines: its newest unacknowledged one; once all are taken, the first to act
 * on. An acknowledged fire still burns (red until resolved): the tile keeps saying where it has
 * reached, not the place of one of its alerts.
 */
function headlineFires(store: WallStore): Map<string, Incident> {
  const fires = new Map<string, Incident>()
  for (const i of store.prioritisedIncidents())
    if (i.class === 'fire' && !fires.has(i.building)) fires.set(i.building, i)
  // Oldest first: the newest unacknowledged fire of each building is the last one set.
  for (const i of store.unacknowledgedFireIncidents()) fires.set(i.building, i)
  return fires
}

/** The alert that explains each tile's colour, so the tile says *where* without a click. */
function worstAlerts(store: WallStore): Map<string, Alert> {
  const worst = new Map<string, Alert>()
  const severity = (a: Alert) => CLASS_ORDER.indexOf(a.class)
  for (const a of store.alerts.values()) {
    const w = worst.get(a.building)
    if (!w || severity(a) < severity(w)) worst.set(a.building, a)
  }
  return worst
}

function alertHeadline(a: Alert | undefined): Headline {
  const where = a ? t('tile.where', { class: classWord(a.class), where: alertPlace(a) }) : ''
  return { where, floors: '' }
}

/**
 * A fire: its title (which names the fire itself: the tile's status word
 * already says FIRE), and the floors it has reached in that order.
 */
function fireHeadline(fire: Incident, store: WallStore): Headline {
  return {
    where: incidentTitleText(fire, leadOf(fire, store.alerts)),
    floors: t('tile.floors', { floors: floorsText(fire.floors) }),
  }
}

function drawTile(el: HTMLElement, b: BuildingSummary, headline: Headline): void {
  const c = b.counts
  el.className = `tile ${b.status}`
  el.dataset.status = b.status
  const parts: Node[] = [
    h('span', { class: 'tile-name' }, b.name),
    h('span', { class: 'tile-status' }, statusWord(b.status)),
  ]
  // The risk grade (register/) is a daily judgement, not the live state: a badge of its own.
  const risk = riskBadge(b.risk)
  if (risk) parts.push(risk)
  if (headline.where !== '') parts.push(h('span', { class: 'tile-where tile-headline' }, headline.where))
  if (headline.floors !== '') parts.push(h('span', { class: 'tile-floors' }, headline.floors))
  // Alerts inside a test / maintenance window are not notified (docs/rules.md); say so on the tile.
  const window = b.windows?.[0]
  if (window) parts.push(h('span', { class: 'tile-where', title: window.reason }, t('tile.testWindow')))
  // A heightened watch tightens rules and speeds escalation (docs/rules.md); the desk should know.
  if (b.watch)
    parts.push(h('span', { class: 'tile-where', title: b.watch.names.join(', ') }, t('tile.watch')))
  parts.push(
    h(
      'span',
      { class: 'tile-counts' },
      count(c.alerts, c.alerts === 1 ? 'tile.alerts.one' : 'tile.alerts.other', 'alerts'),
      count(c.red, 'tile.red', 'red'),
      count(c.yellow, 'tile.yellow', 'yellow'),
      count(c.grey, 'tile.grey', 'grey'),
      count(c.unknown, 'tile.unknown', 'unknown'),
      count(c.green, 'tile.green', 'green'),
    ),
  )
  el.replaceChildren(...parts)
}

function count(n: number, key: MessageKey, kind: string): HTMLElement {
  // The number in bold wherever the language puts it: "3 fire" / "火警 3".
  const [before = '', after = ''] = t(key, { n: '\u0000' }).split('\u0000')
  return h(
    'span',
    { class: `count count-${kind}${n === 0 ? ' zero' : ''}` },
    before,
    h('b', {}, String(n)),
    after,
  )
}
