import type Database from 'better-sqlite3'
import {
  createPanelIngest,
  type IngestPipeline,
  LearnedComponents,
  PanelDirectory,
  type PanelTarget,
  type SiteModel,
  type UitdIdentity,
} from '../../ingest/index.ts'
import type { Clock, Logger } from '../deps.ts'
import { createPanelOperationLog, type PanelOperationLog } from '../schedules/panel-operations.ts'

export interface UitdReceiverStateDeps {
  /** The gateway's ingest pipeline: panel reports take the MQTT devices' path to the alarm path. */
  pipeline: Pick<IngestPipeline, 'panelStatus' | 'panelReadings' | 'uitdLink' | 'panelOperation'>
  clock: Clock
  log: Logger
  /** The alert database: operation records are kept there. */
  db: Database.Database
  /** A UITD was heard again or went silent: its building's summary goes to the wall. */
  changed(building: string): void
}

/** How often a refused address is logged (a UITD retries every few seconds). */
const REFUSAL_LOG_MS = 60_000

/**
 * What the GB/T 26875.3 receiver keeps besides its listener (docs/gbt26875.md): which UITDs of the
 * site are accepted from where, the parts they report that the site does not declare (learned),
 * which are silent or were heard since start-up, and their operation records. The listener and
 * its sessions (gateway/uitd/) speak the protocol; this decides what is accepted and remembered.
 */
export class UitdReceiverState {
  readonly directory: PanelDirectory
  readonly learned = new LearnedComponents()
  readonly operations: PanelOperationLog
  /** UITD id → the IP it was last heard from ('' when not known). */
  private readonly heard = new Map<string, string>()
  private readonly silent = new Set<string>()
  private readonly refusalsLogged = new Map<string, number>()

  constructor(
    private readonly site: SiteModel,
    private readonly deps: UitdReceiverStateDeps,
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

  /** The link as this side knows it: silent, heard since start-up, from which IP. */
  link(id: string): { silent: boolean; heardSinceStart: boolean; remoteIp: string | null } {
    return {
      silent: this.silent.has(id),
      heardSinceStart: this.heard.has(id),
      remoteIp: this.heard.get(id) || null,
    }
  }
}
