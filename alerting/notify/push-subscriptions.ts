import type Database from 'better-sqlite3'

/** A W3C PushSubscription as the browser hands it over (PushSubscription.toJSON()). */
export interface PushSubscriptionJson {
  endpoint: string
  expirationTime?: number | null
  keys: { p256dh: string; auth: string }
}

export interface StoredSubscription {
  id: number
  contact: string
  endpoint: string
  p256dh: string
  auth: string
  created_at: number
  created_by: string
  bad_since: number | null
  bad_reason: string | null
}

/**
 * Web Push subscriptions of contacts, registered through the API (not in the site file). One the
 * push service no longer knows (404 / 410) is removed; one it refused for another reason is kept,
 * marked bad, and no longer used until an admin clears the mark or the same endpoint is
 * registered again.
 */
export class PushSubscriptions {
  private readonly s: ReturnType<typeof statements>

  /** The table exists once an OutboxStore was opened on the same database. */
  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  /** Adds or replaces (same endpoint) a subscription; `created` is false for a replacement. */
  add(contact: string, sub: PushSubscriptionJson, by: string, at: number) {
    const existing = this.s.byEndpoint.get(sub.endpoint) as StoredSubscription | undefined
    const params = { contact, endpoint: sub.endpoint, ...sub.keys, by, at }
    this.s.upsert.run(params)
    const stored = this.s.byEndpoint.get(sub.endpoint) as StoredSubscription
    return { subscription: stored, created: existing === undefined }
  }

  get(id: number): StoredSubscription | undefined {
    return this.s.byId.get(id) as StoredSubscription | undefined
  }

  byEndpoint(endpoint: string): StoredSubscription | undefined {
    return this.s.byEndpoint.get(endpoint) as StoredSubscription | undefined
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes > 0
  }

  /** Subscriptions of a contact that still work, oldest first. */
  goodOf(contact: string): StoredSubscription[] {
    return this.s.goodOf.all(contact) as StoredSubscription[]
  }

  markBad(id: number, reason: string, at: number): void {
    this.s.bad.run(at, reason, id)
  }

  /** Every subscription of a contact, good or bad, oldest first. */
  allOf(contact: string): StoredSubscription[] {
    return this.s.allOf.all(contact) as StoredSubscription[]
  }

  /** Makes a contact's bad subscriptions usable again; how many were bad. */
  clearBad(contact: string): number {
    return this.s.clearBad.run(contact).changes
  }
}

/** The Destination address the push channel expects: the subscription JSON. */
export function subscriptionAddress(sub: StoredSubscription): string {
  return JSON.stringify({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } })
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    upsert: p(
      'INSERT INTO push_subscriptions (contact, endpoint, p256dh, auth, created_at, created_by) ' +
        'VALUES (@contact, @endpoint, @p256dh, @auth, @at, @by) ON CONFLICT (endpoint) DO UPDATE SET ' +
        'contact = @contact, p256dh = @p256dh, auth = @auth, created_at = @at, created_by = @by, ' +
        'bad_since = NULL, bad_reason = NULL',
    ),
    byId: p('SELECT * FROM push_subscriptions WHERE id = ?'),
    byEndpoint: p('SELECT * FROM push_subscriptions WHERE endpoint = ?'),
    remove: p('DELETE FROM push_subscriptions WHERE id = ?'),
    goodOf: p('SELECT * FROM push_subscriptions WHERE contact = ? AND bad_since IS NULL ORDER BY id'),
    bad: p('UPDATE push_subscriptions SET bad_since = ?, bad_reason = ? WHERE id = ?'),
    allOf: p('SELECT * FROM push_subscriptions WHERE contact = ? ORDER BY id'),
    clearBad: p(
      'UPDATE push_subscriptions SET bad_since = NULL, bad_reason = NULL WHERE contact = ? AND bad_since IS NOT NULL',
    ),
  }
}
