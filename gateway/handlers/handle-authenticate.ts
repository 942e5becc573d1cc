import type { AuthenticateError, Client } from 'aedes'
import type { SiteModel } from '../../ingest/site-model.ts'
import type { ClientRegistry } from './client-registry.ts'

export interface AuthenticateDeps {
  site: SiteModel
  clients: ClientRegistry
  onRefused: (username: string) => void
}

/** CONTRACT.md: username = device id (password = secret) or API token name (password = token). */
export function createAuthenticate(deps: AuthenticateDeps) {
  return (
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    const principal =
      username && password ? deps.site.authenticate(username, password.toString('utf8')) : null
    if (!principal) {
      deps.onRefused(username ?? '')
      // [MQTT-3.2.2-5] CONNACK return code 5: not authorised.
      const error = Object.assign(new Error('not authorised'), { returnCode: 5 }) as AuthenticateError
      done(error, null)
      return
    }
    deps.clients.authenticated(client, principal)
    done(null, true)
  }
}
