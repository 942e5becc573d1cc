import type { Alert } from '../../../alerting/alert.ts'
import type { BuildingSummary } from '../../live-state.ts'
import { ActionRunner } from './action-runner.ts'
import { alertText } from './alert-text.ts'
import { alertAction } from './api.ts'
import { h } from './dom.ts'
import { classWord, clockTime, currentLocale, floorName, type MessageKey, statusWord, t } from './i18n.ts'
import { riskBadge } from './risk-badge.ts'
import type { WallStore } from './wall-store.ts'

const CLASS_RANK: Record<string, number> = { fire: 4, warning: 3, supervisory: 2, fault: 1, offline: 0 }

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
    const sorted = this.store.sortedBuildings()
    const locale = currentLocale()
    for (const b of sorted) {
      const where = worst.get(b.id)
      const extras = [b.windows?.[0]?.reason ?? '', b.watch?.names.join(',') ?? '']
      const signature = [
        locale,
        b.name,
        b.status,
        ...Object.values(b.counts),
        whereText(where),
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
        drawTile(slot.el, b, where)
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

/** The alert that explains each tile's colour, so the tile says *where* without a click. */
function worstAlerts(store: WallStore): Map<string, Alert> {
  const worst = new Map<string, Alert>()
  for (const a of store.alerts.values()) {
    const w = worst.get(a.building)
    if (!w || (CLASS_RANK[a.class] ?? 0) > (CLASS_RANK[w.class] ?? 0)) worst.set(a.building, a)
  }
  return worst
}

function whereText(a: Alert | undefined): string {
  return a ? t('tile.where', { class: classWord(a.class), where: `${floorName(a.floor)} · ${a.zone}` }) : ''
}

function drawTile(el: HTMLElement, b: BuildingSummary, worst: Alert | undefined): void {
  const c = b.counts
  el.className = `tile ${b.status}`
  el.dataset.status = b.status
  const where = whereText(worst)
  const parts: Node[] = [
    h('span', { class: 'tile-name' }, b.name),
    h('span', { class: 'tile-status' }, statusWord(b.status)),
  ]
  // The risk grade (register/) is a daily judgement, not the live state: a badge of its own.
  const risk = riskBadge(b.risk)
  if (risk) parts.push(risk)
  if (where !== '') parts.push(h('span', { class: 'tile-where' }, where))
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

/**
 * Unacknowledged fire alarms, pinned above everything until someone acknowledges them. A banner
 * stays the same element while its alarm is pinned: a note being typed into it survives other
 * alerts coming and going.
 */
export function renderPinned(root: HTMLElement, store: WallStore): void {
  const kept = new Map<string, HTMLElement>()
  for (const el of root.querySelectorAll<HTMLElement>('.fire-banner')) kept.set(el.dataset.key ?? '', el)
  const banners = store.unacknowledgedFires().map((a) => {
    const building = store.buildingName(a.building)
    const key = [a.id, currentLocale(), building, alertText(a)].join('|')
    return kept.get(key) ?? pinnedFire(a, building, key)
  })
  const same = banners.length === root.children.length && banners.every((el, i) => root.children[i] === el)
  if (!same) root.replaceChildren(...banners)
}

function pinnedFire(a: Alert, building: string, key: string): HTMLElement {
  const note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: t('note.optional'),
    'aria-label': t('note.label'),
  })
  const ack = h('button', { type: 'button', class: 'ack' }, t('action.ack'))
  const runner = new ActionRunner('action.failed.ack')
  // Once acknowledged the banner goes with the alert event that follows; nothing to do here.
  ack.addEventListener('click', () =>
    runner.run(
      ack,
      () => alertAction(a.id, 'ack', note.value),
      () => {},
    ),
  )
  const where = `${building} · ${floorName(a.floor)} · ${a.zone}`
  return h(
    'div',
    { class: 'fire-banner', 'data-alert': a.id, 'data-key': key },
    h('span', { class: 'fire-word' }, t('fire.word')),
    h('span', { class: 'fire-where' }, where),
    h(
      'span',
      { class: 'fire-what' },
      `${alertText(a)} · ${t('fire.since', { time: clockTime(a.openedAt) })}`,
    ),
    h('span', { class: 'fire-actions' }, note, ack),
    runner.error,
  )
}
