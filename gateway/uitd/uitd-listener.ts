import net from 'node:net'
import tls from 'node:tls'
import { z } from 'zod'
import { FirewatchError } from '../../ingest/error-codes.ts'
import { UitdSettings, type UitdSettingsInput, type UitdSettingsResolved } from './uitd-config.ts'
import { UitdHub } from './uitd-hub.ts'
import { type DownlinkResult, UitdMetrics } from './uitd-metrics.ts'
import { type PatrolStart, Patrols } from './uitd-patrol.ts'
import { type AllowUitd, UitdSession } from './uitd-session.ts'
import type { UitdLog, UitdSinks } from './uitd-types.ts'

export interface UitdListenerOptions extends UitdSettingsInput {
  /** PEM key and certificate (and a CA to require client certificates from): TLS instead of plain TCP. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requestCert?: boolean }
  clock: { now(): number }
  log: UitdLog
  /** The identity of an allowed UITD, or null to refuse it (deny, close, counted). */
  allow: AllowUitd
  sinks: UitdSinks
  /** Counters to fill (register them with registerUitdMetrics); a fresh set when absent. */
  metrics?: UitdMetrics
}

export interface UitdListener {
  /** The port listened on (the OS's choice when asked for 0). */
  readonly port: number
  readonly metrics: UitdMetrics
  /** Ids of the UITDs connected now. */
  connected(): string[]
  /** Sends a patrol check now (besides the schedule). */
  patrol(uitdId: string): PatrolStart
  /** Sets a connected UITD's clock now. */
  syncTime(uitdId: string): Promise<DownlinkResult | 'not-connected'>
  close(): Promise<void>
}

/**
 * The GB/T 26875.3 receiver: a TCP (or TLS) listener for user information transmission devices.
 * Settings are validated (zod) before anything listens; a bad one is FGW_ERR_CONFIG.
 */
export async function createUitdListener(options: UitdListenerOptions): Promise<UitdListener> {
  const parsed = UitdSettings.safeParse(options)
  if (!parsed.success)
    throw new FirewatchError('FGW_ERR_CONFIG', `UITD listener settings: ${z.prettifyError(parsed.error)}`)
  const settings = parsed.data
  const metrics = options.metrics ?? new UitdMetrics()
  const deps = { settings, clock: options.clock, log: options.log, sinks: options.sinks, metrics }
  const hub = new UitdHub(deps)
  const patrols = new Patrols(hub)
  const sessions = new Set<UitdSession>()
  const server = await listen(options, settings, (socket) => {
    if (sessions.size >= settings.maxConnections) return refuse(socket)
    socket.setNoDelay(true)
    metrics.connections++
    const session = new UitdSession(socket, { ...deps, hub, patrols, allow: options.allow })
    sessions.add(session)
    socket.once('close', () => sessions.delete(session))
  })
  const refuse = (socket: net.Socket) => {
    metrics.refuse('max-connections')
    options.log.warn(
      { code: 'FGW_ERR_UITD_CONNECTIONS', remoteIp: socket.remoteAddress },
      'UITD connection refused',
    )
    socket.destroy()
  }
  return listenerApi({ server, hub, patrols, sessions, metrics })
}

function listenerApi(parts: {
  server: net.Server
  hub: UitdHub
  patrols: Patrols
  sessions: Set<UitdSession>
  metrics: UitdMetrics
}): UitdListener {
  const { server, hub, patrols, sessions, metrics } = parts
  const sessionOf = (id: string) => {
    const session = hub.states.get(id)?.session
    return session instanceof UitdSession ? session : null
  }
  return {
    port: (server.address() as net.AddressInfo).port,
    metrics,
    connected: () => [...hub.states.values()].filter((s) => s.session).map((s) => s.identity.id),
    patrol: (id) => patrols.start(id),
    syncTime: async (id) => (await sessionOf(id)?.syncTime()) ?? 'not-connected',
    close: async () => {
      hub.close()
      for (const session of sessions) session.close('listener-closing', true)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

async function listen(
  options: UitdListenerOptions,
  settings: UitdSettingsResolved,
  accept: (socket: net.Socket) => void,
): Promise<net.Server> {
  const server = options.tls
    ? tls.createServer({ ...options.tls, rejectUnauthorized: options.tls.requestCert ?? false }, accept)
    : net.createServer(accept)
  // A TLS handshake that fails is the client's problem; it must not reach the process.
  server.on('tlsClientError', (err) => options.log.debug({ err }, 'UITD TLS handshake failed'))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (err) => options.log.warn({ err }, 'UITD listener error'))
  const { port } = server.address() as net.AddressInfo
  options.log.info({ port, host: settings.host, tls: Boolean(options.tls) }, 'UITD listener up')
  return server
}
