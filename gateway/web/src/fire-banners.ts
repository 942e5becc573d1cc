import type { Incident } from '../../../alerting/incidents/incident.ts'
import { ActionRunner } from './action-runner.ts'
import { incidentTitleText, incidentWhere, leadOf } from './alert-text.ts'
import { ackIncident } from './api.ts'
import { h } from './dom.ts'
import { clockTime, currentLocale, t } from './i18n.ts'
import type { WallStore } from './wall-store.ts'

/** One pinned banner; its texts are rewritten in place, so a note being typed into it survives. */
interface Banner {
  el: HTMLElement
  where: HTMLElement
  what: HTMLElement
}

const banners = new Map<string, Banner>()

/**
 * Unacknowledged fire incidents, pinned above everything until someone acknowledges them: one
 * banner per fire, however many detectors and floors it has reached (one fire is one banner).
 * A banner stays the same element while its incident is pinned, even as the fire reaches new
 * floors; its Acknowledge takes the whole incident.
 */
export function renderPinned(root: HTMLElement, store: WallStore): void {
  const locale = currentLocale()
  const shown = store.unacknowledgedFireIncidents().map((inc) => {
    const key = `${inc.id}|${locale}`
    let banner = banners.get(key)
    if (!banner) {
      banner = fireBanner(inc)
      banners.set(key, banner)
    }
    const lead = leadOf(inc, store.alerts)
    setText(banner.where, incidentWhere(inc, lead))
    setText(
      banner.what,
      `${incidentTitleText(inc, lead)} · ${t('fire.since', { time: clockTime(inc.openedAt) })}`,
    )
    return banner.el
  })
  for (const [key, b] of banners) if (!shown.includes(b.el)) banners.delete(key)
  const same = shown.length === root.children.length && shown.every((el, i) => root.children[i] === el)
  if (!same) root.replaceChildren(...shown)
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text
}

function fireBanner(inc: Incident): Banner {
  const note = h('input', {
    type: 'text',
    class: 'ack-note',
    placeholder: t('note.optional'),
    'aria-label': t('note.label'),
  })
  const ack = h('button', { type: 'button', class: 'ack' }, t('action.ack'))
  const runner = new ActionRunner('action.failed.ack')
  // Once acknowledged the banner goes with the incident event that follows; nothing to do here.
  ack.addEventListener('click', () =>
    runner.run(
      ack,
      () => ackIncident(inc.id, note.value),
      () => {},
    ),
  )
  const where = h('span', { class: 'fire-where' })
  const what = h('span', { class: 'fire-what' })
  const el = h(
    'div',
    { class: 'fire-banner', 'data-incident': inc.id },
    h('span', { class: 'fire-word' }, t('fire.word')),
    where,
    what,
    h('span', { class: 'fire-actions' }, note, ack),
    runner.error,
  )
  return { el, where, what }
}
