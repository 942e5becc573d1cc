import type { Incident } from '../../../alerting/incidents/incident.ts'
import { ActionRunner } from './action-runner.ts'
import { incidentTitleText, incidentWhere, leadOf } from './alert-text.ts'
import { ackIncident } from './api.ts'
import { BulkAck, selectable } from './bulk-ack.ts'
import { h } from './dom.ts'
import { classWord, clockTime, currentLocale, t } from './i18n.ts'
import type { WallStore } from './wall-store.ts'

/** One row; kept between renders (a ticked box, an error and its Retry survive other incidents). */
interface Row {
  el: HTMLLIElement
  pick: HTMLInputElement
  cls: HTMLElement
  where: HTMLElement
  title: HTMLElement
  meta: HTMLElement
  ack: HTMLButtonElement
}

/**
 * The priority alarm list beside the tiles: every active incident in the order to act in
 * (priority.ts), each saying where (building, floors in the order reached, zone, device), what,
 * since when and who has taken it, with its Acknowledge and a way into its building.
 */
export class AlarmList {
  private readonly rows = new Map<string, Row>()
  private readonly heading = h('h2', { id: 'alarms-title' })
  private readonly list = h('ol', { class: 'alarm-list' })
  private readonly empty = h('p', { class: 'empty' })
  private readonly bulk = new BulkAck(() => this.render())

  constructor(
    root: HTMLElement,
    private readonly store: WallStore,
    private readonly open: (building: string) => void,
  ) {
    root.setAttribute('aria-labelledby', 'alarms-title')
    root.replaceChildren(this.heading, this.bulk.el, this.empty, this.list)
  }

  render(): void {
    const incidents = this.store.prioritisedIncidents()
    const locale = currentLocale()
    this.heading.textContent = t('alarms.title', { n: incidents.length })
    this.empty.textContent = t('alarms.none')
    this.empty.hidden = incidents.length > 0
    const shown = incidents.map((inc) => {
      const key = `${inc.id}|${locale}`
      let row = this.rows.get(key)
      if (!row) {
        row = this.row(inc)
        this.rows.set(key, row)
      }
      this.fill(row, inc)
      return row.el
    })
    for (const [key, row] of this.rows) if (!shown.includes(row.el)) this.rows.delete(key)
    const kids = this.list.children
    const same = kids.length === shown.length && shown.every((el, i) => kids[i] === el)
    if (!same) this.list.replaceChildren(...shown)
    this.bulk.render(incidents, (id) => this.store.buildingName(id))
  }

  private fill(row: Row, inc: Incident): void {
    const lead = leadOf(inc, this.store.alerts)
    row.el.className = `alarm ${inc.class} ${inc.state}`
    row.el.dataset.state = inc.state
    row.el.dataset.class = inc.class
    const title = incidentTitleText(inc, lead)
    const acknowledged =
      inc.state === 'open'
        ? t('alarms.notAcknowledged')
        : t('alarms.acknowledgedBy', {
            actor: inc.acknowledgedBy ?? '—',
            time: inc.acknowledgedAt ? clockTime(inc.acknowledgedAt) : '—',
          })
    setText(row.cls, classWord(inc.class))
    setText(row.where, incidentWhere(inc, lead))
    setText(row.title, title)
    // A floor gone dark holds many alerts: say how many, so nobody takes it for one device.
    const members = inc.alerts.length > 1 ? ` · ${t('alarms.members', { n: inc.alerts.length })}` : ''
    setText(row.meta, `${t('fire.since', { time: clockTime(inc.openedAt) })}${members} · ${acknowledged}`)
    row.ack.hidden = inc.state !== 'open'
    const pickable = selectable(inc)
    // Invisible, not hidden: every row keeps its box's place, so the columns line up.
    row.pick.classList.toggle('invisible', !pickable)
    row.pick.disabled = !pickable
    row.pick.checked = pickable && this.bulk.selected.has(inc.id)
    row.pick.setAttribute('aria-label', t('alarms.select', { title }))
  }

  private row(inc: Incident): Row {
    const pick = h('input', { type: 'checkbox', class: 'alarm-pick' })
    pick.addEventListener('change', () => {
      if (pick.checked) this.bulk.selected.add(inc.id)
      else this.bulk.selected.delete(inc.id)
      this.bulk.render(this.store.prioritisedIncidents(), (id) => this.store.buildingName(id))
    })
    const ack = h('button', { type: 'button', class: 'ack' }, t('action.ack'))
    const runner = new ActionRunner('action.failed.ack')
    // The incident event that follows redraws the row as acknowledged.
    ack.addEventListener('click', () =>
      runner.run(
        ack,
        () => ackIncident(inc.id, ''),
        () => {},
      ),
    )
    const show = h('button', { type: 'button', class: 'alarm-open' }, t('alarms.open'))
    show.addEventListener('click', () => this.open(inc.building))
    const row: Row = {
      el: h('li', { 'data-incident': inc.id, 'data-building': inc.building }),
      pick,
      cls: h('span', { class: 'alarm-class' }),
      where: h('span', { class: 'alarm-where' }),
      title: h('span', { class: 'alarm-title' }),
      meta: h('span', { class: 'alarm-meta' }),
      ack,
    }
    row.el.append(
      pick,
      row.cls,
      row.where,
      row.title,
      row.meta,
      h('span', { class: 'alarm-actions' }, ack, show),
      runner.error,
    )
    return row
  }
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text
}
