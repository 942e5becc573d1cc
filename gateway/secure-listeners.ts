import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { HttpConnectionWatch } from './http/http-connection-gate.ts'
import type { HttpHardening } from './http/http-hardening.ts'
import { HttpListeners } from './http/http-listeners.ts'
import type { ConnectionCaps } from './limits/fd-budget.ts'
import { createHardening, type Hardening } from './limits/hardening.ts'
import type { FirewatchBroker } from './mqtt/broker.ts'
import type { SecurityEnv } from './security-config.ts'
import { mqttTlsOptions, readTlsFiles, type TlsFiles } from './tls-files.ts'

export interface Security {
  hardening: Hardening
  http: HttpHardening
  tls: TlsFiles | null
}

/** Where the gateway listens; null = that listener is off. */
export interface ListenPorts {
  mqttPort: number | null
  mqttTlsPort: number | null
  httpPort: number | null
  httpsPort: number | null
}

type Env = SecurityEnv & {
  MQTT_PORT: number
  HTTP_PORT: number
  BIND_HOST: string
  INGEST_MAX_PAYLOAD_BYTES: number
}

/** The limits and the TLS material, ready before the broker and the HTTP app are built. */
export function prepareSecurity(
  env: Env,
  deps: { clock: { now(): number }; log: Logger; registry: Registry; devices: number },
): Security {
  const tls = readTlsFiles(env)
  const hardening = createHardening(env, deps)
  logConnectionCaps(hardening.connections.caps, deps)
  const listeners = new HttpListeners({
    host: env.BIND_HOST,
    plainPort: env.HTTP_PLAIN === 'on' ? env.HTTP_PORT : null,
    tls: tls ? { port: env.HTTPS_PORT, cert: tls.cert, key: tls.key } : null,
    connections: new HttpConnectionWatch(hardening.connections, hardening.reporter),
  })
  return {
    hardening,
    tls,
    http: {
      limits: hardening,
      loginGuard: {
        loginGuard: hardening.httpLoginGuard,
        onLockout: () => hardening.metrics.lockedOut('http'),
        onRefused: (limit, address) => hardening.reporter.hit(limit, address),
      },
      listeners,
    },
  }
}

/** Opens the plain and TLS listeners the environment asks for (README "Security"). */
export async function listenAll(
  env: Env,
  security: Security,
  broker: FirewatchBroker,
  http: FastifyInstance,
): Promise<ListenPorts> {
  const host = env.BIND_HOST
  const mqttPort = env.MQTT_PLAIN === 'on' ? await broker.listen(env.MQTT_PORT, host) : null
  const mqttTlsPort = security.tls
    ? await broker.listenTls(env.MQTT_TLS_PORT, host, mqttTlsOptions(security.tls, env.TLS_CLIENT_CERT))
    : null
  const { httpPort, httpsPort } = await security.http.listeners!.listen(http)
  return { mqttPort, mqttTlsPort, httpPort, httpsPort }
}

/** The caps in force, and a warning when the site has more devices than MQTT may connect. */
function logConnectionCaps(caps: ConnectionCaps, deps: { log: Logger; devices: number }): void {
  deps.log.info(caps, 'connection caps')
  if (deps.devices > caps.mqtt.total) {
    deps.log.warn(
      { devices: deps.devices, mqttMaxConnections: caps.mqtt.total, fdLimit: caps.fdLimit },
      'the site has more devices than MQTT_MAX_CONNECTIONS: raise the open-file limit (SECURITY.md "File descriptors")',
    )
  }
}
