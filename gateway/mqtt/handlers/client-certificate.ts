import { TLSSocket } from 'node:tls'
import type { Client } from 'aedes'

export type ClientCertificate =
  | { kind: 'none' }
  | { kind: 'trusted'; commonName: string }
  | { kind: 'untrusted'; reason: string }

/**
 * The certificate a TLS client presented, checked against TLS_CA_FILE by the TLS layer (the
 * listener requests certificates but lets clients without one through to the password login).
 */
export function clientCertificateOf(client: Client): ClientCertificate {
  const conn = client.conn
  if (!(conn instanceof TLSSocket)) return { kind: 'none' }
  const cert = conn.getPeerCertificate()
  if (!cert || Object.keys(cert).length === 0) return { kind: 'none' }
  if (!conn.authorized) return { kind: 'untrusted', reason: String(conn.authorizationError ?? 'unknown') }
  const cn = cert.subject?.CN
  const commonName = Array.isArray(cn) ? undefined : cn
  return commonName ? { kind: 'trusted', commonName } : { kind: 'untrusted', reason: 'no CN' }
}
