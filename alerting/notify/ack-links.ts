import type Database from 'better-sqlite3'
import type { SiteModel } from '../../ingest/index.ts'
import type { Alert } from '../alert.ts'
import type { Clock } from '../deps.ts'
import type { Locale } from '../i18n/locale.ts'
import type { Incident } from '../incidents/incident.ts'
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
  /** Links of older gateways name one alert: they acknowledge it (and so its incident). */
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  getIncident(id: string): Incident | undefined
  /** Who acknowledged the incident so far (actors, `contact:<id>` or token names), first first. */
  acknowledgers(id: string): string[]
  /** Acknowledges every open member of the incident (idempotent); undefined when there is none. */
  acknowledgeIncident(id: string, actor: string, note: string | null): Incident | undefined
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

/** The incident a link stands for, as its page shows it: with who acknowledged it, by name. */
export interface AckIncident {
  incident: Incident
  acknowledgedBy: string[]
}

/**
 * What a link is good for now; `alert` and `contact` are set when the signature is valid, and
 * `incident` for the link of an incident (`alert` is then the alert its pages carried).
 */
export type AckLinkState =
  | { status: 'valid' | 'spent'; alert: Alert; contact: AckContact; incident?: AckIncident }
  | { status: 'expired' | 'invalid' }

export type AckLinkUse =
  | { status: 'acknowledged' | 'already'; alert: Alert; contact: AckContact; incident?: AckIncident }
  | { status: 'spent' | 'expired' | 'invalid' }

export interface AckLinks {
  readonly site: SiteModel
  /** A new signed, single-use, expiring link for one contact and one alert. */
  issue(alertId: string, contact: string): string
  /**
   * The person's link of an incident: one per person and incident, so every message of the
   * incident carries the same link. A new one only when theirs was used, or has less than half
   * its life left.
   */
  issueForIncident(incidentId: string, leadAlertId: string, contact: string): string
  inspect(token: string): AckLinkState
  /** Spends the token, then acknowledges as `contact:<id>` (idempotent for the alert or incident). */
  use(token: string, note: string | null): AckLinkUse
}

type Statement = Database.Statement<unknown[], unknown>

interface Resolved {
  claims: AckClaims
  alert: Alert
  contact: AckContact
  incident?: Incident
}

/** Merged incidents go on in the one they were merged into; a chain is short, this bounds it. */
const MAX_MERGES = 16

export function createAckLinks(options: AckLinkOptions): AckLinks {
  return new SignedAckLinks(options)
}

class SignedAckLinks implements AckLinks {
  private readonly s: ReturnType<typeof statements>
  readonly site: SiteModel

  constructor(private readonly options: AckLinkOptions) {
    this.site = options.site
    this.s = statements(options.db)
  }

  issue(alertId: string, contact: string): string {
    return this.record(alertId, null, contact)
  }

  issueForIncident(incidentId: string, leadAlertId: string, contact: string): string {
    const { clock, ttlMs } = this.options
    const live = this.s.live.get(incidentId, contact, clock.now() + ttlMs / 2) as
      | { nonce: string }
      | undefined
    return live ? this.url(live.nonce) : this.record(leadAlertId, incidentId, contact)
  }

  inspect(token: string): AckLinkState {
    const found = this.resolve(token)
    if ('status' in found) return found
    const status = this.s.isSpent.get(found.claims.nonce) ? 'spent' : 'valid'
    return { status, alert: found.alert, contact: found.contact, ...this.view(found.incident) }
  }

  use(token: string, note: string | null): AckLinkUse {
    const found = this.resolve(token)
    if ('status' in found) return found
    const now = this.options.clock.now()
    const { incident, claims, contact } = found
    // Spent before the acknowledgement: a crash in between leaves the incident to the other
    // paths, never a link that works twice.
    const spent = this.options.db.transaction(() => {
      this.s.prune.run(now - 2 * this.options.ttlMs)
      const row = [claims.nonce, found.alert.id, contact.id, now, incident?.id ?? null]
      return this.s.spend.run(...row).changes === 1
    })
    if (!spent.immediate()) return { status: 'spent' }
    const actor = `contact:${contact.id}`
    if (incident) {
      const done = this.options.acknowledgeIncident(incident.id, actor, note) ?? incident
      const alert = this.options.getAlert(found.alert.id) ?? found.alert
      const status = incident.state === 'open' ? 'acknowledged' : 'already'
      return { status, alert, contact, ...this.view(done) }
    }
    const wasOpen = found.alert.state === 'open'
    const alert = this.options.acknowledge(found.alert.id, actor, note) ?? found.alert
    return { status: wasOpen ? 'acknowledged' : 'already', alert, contact }
  }

