import type { Alert } from '../../../alerting/alert.ts'
import type { Incident } from '../../../alerting/incidents/incident.ts'
import { alertItem } from './alert-item.ts'
import { leadOf } from './alert-text.ts'
import { h } from './dom.ts'
import { currentLocale, t } from './i18n.ts'
import { IncidentItem } from './incident-item.ts'
import { byPriority, type Ranked } from './priority.ts'

/**
 * The building's alert list, in the order to act in (priority.ts), not by time: alerts of an
 * active incident under that incident, which carries the actions; the others (resolved ones under
 * the "resolved" or "all" filter) on their own. Elements are kept while they show the same thing,
 * so what a person is typing or choosing survives the refreshes other alerts cause.
 */
export class BuildingAlertList {
  readonly el = h('ol', { class: 'alert-list' })
  private readonly incidentItems = new Map<string, IncidentItem>()

  constructor(private readonly changed: () => void) {}

  draw(alerts: Alert[], incidents: ReadonlyMap<string, Incident>): void {
    const locale = currentLocale()
    const groups = new Map<string, Alert[]>()
    const entries: { rank: Ranked; el: HTMLElement }[] = []
    const kept = new Map<string, HTMLElement>()
    for (const el of this.el.querySelectorAll<HTMLElement>(':scope > li.alert[data-key]'))
      kept.set(el.dataset.key!, el)
    for (const a of alerts) {
      const inc = a.incident === null ? undefined : incidents.get(a.incident)
      if (inc) groups.set(inc.id, [...(groups.get(inc.id) ?? []), a])
      else entries.push({ rank: a, el: this.single(a, kept, locale) })
    }
    const used = new Set<string>()
    for (const [id, members] of groups) {
      const inc = incidents.get(id)!
      const key = `${id}|${locale}`
      let item = this.incidentItems.get(key)
      if (!item) {
        item = new IncidentItem(inc, this.changed)
        this.incidentItems.set(key, item)
      }
      used.add(key)
      item.update(
        inc,
        leadOf(inc, new Map(members.map((a) => [a.id, a]))),
        members.sort(byPriority),
        this.changed,
      )
      entries.push({ rank: inc, el: item.el })
    }
    for (const key of this.incidentItems.keys()) if (!used.has(key)) this.incidentItems.delete(key)
    const items = entries.sort((x, y) => byPriority(x.rank, y.rank)).map((e) => e.el)
    if (items.length === 0) items.push(h('li', { class: 'empty' }, t('alerts.none')))
    const same =
      items.length === this.el.children.length && items.every((el, i) => this.el.children[i] === el)
    if (!same) this.el.replaceChildren(...items)
  }

  /** An alert with no active incident the wall knows: acted on by itself while it has none at all. */
  private single(a: Alert, kept: Map<string, HTMLElement>, locale: string): HTMLElement {
    const key = `${a.id}|${a.state}|${locale}`
    const item = kept.get(key) ?? alertItem(a, this.changed, a.incident === null)
    item.dataset.key = key
    return item
  }
}
