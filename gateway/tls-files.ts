import { readFileSync } from 'node:fs'
import type { TlsOptions } from 'node:tls'
import { configErrorMessage } from './config.ts'
import { type SecurityEnv, tlsConfigured } from './security-config.ts'

export interface TlsFiles {
  cert: Buffer
  key: Buffer
  /** CA of device certificates (TLS_CA_FILE), when client certificates are on. */
  ca: Buffer | null
}

/** Reads the PEM files named in the environment; an unreadable one stops start-up naming its variable. */
export function readTlsFiles(env: SecurityEnv): TlsFiles | null {
  if (!tlsConfigured(env)) return null
  return {
    cert: readPem('TLS_CERT_FILE', env.TLS_CERT_FILE!),
    key: readPem('TLS_KEY_FILE', env.TLS_KEY_FILE!),
    ca: env.TLS_CA_FILE ? readPem('TLS_CA_FILE', env.TLS_CA_FILE) : null,
  }
}

/**
 * MQTT over TLS. With a CA, certificates are requested; `optional` lets clients without one (or
 * with an untrusted one) finish the handshake so that the login decides (password, or CONNACK 5),
 * `required` fails the handshake of any client without a certificate from the CA.
 */
export function mqttTlsOptions(files: TlsFiles, clientCert: SecurityEnv['TLS_CLIENT_CERT']): TlsOptions {
  return {
    cert: files.cert,
    key: files.key,
    minVersion: 'TLSv1.2',
    ...(files.ca ? { ca: files.ca, requestCert: true, rejectUnauthorized: clientCert === 'required' } : {}),
  }
}

function readPem(variable: string, file: string): Buffer {
  try {
    const pem = readFileSync(file)
    if (!pem.includes('-----BEGIN')) throw new Error('not a PEM file')
    return pem
  } catch (err) {
    throw new Error(configErrorMessage([`${variable}: cannot read ${file}: ${(err as Error).message}`]))
  }
}
