import { ApiError } from './api.ts'
import { t } from './i18n.ts'

/** Why a request failed, in words for the person who pressed the button. */
export function failureReason(err: unknown): string {
  if (err instanceof PartialFailure) return failureReason(err.first)
  if (err instanceof ApiError && err.status !== null) {
    if (needsDisposition(err)) return t('error.disposition')
    return err.status === 403
      ? t('error.forbidden', { status: 403 })
      : t('error.http', { status: err.status })
  }
  return t('error.network')
}

/** The gateway refused to resolve a fire without saying what it was (HTTP 400 on `disposition`). */
export function needsDisposition(err: unknown): boolean {
  return err instanceof ApiError && err.status === 400 && err.issues.some((i) => i.path[0] === 'disposition')
}

/** Some requests of a bulk action failed: how many of how many, and the first reason. */
export class PartialFailure extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly first: unknown,
  ) {
    super(`${failed} of ${total} failed`)
  }
}
