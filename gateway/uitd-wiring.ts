import type Database from 'better-sqlite3'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { UitdReceiverState } from '../alerting/panel/uitd-receiver-state.ts'
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { GatewayEnv } from './config.ts'
import type { TlsFiles } from './tls-files.ts'
import {
  createUitdListener,
  registerUitdMetrics,
  type UitdListener,
  UitdMetrics,
  uitdSettingsFromEnv,
} from './uitd/index.ts'
import { type UitdBadge, type UitdView, type UitdViewSources, uitdBadge, uitdViews } from './uitd-view.ts'

export interface UitdReceiverDeps {
  site: SiteModel
  /** The gateway's ingest pipeline: panel reports take the MQTT devices' path to the alarm path. */
  pipeline: IngestPipeline
  clock: { now(): number }
  log: Logger
  registry: Registry
  /** The alert database: operation records are kept there. */
  db: Database.Database
  tls: TlsFiles | null
  /** A UITD was heard again or went silent: its building's summary goes to the wall. */
  changed(building: string): void
}

export interface UitdReceiver {
  /** The port listened on; null while the receiver is off. */
  port: number | null
  listener: UitdListener | null
  views(buildings: ReadonlySet<string> | null): UitdView[]
  badges(building: string): UitdBadge[]
  /** Heard since start-up and not silent now: its panel components' word is current. */
  heard(uitd: string): boolean
  stop(): Promise<void>
}

/**
 * The GB/T 26875.3 receiver wired to the site and the gateway (docs/gbt26875.md): only the site's
 * UITDs, from their allowed IPs, are accepted; their reports go down the ingest pipeline; what
 * they report that the site does not declare is learned. Off (nothing listens) unless UITD_ENABLED=on.
 */
export async function startUitdReceiver(env: GatewayEnv, deps: UitdReceiverDeps): Promise<UitdReceiver> {
  const { site, log } = deps
  const state = new UitdReceiverState(site, deps)
  const metrics = new UitdMetrics()
  registerUitdMetrics(deps.registry, metrics)
  if (env.UITD_ENABLED === 'off') {
    if (site.uitds.length > 0)
      log.info({ uitds: site.uitds.length }, 'UITDs in the site; UITD_ENABLED=off, nothing listens')
    return receiverApi(viewSources(state, site, false, metrics, null), null, async () => {})
  }
  for (const u of site.uitds.filter((x) => !x.allowFrom))
    log.warn({ uitd: u.id }, 'UITD accepted from any IP: give it allowFrom in the site file (SECURITY.md)')
  const settings = uitdSettingsFromEnv(env)
  const listener = await createUitdListener({
    ...settings,
    ...(env.UITD_TLS === 'on' && deps.tls ? { tls: listenerTls(deps.tls) } : {}),
    clock: deps.clock,
    log,
    allow: (address, ip) => state.allow(address, ip),
    sinks: state.sinks(env.INGEST_MAX_SKEW_MS),
    metrics,
  })
  const neverHeard = setTimeout(
    () => state.silenceNeverHeard(),
    Math.max(1, env.UITD_SILENCE_TIMEOUT_SEC * 1000),
  )
  return receiverApi(viewSources(state, site, true, metrics, listener), listener, async () => {
    clearTimeout(neverHeard)
    await listener.close()
  })
}

function receiverApi(
  src: UitdViewSources,
  listener: UitdListener | null,
  stop: () => Promise<void>,
): UitdReceiver {
  return {
    port: listener?.port ?? null,
    listener,
    views: (buildings) => uitdViews(src, buildings),
    badges: (building) => uitdViews(src, new Set([building])).map(uitdBadge),
    heard: (id) => {
      const link = src.link(id)
      return src.receiver && link.heardSinceStart && !link.silent
    },
    stop,
  }
}

function listenerTls(tls: TlsFiles) {
  // With the site CA, a UITD must show a certificate from it: that is the authentication the protocol lacks.
  return tls.ca
    ? { key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true }
    : { key: tls.key, cert: tls.cert }
}

/** What the API's and the wall's UITD views read: the receiver's state, counters and connections. */
function viewSources(
  state: UitdReceiverState,
  site: SiteModel,
  receiver: boolean,
  metrics: UitdMetrics,
  listener: UitdListener | null,
): UitdViewSources {
  return {
    site,
    receiver,
    counters: (id) => metrics.perUitd.get(id),
    link: (id) => ({ connected: listener?.connected().includes(id) ?? false, ...state.link(id) }),
    components: (id) => state.directory.componentsOf(id).length,
    learned: (id) => ({ parts: state.learned.of(id), overflow: state.learned.overflow(id) }),
    operations: (id) => state.operations.latest(id, 20),
  }
}
