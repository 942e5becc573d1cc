import type { Alert } from '../../../alerting/alert.ts'
import { ActionRunner } from './action-runner.ts'
import { alertText } from './alert-text.ts'
import { alertAction } from './api.ts'
import { h } from './dom.ts'
import { classWord, clockTime, floorName, STATE_KEY, t } from './i18n.ts'
import { noteWithDisposition, resolveForm } from './resolve-form.ts'

/**
 * One alert of the building's list: what, where, when, and its Acknowledge / Resolve buttons.
 * Resolve asks first (and, for a fire, what it was); a failed request says so beside the buttons.
 */
export function alertItem(a: Alert, changed: () => void): HTMLElement {
  const note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: t('note.label'),
    'aria-label': t('note.label'),
  })
  const ackRunner = new ActionRunner('action.failed.ack')
  const resolveRunner = new ActionRunner('action.failed.resolve')
  const buttons: HTMLButtonElement[] = []
  const item = h(
    'li',
    { class: `alert ${a.class} ${a.state}`, 'data-alert': a.id, 'data-state': a.state },
    h('span', { class: 'alert-class' }, classWord(a.class)),
    h('span', { class: 'alert-state' }, t(STATE_KEY[a.state])),
    h('span', { class: 'alert-where' }, `${floorName(a.floor)} · ${a.zone} · ${clockTime(a.openedAt)}`),
    h('span', { class: 'alert-message' }, alertText(a)),
  )
  if (a.state === 'open') {
    const ack = h('button', { type: 'button', class: 'ack' }, t('action.ack'))
    ack.addEventListener('click', () =>
      ackRunner.run(ack, () => alertAction(a.id, 'ack', note.value), changed),
    )
    buttons.push(ack)
  }
  if (a.state !== 'resolved') {
    const resolve = h('button', { type: 'button', class: 'resolve' }, t('action.resolve'))
    const slot = h('div', { class: 'resolve-slot' })
    resolve.addEventListener('click', () => {
      const form = resolveForm(
        a.class,
        (disposition) => {
          const confirm = form.el.querySelector<HTMLButtonElement>('.resolve-confirm')!
          const text = noteWithDisposition(note.value, disposition)
          resolveRunner.run(confirm, () => alertAction(a.id, 'resolve', text), changed)
        },
        () => {
          slot.replaceChildren()
          resolve.focus()
        },
      )
      slot.replaceChildren(form.el, resolveRunner.error)
      form.focus()
    })
    buttons.push(resolve)
    item.append(h('span', { class: 'alert-actions' }, note, ...buttons), ackRunner.error, slot)
  }
  return item
}
