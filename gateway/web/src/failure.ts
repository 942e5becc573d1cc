import { ApiError } from './api.ts'
import { t } from './i18n.ts'

/** Why a request failed, in words for the person who pressed the button. */
export function failureReason(err: unknown): string {
  if (err instanceof ApiError && err.status !== null) {
    return err.status === 403
      ? t('error.forbidden', { status: 403 })
      : t('error.http', { status: err.status })
  }
  return t('error.network')
}
