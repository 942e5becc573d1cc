import type { Alert } from '../../../alerting/alert.ts'
import { ActionRunner } from './action-runner.ts'
import { alertPlace, alertText } from './alert-text.ts'
import { alertAction } from './api.ts'
import { h } from './dom.ts'
import { classWord, clockTime, STATE_KEY, t } from './i18n.ts'
import { noteWithDisposition, resolveForm } from './resolve-form.ts'

/**
 * One alert of the building's list: what, where, when and, with `actions`, its Acknowledge /
 * Resolve buttons (an alert of an incident is handled through its incident instead). Resolve asks
 * first (and, for a fire, what it was); a failed request says so beside the buttons.
 */
export function alertItem(a: Alert, changed: () => void, actions = true): HTMLElement {
  const item = h(
    'li',
    { class: `alert ${a.class} ${a.state}`, 'data-alert': a.id, 'data-state': a.state },
    h('span', { class: 'alert-class' }, classWord(a.class)),
    h('span', { class: 'alert-state' }, t(STATE_KEY[a.state])),
    h('span', { class: 'alert-where' }, `${alertPlace(a)} · ${clockTime(a.openedAt)}`),
    h('span', { class: 'alert-message' }, alertText(a)),
  )
  if (a.state === 'resolved' || !actions) return item
  const note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: t('note.label'),
    'aria-label': t('note.label'),
  })
  const ackRunner = new ActionRunner('action.failed.ack')
  const slot = h('div', { class: 'resolve-slot' })
  const buttons = [
    a.state === 'open' ? ackButton(a, note, ackRunner, changed) : null,
    resolveButton(a, note, slot, changed),
  ]
  item.append(h('span', { class: 'alert-actions' }, note, ...buttons), ackRunner.error, slot)
  return item
}

function ackButton(a: Alert, note: HTMLInputElement, runner: ActionRunner, changed: () => void): HTMLElement {
  const ack = h('button', { type: 'button', class: 'ack' }, t('action.ack'))
  ack.addEventListener('click', () => runner.run(ack, () => alertAction(a.id, 'ack', note.value), changed))
  return ack
}

/** Resolve opens the confirmation in `slot`; its failure is said under it, with Retry. */
function resolveButton(
  a: Alert,
  note: HTMLInputElement,
  slot: HTMLElement,
  changed: () => void,
): HTMLElement {
  const resolve = h('button', { type: 'button', class: 'resolve' }, t('action.resolve'))
  const runner = new ActionRunner('action.failed.resolve')
  resolve.addEventListener('click', () => {
    const form = resolveForm(
      a.class,
      (disposition) => {
        const confirm = form.el.querySelector<HTMLButtonElement>('.resolve-confirm')!
        const text = noteWithDisposition(note.value, disposition)
        runner.run(confirm, () => alertAction(a.id, 'resolve', text), changed)
      },
      () => {
        slot.replaceChildren()
        resolve.focus()
      },
    )
    slot.replaceChildren(form.el, runner.error)
    form.focus()
  })
  return resolve
}
