import { systemClock } from '../../clock.ts'
import { secondsUntil } from './backoff.ts'
import { h } from './dom.ts'
import { clockTime, t } from './i18n.ts'
import type { ConnectionState } from './live-client.ts'

/**
 * Connection lost: a banner across the middle of the screen and everything else greyed out
 * (`body.stale`), so that nobody takes the last known state for the present one. It says since
 * when (site time) and counts down to the next attempt, with a button to try at once.
 */
export class StaleBanner {
  private readonly title = h('strong', { class: 'stale-title' })
  private readonly body = h('p', { class: 'stale-body' })
  private readonly retry = h('span', { class: 'stale-retry', 'aria-live': 'off' })
  private readonly retryNow = h('button', { type: 'button', class: 'stale-retry-now' })
  private state: ConnectionState | null = null
  private tick: number | null = null

  constructor(
    private readonly el: HTMLElement,
    onRetryNow: () => void,
  ) {
    this.retryNow.addEventListener('click', onRetryNow)
    el.replaceChildren(this.title, this.body, h('p', { class: 'stale-actions' }, this.retry, this.retryNow))
  }

  show(state: ConnectionState): void {
    this.state = state
    const down = state.state === 'down'
    document.body.classList.toggle('stale', down)
    this.el.hidden = !down
    if (down && this.tick === null) this.tick = window.setInterval(() => this.render(), 1000)
    if (!down && this.tick !== null) {
      window.clearInterval(this.tick)
      this.tick = null
    }
    this.render()
  }

  render(): void {
    const s = this.state
    if (s?.state !== 'down') return
    this.title.textContent = `${t('stale.title')} ${t('stale.since', { time: clockTime(s.since) })}`
    this.body.textContent = t('stale.body')
    this.retry.textContent =
      s.retryAt === null
        ? t('stale.retrying')
        : t('stale.retryIn', { n: secondsUntil(s.retryAt, systemClock.now()) })
    this.retryNow.textContent = t('stale.retryNow')
    this.retryNow.disabled = s.retryAt === null
  }
}
