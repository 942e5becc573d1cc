import { h } from './dom.ts'
import { failureReason } from './failure.ts'
import { type MessageKey, t } from './i18n.ts'

/**
 * Runs one acknowledge / resolve request from a button. While it runs the button is disabled; a
 * failure (gateway down, HTTP error, a token without the right) is said next to it, with a Retry
 * button that sends the same request again. Nothing fails silently: a person pressed the button
 * believing the alarm was now theirs.
 */
export class ActionRunner {
  readonly error = h('p', { class: 'action-error', role: 'alert', hidden: '' })

  constructor(private readonly failedKey: MessageKey) {}

  run(button: HTMLButtonElement, request: () => Promise<unknown>, done: () => void): void {
    button.disabled = true
    this.error.hidden = true
    request().then(
      () => {
        button.disabled = false
        done()
      },
      (err: unknown) => {
        button.disabled = false
        this.fail(err, () => this.run(button, request, done))
      },
    )
  }

  private fail(err: unknown, retry: () => void): void {
    const again = h('button', { type: 'button', class: 'retry' }, t('action.retry'))
    again.addEventListener('click', retry)
    this.error.replaceChildren(h('span', {}, t(this.failedKey, { reason: failureReason(err) })), ' ', again)
    this.error.hidden = false
  }
}
