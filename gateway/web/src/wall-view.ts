import type { Alert } from '../../../alerting/alert.ts'
import type { BuildingSummary } from '../../live-state.ts'
import { alertAction } from './api.ts'
import { clockTime } from './clock-time.ts'
import { h } from './dom.ts'
import type { WallStore } from './wall-store.ts'

/** Words next to the colours: colour alone is not enough (colour blindness, glare on a wall screen). */
export const STATUS_WORD: Record<string, string> = {
  red: 'FIRE',
  yellow: 'ATTENTION',
  grey: 'OFFLINE',
  green: 'NORMAL',
}

/** The wall: one tile per building, worst first. */
export function renderWall(root: HTMLElement, store: WallStore, open: (building: string) => void): void {
  const tiles = store.sortedBuildings().map((b) => tile(b, worstAlert(store, b.id), () => open(b.id)))
  root.replaceChildren(...tiles)
}

const CLASS_RANK: Record<string, number> = { fire: 4, warning: 3, supervisory: 2, fault: 1, offline: 0 }

/** The alert that explains the tile's colour, so the tile says *where* without a click. */
function worstAlert(store: WallStore, building: string): Alert | null {
  let worst: Alert | null = null
  for (const a of store.alerts.values()) {
    if (a.building !== building) continue
    if (!worst || (CLASS_RANK[a.class] ?? 0) > (CLASS_RANK[worst.class] ?? 0)) worst = a
  }
  return worst
}

function tile(b: BuildingSummary, worst: Alert | null, open: () => void): HTMLElement {
  const c = b.counts
  const where = worst ? `${worst.class.toUpperCase()}: ${floorName(worst.floor)} · ${worst.zone}` : null
  const el = h(
    'button',
    { type: 'button', class: `tile ${b.status}`, 'data-building': b.id, 'data-status': b.status },
    h('span', { class: 'tile-name' }, b.name),
    h('span', { class: 'tile-status' }, STATUS_WORD[b.status] ?? b.status),
    where === null ? null : h('span', { class: 'tile-where' }, where),
    // Issue 7: alerts inside a test / maintenance window are not notified; say so on the tile.
    b.windows?.length ? h('span', { class: 'tile-where', title: b.windows[0]!.reason }, 'TEST WINDOW') : null,
    h(
      'span',
      { class: 'tile-counts' },
      count(c.alerts, 'active alert', 'alerts'),
      count(c.red, 'fire', 'red'),
      count(c.yellow, 'warning/fault', 'yellow'),
      count(c.grey, 'offline', 'grey'),
      count(c.green, 'normal', 'green'),
    ),
  )
  el.addEventListener('click', open)
  return el
}

function count(n: number, what: string, kind: string): HTMLElement {
  const label = kind === 'alerts' && n !== 1 ? `${what}s` : what
  return h(
    'span',
    { class: `count count-${kind}${n === 0 ? ' zero' : ''}` },
    h('b', {}, String(n)),
    ` ${label}`,
  )
}

/** Unacknowledged fire alarms, pinned above everything until someone acknowledges them. */
export function renderPinned(root: HTMLElement, store: WallStore): void {
  const fires = store.unacknowledgedFires()
  root.replaceChildren(...fires.map((a) => pinnedFire(a, store.buildingName(a.building))))
}

function pinnedFire(a: Alert, building: string): HTMLElement {
  const note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: 'Note (optional)',
    'aria-label': 'note',
  })
  const ack = h('button', { type: 'button', class: 'ack' }, 'Acknowledge')
  ack.addEventListener('click', () => {
    ack.setAttribute('disabled', '')
    alertAction(a.id, 'ack', note.value).catch(() => ack.removeAttribute('disabled'))
  })
  const where = `${building} · ${floorName(a.floor)} · ${a.zone}`
  return h(
    'div',
    { class: 'fire-banner', 'data-alert': a.id },
    h('span', { class: 'fire-word' }, 'FIRE'),
    h('span', { class: 'fire-where' }, where),
    h('span', { class: 'fire-what' }, `${a.message} · since ${clockTime(a.openedAt)}`),
    h('span', { class: 'fire-actions' }, note, ack),
  )
}

export function floorName(floor: number): string {
  return floor < 0 ? `B${-floor}` : `${floor}F`
}
