import type Database from 'better-sqlite3'
import type { SiteModel } from '../../ingest/site-model.ts'
import type { Alert } from '../alert.ts'
import type { Clock } from '../deps.ts'
import type { Locale } from '../i18n/locale.ts'
import {
  type AckClaims,
  newShortNonce,
  shortTokenNonce,
  signShortToken,
  type VerifiedToken,
  verifyAckToken,
} from './ack-token.ts'

export interface AckLinkOptions {
  db: Database.Database
  key: Buffer
  clock: Clock
  /** `${PUBLIC_URL}` without a trailing slash; links are `${publicUrl}/a/<token>` (`/ack/` as well). */
  publicUrl: () => string
  ttlMs: number
  getAlert(id: string): Alert | undefined
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  /** The contact's name and language (its own, else the site's); undefined when it is gone. */
  contactOf(id: string): { name: string; locale: Locale } | undefined
  /** Names, time zone and language the pages show the alert with. */
  site: SiteModel
}

/** Whom a link was sent to; the page speaks their language. */
export interface AckContact {
  id: string
  name: string
  locale: Locale
}

/** What a link is good for now; `alert` and `contact` are set when the signature is valid. */
export type AckLinkState =
  | { status: 'valid' | 'spent'; alert: Alert; contact: AckContact }
  | { status: 'expired' | 'invalid' }

export type AckLinkUse =
  | { status: 'acknowledged' | 'already'; alert: Alert; contact: AckContact }
  | { status: 'spent' | 'expired' | 'invalid' }

export interface AckLinks {
  readonly site: SiteModel
  /** A new signed, single-use, expiring link for one contact and one alert. */
  issue(alertId: string, contact: string): string
  inspect(token: string): AckLinkState
  /** Spends the token, then acknowledges as `contact:<id>` (idempotent for the alert). */
  use(token: string, note: string | null): AckLinkUse
}

type Statement = Database.Statement<unknown[], unknown>

interface Resolved {
  claims: AckClaims
  alert: Alert
  contact: AckContact
}

export function createAckLinks(options: AckLinkOptions): AckLinks {
  return new SignedAckLinks(options)
}

class SignedAckLinks implements AckLinks {
  private readonly isSpent: Statement
  private readonly spend: Statement
  private readonly prune: Statement
  private readonly record: Statement
  private readonly issued: Statement
  private readonly pruneIssued: Statement

  readonly site: SiteModel

  constructor(private readonly options: AckLinkOptions) {
    const { db } = options
    this.site = options.site
    this.isSpent = db.prepare('SELECT 1 FROM ack_links_spent WHERE nonce = ?')
    this.spend = db.prepare(
      'INSERT OR IGNORE INTO ack_links_spent (nonce, alert_id, contact, spent_at) VALUES (?, ?, ?, ?)',
    )
    // Spent rows are only needed while their links could still be presented.
    this.prune = db.prepare('DELETE FROM ack_links_spent WHERE spent_at < ?')
    this.record = db.prepare(
      'INSERT INTO ack_links_issued (nonce, alert_id, contact, expires_at) VALUES (?, ?, ?, ?)',
    )
    this.issued = db.prepare(
      'SELECT alert_id AS alertId, contact, expires_at AS expiresAt FROM ack_links_issued WHERE nonce = ?',
    )
    this.pruneIssued = db.prepare('DELETE FROM ack_links_issued WHERE expires_at < ?')
  }

  issue(alertId: string, contact: string): string {
    const { key, clock, ttlMs } = this.options
    const now = clock.now()
    const nonce = newShortNonce()
    // Expired links are refused anyway; their rows go once they could not even say 'expired'
    // usefully (as long again).
    this.pruneIssued.run(now - ttlMs)
    this.record.run(nonce, alertId, contact, now + ttlMs)
    return `${this.options.publicUrl()}/a/${signShortToken(key, nonce)}`
  }

  inspect(token: string): AckLinkState {
    const found = this.resolve(token)
    if ('status' in found) return found
    const status = this.isSpent.get(found.claims.nonce) ? 'spent' : 'valid'
    return { status, alert: found.alert, contact: found.contact }
  }

  use(token: string, note: string | null): AckLinkUse {
    const found = this.resolve(token)
    if ('status' in found) return found
    const now = this.options.clock.now()
    // Spent before the acknowledgement: a crash in between leaves the alert to the other paths,
    // never a link that works twice.
    const spent = this.options.db.transaction(() => {
      this.prune.run(now - 2 * this.options.ttlMs)
      return this.spend.run(found.claims.nonce, found.alert.id, found.contact.id, now).changes === 1
    })
    if (!spent.immediate()) return { status: 'spent' }
    const wasOpen = found.alert.state === 'open'
    const actor = `contact:${found.contact.id}`
    const alert = this.options.acknowledge(found.alert.id, actor, note) ?? found.alert
    return { status: wasOpen ? 'acknowledged' : 'already', alert, contact: found.contact }
  }

  private resolve(token: string): Resolved | { status: 'expired' | 'invalid' } {
    const verified = this.verify(token)
    if (!verified.ok) return { status: verified.reason }
    const alert = this.options.getAlert(verified.claims.alertId)
    const contact = this.options.contactOf(verified.claims.contact)
    if (!alert || contact === undefined) return { status: 'invalid' }
    return { claims: verified.claims, alert, contact: { id: verified.claims.contact, ...contact } }
  }

  private verify(token: string): VerifiedToken {
    const now = this.options.clock.now()
    const nonce = shortTokenNonce(this.options.key, token)
    if (nonce === null) return verifyAckToken(this.options.key, token, now)
    const row = this.issued.get(nonce) as Omit<AckClaims, 'nonce'> | undefined
    // Signed by us but gone: pruned, so long expired.
    if (!row) return { ok: false, reason: 'expired' }
    if (now > row.expiresAt) return { ok: false, reason: 'expired' }
    return { ok: true, claims: { ...row, nonce } }
  }
}
