import type { AlertClass } from '../../../alerting/alert.ts'
import { h } from './dom.ts'
import { type MessageKey, t } from './i18n.ts'

export const DISPOSITIONS = ['real_fire', 'false_alarm', 'test', 'unknown'] as const
export type DispositionKind = (typeof DISPOSITIONS)[number]
export const CAUSES = ['cooking', 'steam', 'dust', 'smoking', 'insects', 'fault', 'other'] as const

export interface Disposition {
  kind: DispositionKind
  cause: string | null
}

// Key maps, written out, so that the catalogue test sees each key used.
const DISPOSITION_KEY: Record<DispositionKind, MessageKey> = {
  real_fire: 'disposition.real_fire',
  false_alarm: 'disposition.false_alarm',
  test: 'disposition.test',
  unknown: 'disposition.unknown',
}
const CAUSE_KEY: Record<(typeof CAUSES)[number], MessageKey> = {
  cooking: 'cause.cooking',
  steam: 'cause.steam',
  dust: 'cause.dust',
  smoking: 'cause.smoking',
  insects: 'cause.insects',
  fault: 'cause.fault',
  other: 'cause.other',
}

let forms = 0

/**
 * The confirmation step of Resolve: "Resolve this alert?" (or `question`) and, for a fire, what it
 * was (real fire, false alarm with its cause, test, not known). A resolve is final for the people
 * who watch the wall: one stray click must not end an alarm.
 */
export function resolveForm(
  cls: AlertClass,
  confirm: (disposition: Disposition | null) => void,
  cancel: () => void,
  question: MessageKey = 'action.confirmResolve',
): { el: HTMLElement; focus(): void } {
  const disposition = cls === 'fire' ? dispositionFieldset() : null
  const yes = h('button', { type: 'button', class: 'resolve-confirm' }, t('action.resolveConfirm'))
  const no = h('button', { type: 'button', class: 'resolve-cancel' }, t('action.cancel'))
  yes.addEventListener('click', () => {
    if (!disposition) return confirm(null)
    const chosen = disposition.value()
    if (chosen) confirm(chosen)
  })
  no.addEventListener('click', cancel)
  const el = h(
    'div',
    { class: 'resolve-form', role: 'group', 'aria-label': t(question) },
    h('p', { class: 'resolve-question' }, t(question)),
    disposition?.el ?? null,
    disposition?.missing ?? null,
    h('span', { class: 'resolve-buttons' }, yes, no),
  )
  return { el, focus: () => (disposition?.el.querySelector('input') ?? yes).focus() }
}

/** What a fire was: one of four, and for a false alarm its cause. `value()` says when none is chosen. */
function dispositionFieldset(): { el: HTMLElement; missing: HTMLElement; value(): Disposition | null } {
  const name = `disposition-${++forms}`
  const cause = h('select', { class: 'cause', name: 'cause', 'aria-label': t('cause.label') })
  for (const c of CAUSES) cause.append(h('option', { value: c }, t(CAUSE_KEY[c])))
  const causeLabel = h('label', { class: 'cause-label', hidden: '' }, `${t('cause.label')} `, cause)
  const radios = DISPOSITIONS.map((d) =>
    h('label', {}, h('input', { type: 'radio', name, value: d }), ` ${t(DISPOSITION_KEY[d])}`),
  )
  const el = h(
    'fieldset',
    { class: 'disposition' },
    h('legend', {}, t('disposition.label')),
    ...radios,
    causeLabel,
  )
  const missing = h('p', { class: 'action-error', role: 'alert', hidden: '' }, t('disposition.required'))
  el.addEventListener('change', () => {
    causeLabel.hidden = chosen(el) !== 'false_alarm'
    missing.hidden = true
  })
  const value = (): Disposition | null => {
    const kind = chosen(el)
    missing.hidden = kind !== null
    return kind === null ? null : { kind, cause: kind === 'false_alarm' ? cause.value : null }
  }
  return { el, missing, value }
}

function chosen(fieldset: HTMLElement): DispositionKind | null {
  const input = fieldset.querySelector<HTMLInputElement>('input:checked')
  return (input?.value as DispositionKind | undefined) ?? null
}

/**
 * The alert API's resolve takes a note only (an alert with no incident, which the wall resolves
 * through the alert API): the disposition goes at the head of the note, in a fixed form a report
 * can parse: `[false_alarm/cooking] note`. Incidents take it as fields (incident-item.ts).
 */
export function noteWithDisposition(note: string, d: Disposition | null): string {
  const text = note.trim()
  if (d === null) return text
  const tag = `[${d.kind}${d.cause ? `/${d.cause}` : ''}]`
  return text === '' ? tag : `${tag} ${text}`
}
