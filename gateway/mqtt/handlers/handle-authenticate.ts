import type { AuthenticateError, Client } from 'aedes'
import type { Principal, SiteModel } from '../../../ingest/site/site-model.ts'
import type { Hardening } from '../../limits/hardening.ts'
import { remoteAddressOf } from '../../limits/publish-admission.ts'
import { type ClientCertificate, clientCertificateOf } from './client-certificate.ts'
import { type ClientIdRule, loginKey, loginName } from './client-id-rule.ts'
import type { ClientRegistry } from './client-registry.ts'
import type { PersistentSessions } from './persistent-sessions.ts'

export interface AuthenticateDeps {
  site: SiteModel
  clients: ClientRegistry
  clientIds: ClientIdRule
  sessions: PersistentSessions
  hardening: Hardening
  onRefused: (username: string) => void
}

type Done = (error: AuthenticateError | null, success: boolean | null) => void

/** aedes 1.2 applies maxClientsIdLength to MQTT 3.1 only; this bounds 3.1.1 client ids too. */
export const MAX_CLIENT_ID_LENGTH = 256

const MESSAGES = { 2: 'identifier rejected', 3: 'server unavailable', 5: 'not authorised' }

/**
 * [MQTT-3.2.2-5] 5 = not authorised (bad credentials); 3 = server unavailable (a limit: try
 * later); 2 = identifier rejected (client id too long, or another login's: client-id-rule.ts).
 */
function refuse(done: Done, returnCode: 2 | 3 | 5): void {
  const message = MESSAGES[returnCode]
  done(Object.assign(new Error(message), { returnCode }) as AuthenticateError, null)
}

/**
 * docs/protocol.md, "Logging in": username = device id (password = secret) or API token name
 * (password = token); or,
 * over TLS with TLS_CA_FILE, a device certificate whose CN is the device id. Connect rates and the
 * failed-login guard run before any secret is checked, so a login storm costs no scrypt.
 */
export function createAuthenticate(deps: AuthenticateDeps) {
  return (
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    done: Done,
  ): void => {
    const address = remoteAddressOf(client)
    const user = username ?? ''
    if (client.id.length > MAX_CLIENT_ID_LENGTH) {
      refuse(done, 2)
      return
    }
    if (!withinConnectRates(deps.hardening, client, user, address)) {
      refuse(done, 3)
      return
    }
    const cert = clientCertificateOf(client)
    if (cert.kind !== 'none') certificateLogin(deps, client, user, cert, done)
    else passwordLogin(deps, client, { address, user, password }, done)
  }
}

function withinConnectRates(hardening: Hardening, client: Client, user: string, address: string): boolean {
  const { mqtt, reporter } = hardening
  if (!mqtt.connectsPerAddress.take(address)) {
    reporter.hit('mqtt_connect_rate_address', address)
    return false
  }
  if (!mqtt.connectsPerClient.take(`${user || client.id}\u0000${address}`)) {
    reporter.hit('mqtt_connect_rate_client', user || client.id, { address })
    return false
  }
  return true
}

/** A username, when given, must name the certificate's device: no borrowing another identity. */
function certificateLogin(
  deps: AuthenticateDeps,
  client: Client,
  user: string,
  cert: Exclude<ClientCertificate, { kind: 'none' }>,
  done: Done,
): void {
  const principal = cert.kind === 'trusted' ? deps.site.deviceForCertificate(cert.commonName) : null
  if (!principal || (cert.kind === 'trusted' && user !== '' && user !== cert.commonName)) {
    deps.onRefused(user)
    refuse(done, 5)
    return
  }
  accept(deps, client, principal, done)
}

/** The lockout is checked, and the back-off waited, before any secret is: a storm costs no scrypt. */
function passwordLogin(
  deps: AuthenticateDeps,
  client: Client,
  login: { address: string; user: string; password: Readonly<Buffer | undefined> },
  done: Done,
): void {
  const { mqttLoginGuard: loginGuard, reporter, metrics } = deps.hardening
  const { address, user, password } = login
  const verdict = loginGuard.before(address, user)
  if (verdict.kind === 'locked') {
    reporter.hit('mqtt_login_lockout', address)
    refuse(done, 3)
    return
  }
  const check = () => {
    const verified = user && password ? deps.site.verifyLogin(user, password.toString('utf8')) : null
    void Promise.resolve(verified).then(
      (principal) => {
        if (principal) {
          loginGuard.succeeded(address, user)
          accept(deps, client, principal, done)
          return
        }
        if (loginGuard.failed(address, user)) metrics.lockedOut('mqtt')
        deps.onRefused(user)
        refuse(done, 5)
      },
      () => refuse(done, 3),
    )
  }
  if (verdict.delayMs > 0) setTimeout(check, verdict.delayMs)
  else check()
}

/**
 * Valid credentials; what is left is whether this login may use this client id (refused before
 * aedes would close the connection that uses it and publish that one's Last Will), the duplicate
 * login policy, and room for a persistent session.
 */
function accept(deps: AuthenticateDeps, client: Client, principal: Principal, done: Done): void {
  const { reporter } = deps.hardening
  const login = loginKey(principal)
  const refusal = deps.clientIds.check(client.id, login)
  if (refusal) {
    reporter.hit(refusal, loginName(principal), { clientId: client.id.slice(0, 64) })
    refuse(done, 2)
    return
  }
  // A token may not fill the broker: the devices' connections are what the site is for.
  if (
    principal.type === 'token' &&
    deps.clients.openTokenLogins(principal.name) >= deps.hardening.mqtt.maxConnectionsPerToken
  ) {
    reporter.hit('mqtt_token_connections', principal.name)
    refuse(done, 3)
    return
  }
  if (
    principal.type === 'device' &&
    deps.hardening.mqtt.duplicateLogin === 'refuse' &&
    deps.clients.hasLiveConnection(principal.device.id)
  ) {
    reporter.hit('mqtt_duplicate_login', principal.device.id, { policy: 'refuse' })
    refuse(done, 3)
    return
  }
  // Claimed at once, before anything asynchronous: a second login with the id is refused meanwhile.
  deps.clientIds.claim(client.id, login, client)
  deps.sessions.admit(client, login, principal).then(
    (admitted) => {
      if (admitted) {
        deps.clients.authenticated(client, principal)
        return done(null, true)
      }
      reporter.hit('mqtt_persistent_sessions', loginName(principal))
      refuse(done, 3)
    },
    () => refuse(done, 3),
  )
}
