import type { Alert } from '../../../alerting/alert.ts'
import type { Incident } from '../../../alerting/incidents/incident.ts'
import { ActionRunner } from './action-runner.ts'
import { alertItem } from './alert-item.ts'
import { floorsText, incidentTitleText } from './alert-text.ts'
import { ackIncident, resolveIncident } from './api.ts'
import { h } from './dom.ts'
import { needsDisposition } from './failure.ts'
import { classWord, clockTime, STATE_KEY, t } from './i18n.ts'
import { type Disposition, resolveForm } from './resolve-form.ts'

/**
 * One incident in the building's list: its class, state, title, the floors it reached in order and
 * who took it, with Acknowledge and Resolve for the whole incident (POST /incidents/{id}/...), and
 * its member alerts under it. The element and its actions (a note being typed, a resolve form half
 * filled in, an error and its Retry) stay while the incident changes: it is redrawn in place.
 */
export class IncidentItem {
  readonly el: HTMLLIElement
  private inc: Incident
  private readonly cls = h('span', { class: 'alert-class' })
  private readonly state = h('span', { class: 'alert-state' })
  private readonly title = h('span', { class: 'incident-title' })
  private readonly floors = h('span', { class: 'incident-floors' })
  private readonly taken = h('span', { class: 'incident-ack' })
  private readonly actions: HTMLElement
  private readonly ack = h('button', { type: 'button', class: 'ack' }, t('action.ack'))
  private readonly note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: t('note.label'),
    'aria-label': t('note.label'),
  })
  private readonly slot = h('div', { class: 'resolve-slot' })
  private readonly members = h('ol', { class: 'members' })

  constructor(inc: Incident, changed: () => void) {
    this.inc = inc
    const ackRunner = new ActionRunner('action.failed.ack')
    this.ack.addEventListener('click', () =>
      ackRunner.run(this.ack, () => ackIncident(this.inc.id, this.note.value), changed),
    )
    const resolve = h('button', { type: 'button', class: 'resolve' }, t('action.resolve'))
    resolve.addEventListener('click', () => this.openResolve(resolve, changed))
    this.actions = h('span', { class: 'alert-actions' }, this.note, this.ack, resolve)
    this.el = h(
      'li',
      { 'data-incident': inc.id },
      h('div', { class: 'incident-head' }, this.cls, this.state, this.title, this.floors, this.taken),
      this.actions,
      ackRunner.error,
      this.slot,
      this.members,
    )
  }

  update(inc: Incident, lead: Alert | undefined, members: Alert[], changed: () => void): void {
    this.inc = inc
    this.el.className = `incident ${inc.class} ${inc.state}`
    this.el.dataset.state = inc.state
    this.el.dataset.class = inc.class
    this.cls.textContent = classWord(inc.class)
    this.state.textContent = t(STATE_KEY[inc.state])
    this.title.textContent = incidentTitleText(inc, lead)
    this.floors.textContent = t('incident.floors', { floors: floorsText(inc.floors) })
    this.taken.textContent =
      inc.acknowledgedBy === null
        ? ''
        : t('alarms.acknowledgedBy', {
            actor: inc.acknowledgedBy,
            time: inc.acknowledgedAt ? clockTime(inc.acknowledgedAt) : '—',
          })
    this.taken.hidden = inc.acknowledgedBy === null
    this.ack.hidden = inc.state !== 'open'
    this.actions.hidden = inc.state === 'resolved'
    // Members are plain rows: acting on one acts on the whole incident, so the incident acts.
    this.members.replaceChildren(...members.map((a) => alertItem(a, changed, false)))
  }

  /**
   * Resolve asks first. A fire needs what it was; should the gateway still refuse (the incident
   * became a fire while the form was open), the form asks for it there and then.
   */
  private openResolve(button: HTMLButtonElement, changed: () => void, asFire = false): void {
    const runner = new ActionRunner('action.failed.resolve')
    const send = (d: Disposition | null): void => {
      const confirm = form.el.querySelector<HTMLButtonElement>('.resolve-confirm')!
      const resolution = { disposition: d?.kind ?? null, cause: d?.cause ?? null, note: this.note.value }
      runner.run(
        confirm,
        () => resolveIncident(this.inc.id, resolution),
        changed,
        (err) => {
          if (needsDisposition(err) && d === null) this.askDisposition(button, changed, runner.error)
        },
      )
    }
    const cancel = (): void => {
      this.slot.replaceChildren()
      button.focus()
    }
    const cls = asFire ? 'fire' : this.inc.class
    const form = resolveForm(cls, send, cancel, 'action.confirmResolveIncident')
    this.slot.replaceChildren(form.el, runner.error)
    form.focus()
  }

  /** The 400 said a disposition is missing: the same form, now asking for it, the reason above it. */
  private askDisposition(button: HTMLButtonElement, changed: () => void, said: HTMLElement): void {
    this.openResolve(button, changed, true)
    this.slot.prepend(said)
  }
}
