import type { AlertEventData } from '../../live/live-stream.ts'
import { alertPlace } from './alert-text.ts'
import { h } from './dom.ts'
import { classWord, clockTime, HISTORY_KEY, t } from './i18n.ts'

/** Enough to read back a burst (a fire, its neighbours, the acknowledgements) without scrolling. */
const KEEP = 30

interface Entry {
  /** The stream's event id: consecutive for consecutive transitions. */
  id: number | null
  data: AlertEventData | null
}

/**
 * The wall's event log: the latest alert transitions as they arrived, newest first, including
 * the ones replayed after a dropped stream. A resumed stream leaves no gap; when the gateway could
 * not replay (the client was away too long) a line says the wall was reloaded from the snapshot.
 */
export class EventLog {
  private readonly entries: Entry[] = []
  private seenSnapshot = false

  constructor(
    private readonly list: HTMLElement,
    private readonly buildingName: (id: string) => string,
  ) {}

  snapshot(): void {
    if (this.seenSnapshot) this.push({ id: null, data: null })
    this.seenSnapshot = true
  }

  alert(id: number | null, data: AlertEventData): void {
    this.push({ id, data })
  }

  render(): void {
    const items = this.entries.map((e) =>
      e.data === null ? resyncItem() : item(e.id, e.data, this.buildingName),
    )
    if (items.length === 0) items.push(h('li', { class: 'empty' }, t('events.none')))
    this.list.replaceChildren(...items)
  }

  private push(entry: Entry): void {
    this.entries.unshift(entry)
    if (this.entries.length > KEEP) this.entries.length = KEEP
  }
}

function item(id: number | null, e: AlertEventData, buildingName: (id: string) => string): HTMLElement {
  const a = e.alert
  return h(
    'li',
    {
      class: `event ${a.class} ${e.action}`,
      'data-event-id': String(id ?? ''),
      'data-alert': a.id,
      'data-action': e.action,
    },
    h('time', { datetime: new Date(e.at).toISOString() }, clockTime(e.at)),
    h('span', { class: 'event-class' }, classWord(a.class)),
    h('span', { class: 'event-action' }, t(HISTORY_KEY[e.action])),
    h('span', { class: 'event-where' }, `${buildingName(a.building)} · ${alertPlace(a)}`),
  )
}

function resyncItem(): HTMLElement {
  return h('li', { class: 'event resync' }, t('events.resync'))
}