  private record(alertId: string, incidentId: string | null, contact: string): string {
    const { clock, ttlMs } = this.options
    const now = clock.now()
    const nonce = newShortNonce()
    // Expired links are refused anyway; their rows go once they could not even say 'expired'
    // usefully (as long again).
    this.s.pruneIssued.run(now - ttlMs)
    this.s.record.run(nonce, alertId, contact, now + ttlMs, incidentId)
    return this.url(nonce)
  }

  private url(nonce: string): string {
    return `${this.options.publicUrl()}/a/${signShortToken(this.options.key, nonce)}`
  }

  private view(incident: Incident | undefined): { incident?: AckIncident } {
    if (!incident) return {}
    // Those who used their link after someone else had acknowledged it count too.
    const linked = (this.s.spentOf.all(incident.id) as { contact: string }[]).map(
      (r) => `contact:${r.contact}`,
    )
    const names = [...this.options.acknowledgers(incident.id), ...linked].map((actor) => {
      const id = actor.startsWith('contact:') ? actor.slice('contact:'.length) : null
      return (id !== null && this.options.contactOf(id)?.name) || actor
    })
    return { incident: { incident, acknowledgedBy: [...new Set(names)] } }
  }

  private resolve(token: string): Resolved | { status: 'expired' | 'invalid' } {
    const verified = this.verify(token)
    if (!verified.ok) return { status: verified.reason }
    const { claims } = verified
    const alert = this.options.getAlert(claims.alertId)
    const contact = this.options.contactOf(claims.contact)
    const incident = claims.incidentId ? this.current(claims.incidentId) : undefined
    if (!alert || contact === undefined || (claims.incidentId && !incident)) return { status: 'invalid' }
    return { claims, alert, contact: { id: claims.contact, ...contact }, ...(incident ? { incident } : {}) }
  }

  /** The incident, or the one it was merged into (the situation goes on there). */
  private current(id: string): Incident | undefined {
    let incident = this.options.getIncident(id)
    for (let i = 0; i < MAX_MERGES && incident?.mergedInto; i++) {
      const into = this.options.getIncident(incident.mergedInto)
      if (!into) break
      incident = into
    }
    return incident
  }

  private verify(token: string): VerifiedToken {
    const now = this.options.clock.now()
    const nonce = shortTokenNonce(this.options.key, token)
    if (nonce === null) return verifyAckToken(this.options.key, token, now)
    const row = this.s.issued.get(nonce) as Omit<AckClaims, 'nonce'> | undefined
    // Signed by us but gone: pruned, so long expired.
    if (!row) return { ok: false, reason: 'expired' }
    if (now > row.expiresAt) return { ok: false, reason: 'expired' }
    return { ok: true, claims: { ...row, nonce } }
  }
}

function statements(db: Database.Database) {
  const p = (sql: string): Statement => db.prepare(sql)
  return {
    isSpent: p('SELECT 1 FROM ack_links_spent WHERE nonce = ?'),
    spend: p(
      'INSERT OR IGNORE INTO ack_links_spent (nonce, alert_id, contact, spent_at, incident_id) VALUES (?, ?, ?, ?, ?)',
    ),
    // Spent rows are only needed while their links could still be presented.
    prune: p('DELETE FROM ack_links_spent WHERE spent_at < ?'),
    record: p(
      'INSERT INTO ack_links_issued (nonce, alert_id, contact, expires_at, incident_id) VALUES (?, ?, ?, ?, ?)',
    ),
    issued: p(
      'SELECT alert_id AS alertId, incident_id AS incidentId, contact, expires_at AS expiresAt ' +
        'FROM ack_links_issued WHERE nonce = ?',
    ),
    live: p(
      'SELECT nonce FROM ack_links_issued WHERE incident_id = ? AND contact = ? AND expires_at >= ? ' +
        'AND nonce NOT IN (SELECT nonce FROM ack_links_spent) ORDER BY expires_at DESC LIMIT 1',
    ),
    pruneIssued: p('DELETE FROM ack_links_issued WHERE expires_at < ?'),
    spentOf: p('SELECT contact FROM ack_links_spent WHERE incident_id = ? ORDER BY spent_at, nonce'),
  }
}
