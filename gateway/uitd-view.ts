import { isoTime } from '../alerting/clock-iso.ts'
import type { PanelOperationRow } from '../alerting/schedules/panel-operations.ts'
import type { LearnedComponent } from '../ingest/panel/learned-components.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { addressToWireHex, type Uitd } from '../ingest/site/uitd-schema.ts'
import type { UitdCounters } from './uitd/uitd-metrics.ts'

/** One UITD as GET /api/v1/uitds shows it, and (its first fields) the wall's building view. */
export interface UitdView {
  id: string
  building: string
  label: string | null
  /** The address as a number and as its bytes on the wire (low byte first). */
  address: number
  addressHex: string
  /** The IPs and blocks it may connect from; null = any (no allowFrom in the site file). */
  allowFrom: string[] | null
  /** False while the receiver is off (UITD_ENABLED=off). */
  receiver: boolean
  connected: boolean
  /** Heard nothing for UITD_SILENCE_TIMEOUT_SEC (or never, since the gateway started). */
  silent: boolean
  lastSeenAt: string | null
  remoteIp: string | null
  frames: number
  heartbeats: number
  duplicates: number
  denials: Record<string, number>
  patrols: { answered: number; missed: number }
  /** Panel components of the site file reported through it. */
  components: number
  /** Parts it reported that the site file does not declare: place them (docs/gbt26875.md). */
  learned: LearnedView[]
  /** Undeclared parts not listed because the list is full (reports). */
  learnedOverflow: number
  /** The newest operation records (reset, silence, self-test...), newest first. */
  operations: OperationView[]
}

export interface LearnedView extends Omit<LearnedComponent, 'firstSeenAt' | 'lastSeenAt'> {
  firstSeenAt: string
  lastSeenAt: string
}

export interface OperationView extends Omit<PanelOperationRow, 'at'> {
  at: string
}

/** What the receiver knows of a UITD beyond its counters. */
export interface UitdLinkState {
  connected: boolean
  silent: boolean
  heardSinceStart: boolean
  remoteIp: string | null
}

export interface UitdViewSources {
  site: SiteModel
  receiver: boolean
  counters(id: string): UitdCounters | undefined
  link(id: string): UitdLinkState
  components(id: string): number
  learned(id: string): { parts: LearnedComponent[]; overflow: number }
  operations(id: string): PanelOperationRow[]
}

const iso = isoTime

export function uitdView(u: Uitd, src: UitdViewSources): UitdView {
  const c = src.counters(u.id)
  const link = src.link(u.id)
  const learned = src.learned(u.id)
  return {
    id: u.id,
    building: u.building,
    label: u.label ?? null,
    address: u.address,
    addressHex: addressToWireHex(u.address),
    allowFrom: u.allowFrom ?? null,
    receiver: src.receiver,
    connected: link.connected,
    silent: link.silent,
    lastSeenAt: c && c.lastSeenMs > 0 ? iso(c.lastSeenMs) : null,
    remoteIp: link.remoteIp,
    frames: c?.frames ?? 0,
    heartbeats: c?.heartbeats ?? 0,
    duplicates: c?.duplicates ?? 0,
    denials: Object.fromEntries(c?.denials ?? []),
    patrols: { answered: c?.patrols.get('answered') ?? 0, missed: c?.patrols.get('missed') ?? 0 },
    components: src.components(u.id),
    learned: learned.parts.map((p) => ({
      ...p,
      firstSeenAt: iso(p.firstSeenAt),
      lastSeenAt: iso(p.lastSeenAt),
    })),
    learnedOverflow: learned.overflow,
    operations: src.operations(u.id).map((o) => ({ ...o, at: iso(o.at) })),
  }
}

/** The UITDs of the buildings a caller may see (null = all), in site order. */
export function uitdViews(src: UitdViewSources, buildings: ReadonlySet<string> | null): UitdView[] {
  return src.site.uitds
    .filter((u) => buildings === null || buildings.has(u.building))
    .map((u) => uitdView(u, src))
}

/** What a building's tile and view show of its UITDs (live stream summaries). */
export interface UitdBadge {
  id: string
  label: string | null
  receiver: boolean
  connected: boolean
  silent: boolean
  lastSeenAt: string | null
  learned: number
}

export function uitdBadge(v: UitdView): UitdBadge {
  return {
    id: v.id,
    label: v.label,
    receiver: v.receiver,
    connected: v.connected,
    silent: v.silent,
    lastSeenAt: v.lastSeenAt,
    learned: v.learned.length + (v.learnedOverflow > 0 ? 1 : 0),
  }
}
