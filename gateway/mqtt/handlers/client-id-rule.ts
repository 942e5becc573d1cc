import type { Client } from 'aedes'
import type { Principal, SiteModel } from '../../../ingest/site/site-model.ts'

/** Who owns a client id, a session or a namespace: one key per device and per API token. */
export function loginKey(principal: Principal): string {
  return principal.type === 'device' ? `device:${principal.device.id}` : `token:${principal.name}`
}

export function loginName(principal: Principal): string {
  return principal.type === 'device' ? principal.device.id : principal.name
}

export type ClientIdRefusal = 'mqtt_client_id_namespace' | 'mqtt_client_id_taken'

/**
 * The client id rule (README "Client ids", SECURITY.md "Silenced alarm"). In MQTT a login with a
 * client id that is in use closes the connection that uses it, and takes over its session; with
 * any valid credentials, that would knock another building's device off and inherit its queue.
 * So a client id belongs to one login:
 * - `<name>` and `<name>:<anything>`, where name is a device id or a token name, belong to that
 *   device or token, whether in use or not (nobody can take a device's own ids before it does);
 * - any other id belongs, while it is in use or has a persistent session, to the login using it.
 * A login may always take over its own ids (a device reconnecting after a half-open connection).
 */
export class ClientIdRule {
  private readonly tokenNames: ReadonlySet<string>
  private readonly holders = new Map<string, { login: string; client: Client }>()

  constructor(
    private readonly site: SiteModel,
    /** The login whose persistent session has this client id, if any. */
    private readonly sessionOwner: (clientId: string) => string | undefined,
  ) {
    this.tokenNames = new Set(site.file.apiTokens.map((t) => t.name))
  }

  /** Null when `login` may use `clientId`; otherwise why not. */
  check(clientId: string, login: string): ClientIdRefusal | null {
    const space = this.namespaceOwner(clientId)
    if (space !== undefined && space !== login) return 'mqtt_client_id_namespace'
    const holder = this.holders.get(clientId)
    if (holder && !holder.client.closed && holder.login !== login) return 'mqtt_client_id_taken'
    const owner = this.sessionOwner(clientId)
    return owner !== undefined && owner !== login ? 'mqtt_client_id_taken' : null
  }

  /** The login now uses the client id, until its connection closes. */
  claim(clientId: string, login: string, client: Client): void {
    if (client.closed) return
    this.holders.set(clientId, { login, client })
    client.conn.once('close', () => {
      if (this.holders.get(clientId)?.client === client) this.holders.delete(clientId)
    })
  }

  /** Device ids win over token names, as at login (site-model.ts verifyLogin). */
  private namespaceOwner(clientId: string): string | undefined {
    const colon = clientId.indexOf(':')
    const name = colon < 0 ? clientId : clientId.slice(0, colon)
    if (this.site.device(name)) return `device:${name}`
    return this.tokenNames.has(name) ? `token:${name}` : undefined
  }
}
