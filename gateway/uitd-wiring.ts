import type Database from 'better-sqlite3'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { createPanelOperationLog, type PanelOperationLog } from '../alerting/schedules/panel-operations.ts'
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts'
import { LearnedComponents } from '../ingest/panel/learned-components.ts'
import { PanelDirectory } from '../ingest/panel/panel-directory.ts'
import { createPanelIngest, type PanelTarget } from '../ingest/panel/panel-ingest.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { GatewayEnv } from './config.ts'
import type { TlsFiles } from './tls-files.ts'
import {
  createUitdListener,
  registerUitdMetrics,
  type UitdIdentity,
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

/** How often a refused address is logged (a UITD retries every few seconds). */
const REFUSAL_LOG_MS = 60_000

/**
 * The GB/T 26875.3 receiver wired to the site and the gateway (docs/gbt26875.md): only the site's
 * UITDs, from their allowed IPs, are accepted; their reports go down the ingest pipeline; what
 * they report that the site does not declare is learned. Off (nothing listens) unless UITD_ENABLED=on.
 */
export async function startUitdReceiver(env: GatewayEnv, deps: UitdReceiverDeps): Promise<UitdReceiver> {
  const { site, log } = deps
  const state = new ReceiverState(site, deps)
  const metrics = new UitdMetrics()
  registerUitdMetrics(deps.registry, metrics)
  if (env.UITD_ENABLED === 'off') {
    if (site.uitds.length > 0)
      log.info({ uitds: site.uitds.length }, 'UITDs in the site; UITD_ENABLED=off, nothing listens')
    return receiverApi(state.sources(false, metrics, null), null, async () => {})
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
  return receiverApi(state.sources(true, metrics, listener), listener, async () => {
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

/** What the receiver keeps besides the listener: the directory, learned parts, link states, operations. */
class ReceiverState {
  readonly directory: PanelDirectory
  readonly learned = new LearnedComponents()
  private readonly operations: PanelOperationLog
  private readonly heard = new Map<string, string>()
  private readonly silent = new Set<string>()
  private readonly refusalsLogged = new Map<string, number>()

  constructor(
    private readonly site: SiteModel,
    private readonly deps: UitdReceiverDeps,
  ) {
    this.directory = new PanelDirectory(site)
    this.operations = createPanelOperationLog(deps.db)
  }

  allow(address: number, ip: string): UitdIdentity | null {
    const found = this.directory.identify(address, ip)
    if ('uitd' in found) return { id: found.uitd.id, timeZone: found.uitd.timeZone ?? this.site.timezone }
    const key = `${address}|${ip}|${found.refused}`
    const now = this.deps.clock.now()
    if (now - (this.refusalsLogged.get(key) ?? Number.NEGATIVE_INFINITY) >= REFUSAL_LOG_MS) {
      if (this.refusalsLogged.size > 1_000) this.refusalsLogged.clear()
      this.refusalsLogged.set(key, now)
      this.deps.log.warn(
        { code: 'FGW_ERR_UITD_NOT_ALLOWED', source: address, remoteIp: ip, reason: found.refused },
        'UITD refused (logged once a minute per address, IP and reason)',
      )
    }
    return null
  }

  sinks(maxSkewMs: number) {
    const { pipeline } = this.deps
    const target: PanelTarget = {
      panelStatus: (s) => pipeline.panelStatus(s),
      panelReadings: (rs) => pipeline.panelReadings(rs),
      uitdLink: (e) => {
        if (e.kind === 'silent') this.silent.add(e.uitd)
        if (e.kind === 'seen') this.silent.delete(e.uitd)
        pipeline.uitdLink(e)
        if (e.kind === 'silent' || e.kind === 'seen') this.deps.changed(e.building)
      },
      panelOperation: (op) => {
        this.operations.record(op)
        pipeline.panelOperation(op)
      },
    }
    const panel = createPanelIngest({
      site: this.site,
      directory: this.directory,
      learned: this.learned,
      target,
      maxSkewMs,
    })
    return {
      ...panel,
      uitdSeen: (identity: UitdIdentity, at: number, remoteIp: string) => {
        if (remoteIp) this.heard.set(identity.id, remoteIp)
        else if (!this.heard.has(identity.id)) this.heard.set(identity.id, '')
        panel.uitdSeen(identity, at, remoteIp)
      },
    }
  }

  /** A UITD not heard at all since start-up is as silent as one that stopped. */
  silenceNeverHeard(): void {
    const now = this.deps.clock.now()
    for (const u of this.site.uitds) {
      if (this.heard.has(u.id) || this.silent.has(u.id)) continue
      this.silent.add(u.id)
      const e = { uitd: u.id, building: u.building, floor: u.floor, zone: u.zone }
      this.deps.pipeline.uitdLink({
        ...e,
        kind: 'silent',
        detail: 'not heard since the gateway started',
        at: now,
      })
      this.deps.changed(u.building)
    }
  }

  sources(receiver: boolean, metrics: UitdMetrics, listener: UitdListener | null): UitdViewSources {
    return {
      site: this.site,
      receiver,
      counters: (id) => metrics.perUitd.get(id),
      link: (id) => ({
        connected: listener?.connected().includes(id) ?? false,
        silent: this.silent.has(id),
        heardSinceStart: this.heard.has(id),
        remoteIp: this.heard.get(id) || null,
      }),
      components: (id) => this.directory.componentsOf(id).length,
      learned: (id) => ({ parts: this.learned.of(id), overflow: this.learned.overflow(id) }),
      operations: (id) => this.operations.latest(id, 20),
    }
  }
}
