import { ApiError } from './api.ts'
import { h } from './dom.ts'
import { failureReason, PartialFailure } from './failure.ts'
import { type MessageKey, t } from './i18n.ts'

/**
 * Runs one acknowledge / resolve request from a button. While it runs the button is disabled; a
 * failure (gateway down, HTTP error, a token without the right) is said next to it, with a Retry
 * button that sends the same request again (not after a 400: the same request would be refused
 * again; the message says what to change). Nothing fails silently: a person pressed the button
 * believing the alarm was now theirs.
 */
export class ActionRunner {
  readonly error = h('p', { class: 'action-error', role: 'alert', hidden: '' })

  constructor(private readonly failedKey: MessageKey) {}

  /** `failed`: told of each failure too (after it is shown), e.g. to ask for what was missing. */
  run(
    button: HTMLButtonElement,
    request: () => Promise<unknown>,
    done: () => void,
    failed?: (err: unknown) => void,
  ): void {
    button.disabled = true
    this.error.hidden = true
    request().then(
      () => {
        button.disabled = false
        done()
      },
      (err: unknown) => {
        button.disabled = false
        this.fail(err, () => this.run(button, request, done, failed))
        failed?.(err)
      },
    )
  }

  private fail(err: unknown, retry: () => void): void {
    const counts: Record<string, number> =
      err instanceof PartialFailure ? { failed: err.failed, total: err.total } : {}
    const text = h('span', {}, t(this.failedKey, { reason: failureReason(err), ...counts }))
    if (err instanceof ApiError && err.status === 400) this.error.replaceChildren(text)
    else {
      const again = h('button', { type: 'button', class: 'retry' }, t('action.retry'))
      again.addEventListener('click', retry)
      this.error.replaceChildren(text, ' ', again)
    }
    this.error.hidden = false
  }
}
