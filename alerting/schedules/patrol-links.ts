import type { Clock } from '../deps.ts'
import { newNonce, signAckToken, verifyAckToken } from '../notify/ack-token.ts'

/** Patrol check ids start so; alert ids (ULIDs, upper case) never do, so no token fits both. */
export const CHECK_ID_PREFIX = 'pc-'

/** A late confirmation is still recorded (the missed-check alert stays for a person to close). */
const LATE_GRACE_MS = 24 * 3_600_000

export interface PatrolLinks {
  /** `${publicUrl}/patrol/<token>` for one contact and one check. */
  issue(checkId: string, contact: string, dueBy: number): string
  /** The check and contact a token names, if it is genuine and not expired. */
  verify(token: string): { checkId: string; contact: string } | { invalid: 'invalid' | 'expired' }
}

/**
 * One-tap confirmation links of patrol checks: the signed tokens of the acknowledgement links
 * (notify/ack-token.ts, same key in DATA_DIR) naming a check instead of an alert. Not single-use:
 * confirming twice changes nothing.
 */
export function createPatrolLinks(key: Buffer, clock: Clock, publicUrl: () => string): PatrolLinks {
  return {
    issue(checkId, contact, dueBy) {
      const token = signAckToken(key, {
        alertId: checkId,
        contact,
        expiresAt: dueBy + LATE_GRACE_MS,
        nonce: newNonce(),
      })
      return `${publicUrl()}/patrol/${token}`
    },
    verify(token) {
      const v = verifyAckToken(key, token, clock.now())
      if (!v.ok) return { invalid: v.reason }
      if (!v.claims.alertId.startsWith(CHECK_ID_PREFIX)) return { invalid: 'invalid' }
      return { checkId: v.claims.alertId, contact: v.claims.contact }
    },
  }
}
