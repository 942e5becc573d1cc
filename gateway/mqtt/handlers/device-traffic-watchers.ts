import type { Client } from 'aedes'
import { parseFeedTopic } from '../../../ingest/topics.ts'

/**
 * Which connected clients subscribe to device traffic (recorders, diagnostics: brigade and admin
 * tokens on fw/#, fw/+/+/telemetry, ...). While there are none, accepted telemetry is not routed
 * through aedes' pub/sub at all: at thousands of readings a second that routing costs as much as
 * the ingest itself, for no receiver.
 */
export class DeviceTrafficWatchers {
  private readonly filters = new Map<Client, Set<string>>()

  /** A granted subscription; only token subscriptions outside the alerts topics count. */
  subscribed(client: Client, filter: string): void {
    if (parseFeedTopic(filter) !== null) return
    let set = this.filters.get(client)
    if (!set) {
      set = new Set()
      this.filters.set(client, set)
    }
    set.add(filter)
  }

  unsubscribed(client: Client, filters: readonly string[]): void {
    const set = this.filters.get(client)
    if (!set) return
    for (const f of filters) set.delete(f)
    if (set.size === 0) this.filters.delete(client)
  }

  disconnected(client: Client): void {
    this.filters.delete(client)
  }

  get any(): boolean {
    return this.filters.size > 0
  }
}
