import type { UitdBadge } from '../../uitd-view.ts'
import { h } from './dom.ts'
import { clockTime, type MessageKey, t } from './i18n.ts'

/**
 * The building's fire panel links (GB/T 26875.3 UITDs), a line each in the building view's head:
 * connected / silent / not connected, when last heard, and how many parts it reported that the
 * site file does not place (GET /api/v1/uitds lists them). Empty for a building without a UITD.
 */
export function renderUitds(root: HTMLElement, uitds: readonly UitdBadge[] | undefined): void {
  root.replaceChildren(...(uitds ?? []).map(uitdLine))
}

function uitdLine(u: UitdBadge): HTMLElement {
  const state = stateOf(u)
  const parts = [t(STATE_KEY[state])]
  if (u.lastSeenAt) parts.push(t('uitd.lastSeen', { time: clockTime(u.lastSeenAt) }))
  if (u.learned > 0) parts.push(t('uitd.learned', { count: u.learned }))
  return h(
    'span',
    { class: `uitd uitd-${state}`, 'data-uitd': u.id, title: u.id },
    h('strong', {}, `${t('uitd.title')} ${u.label ?? u.id}`),
    ` ${parts.join(' · ')}`,
  )
}

type UitdState = 'off' | 'silent' | 'connected' | 'notConnected'

const STATE_KEY: Record<UitdState, MessageKey> = {
  off: 'uitd.off',
  silent: 'uitd.silent',
  connected: 'uitd.connected',
  notConnected: 'uitd.notConnected',
}

function stateOf(u: UitdBadge): UitdState {
  if (!u.receiver) return 'off'
  if (u.silent) return 'silent'
  return u.connected ? 'connected' : 'notConnected'
}
