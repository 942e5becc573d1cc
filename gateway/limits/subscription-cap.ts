/**
 * MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: the filters each connection holds. Every filter costs the
 * broker a matcher entry and a check per published message, so one connection must not hold
 * thousands. Subscribing to a filter it already holds costs nothing and is always granted.
 */
export class SubscriptionCap<C extends object> {
  private readonly filters = new WeakMap<C, Set<string>>()

  constructor(private readonly max: number) {}

  /** True (and the filter counted) when the connection may hold one more; false at the cap. */
  admit(client: C, filter: string): boolean {
    let held = this.filters.get(client)
    if (!held) {
      held = new Set()
      this.filters.set(client, held)
    }
    if (held.has(filter)) return true
    if (held.size >= this.max) return false
    held.add(filter)
    return true
  }

  released(client: C, filters: readonly string[]): void {
    const held = this.filters.get(client)
    if (held) for (const f of filters) held.delete(f)
  }
}
