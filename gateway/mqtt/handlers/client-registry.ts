import type { Client } from 'aedes'
import type { Principal } from '../../../ingest/site/site-model.ts'

/**
 * Who each MQTT connection is, and which connection is a device's current one. The latter tells
 * a stale Last Will (from a connection already replaced by a newer one) from a real one.
 */
export class ClientRegistry {
  private readonly principals = new WeakMap<Client, Principal>()
  private readonly deviceConnections = new Map<string, Client>()
  /**
   * Each device's newest accepted login. With the same client id aedes closes the old connection
   * before it announces the new one, so only this tells that old connection's Last Will is stale.
   */
  private readonly latestLogins = new Map<string, WeakRef<Client>>()

  /** Each API token's accepted logins, connected or about to be. */
  private readonly tokenLogins = new Map<string, Set<Client>>()

  authenticated(client: Client, principal: Principal): void {
    this.principals.set(client, principal)
    if (principal.type === 'device') this.latestLogins.set(principal.device.id, new WeakRef(client))
    else this.loginsOf(principal.name).add(client)
  }

  /** A token's logins still open. Closed ones are dropped here, whenever and however they ended. */
  openTokenLogins(token: string): number {
    const logins = this.loginsOf(token)
    for (const client of logins) if (client.closed) logins.delete(client)
    if (logins.size === 0) this.tokenLogins.delete(token)
    return logins.size
  }

  private loginsOf(token: string): Set<Client> {
    let logins = this.tokenLogins.get(token)
    if (!logins) {
      logins = new Set()
      this.tokenLogins.set(token, logins)
    }
    return logins
  }

  principalOf(client: Client | null): Principal | undefined {
    return client ? this.principals.get(client) : undefined
  }

  connected(client: Client): Principal | undefined {
    const principal = this.principals.get(client)
    if (principal?.type === 'device') this.deviceConnections.set(principal.device.id, client)
    return principal
  }

  disconnected(client: Client): Principal | undefined {
    const principal = this.principals.get(client)
    if (principal?.type === 'device' && this.deviceConnections.get(principal.device.id) === client) {
      this.deviceConnections.delete(principal.device.id)
    }
    return principal
  }

  /** The device's current connection, if it has one. */
  connectionOf(deviceId: string): Client | undefined {
    return this.deviceConnections.get(deviceId)
  }

  hasLiveConnection(deviceId: string): boolean {
    const current = this.deviceConnections.get(deviceId)
    return current !== undefined && !current.closed
  }

  /** True when the device has a live connection, or a login under way, other than `client`. */
  hasNewerConnection(deviceId: string, client: Client): boolean {
    const current = this.deviceConnections.get(deviceId)
    if (current !== undefined && current !== client) return true
    const latest = this.latestLogins.get(deviceId)?.deref()
    return latest !== undefined && latest !== client && !latest.closed
  }
}
