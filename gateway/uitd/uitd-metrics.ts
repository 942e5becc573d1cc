import { Counter, Gauge, type Registry } from 'prom-client'
import type { FrameErrorReason } from '../../ingest/gbt26875/index.ts'
import type { DenyReason } from './uitd-types.ts'

/** The `uitd` label of what comes from a connection before its first valid frame names it. */
export const UNIDENTIFIED = 'unidentified'

export type RefusalReason = 'not-allowed' | 'max-connections' | 'identify-timeout'
/** Why the listener closed a connection; the `reason` label of firewatch_uitd_closed_total. */
export type CloseReason =
  | 'idle'
  | 'identify-timeout'
  | 'not-allowed'
  | 'address-changed'
  | 'replaced'
  | 'internal-error'
  | 'listener-closing'
export type DownlinkKind = 'time-sync' | 'patrol'
export type DownlinkResult = 'confirmed' | 'denied' | 'unanswered' | 'closed'

/** Counts of one UITD (label values are identity ids, bounded by the site). */
export class UitdCounters {
  frames = 0
  heartbeats = 0
  confirms = 0
  duplicates = 0
  lastSeenMs = 0
  silent = false
  readonly denials = new Map<DenyReason, number>()
  readonly badFrames = new Map<FrameErrorReason, number>()
  readonly downlink = new Map<string, number>()
  readonly patrols = new Map<'answered' | 'missed', number>()
}

const bump = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n)

/**
 * Per-UITD counters kept as plain numbers on the hot path and handed to prom-client at scrape time
 * (registerUitdMetrics), the pattern of gateway/metrics.ts.
 */
export class UitdMetrics {
  readonly perUitd = new Map<string, UitdCounters>()
  readonly refused = new Map<RefusalReason, number>()
  readonly closes = new Map<CloseReason, number>()
  connections = 0

  of(uitd: string): UitdCounters {
    let c = this.perUitd.get(uitd)
    if (!c) {
      c = new UitdCounters()
      this.perUitd.set(uitd, c)
    }
    return c
  }

  deny(uitd: string, reason: DenyReason): void {
    bump(this.of(uitd).denials, reason)
  }

  badFrame(uitd: string, reason: FrameErrorReason): void {
    bump(this.of(uitd).badFrames, reason)
  }

  downlinkResult(uitd: string, kind: DownlinkKind, result: DownlinkResult): void {
    bump(this.of(uitd).downlink, `${kind}\u0000${result}`)
  }

  patrol(uitd: string, outcome: 'answered' | 'missed'): void {
    bump(this.of(uitd).patrols, outcome)
  }

  refuse(reason: RefusalReason): void {
    bump(this.refused, reason)
  }

  closed(reason: CloseReason): void {
    bump(this.closes, reason)
  }
}

type Each = (fn: (uitd: string, c: UitdCounters) => void) => void

/** Registers the UITD metrics on a registry (the gateway's, next to its other metrics). */
export function registerUitdMetrics(registry: Registry, m: UitdMetrics): void {
  const each: Each = (fn) => {
    for (const [uitd, c] of m.perUitd) fn(uitd, c)
  }
  registerCounts(registry, each)
  registerByLabel(registry, each)
  registerCommands(registry, each)
  registerState(registry, m, each)
}

function registerCounts(registry: Registry, each: Each): void {
  const count = (name: string, help: string, read: (c: UitdCounters) => number) =>
    new Counter({
      name: `firewatch_uitd_${name}`,
      help,
      labelNames: ['uitd'],
      registers: [registry],
      collect() {
        this.reset()
        each((uitd, c) => this.labels(uitd).inc(read(c)))
      },
    })
  count('frames_total', 'Valid GB/T 26875.3 frames received, by UITD', (c) => c.frames)
  count('heartbeats_total', 'Heartbeats (empty send-data or bare confirm) received', (c) => c.heartbeats)
  count('confirms_total', 'Confirms (command 3) sent', (c) => c.confirms)
  count(
    'duplicates_total',
    'Retransmitted frames confirmed again and not delivered twice',
    (c) => c.duplicates,
  )
  count('checksum_errors_total', 'Frames whose checksum was wrong', (c) => c.badFrames.get('checksum') ?? 0)
}

function registerByLabel(registry: Registry, each: Each): void {
  const byLabel = <K extends string>(
    name: string,
    help: string,
    label: string,
    read: (c: UitdCounters) => Map<K, number>,
  ) =>
    new Counter({
      name: `firewatch_uitd_${name}`,
      help,
      labelNames: ['uitd', label],
      registers: [registry],
      collect() {
        this.reset()
        each((uitd, c) => {
          for (const [value, n] of read(c)) this.labels(uitd, value).inc(n)
        })
      },
    })
  byLabel('denials_total', 'Denies (command 6) sent, by reason', 'reason', (c) => c.denials)
  byLabel('bad_frames_total', 'Bytes that were no valid frame, by reason', 'reason', (c) => c.badFrames)
  byLabel('patrols_total', 'Patrol checks (查岗), by outcome (answered, missed)', 'outcome', (c) => c.patrols)
}

function registerCommands(registry: Registry, each: Each): void {
  new Counter({
    name: 'firewatch_uitd_commands_total',
    help: 'Commands sent to UITDs (clock sync, patrol check), by kind and result',
    labelNames: ['uitd', 'kind', 'result'],
    registers: [registry],
    collect() {
      this.reset()
      each((uitd, c) => {
        for (const [key, n] of c.downlink) {
          const [kind, result] = key.split('\u0000') as [string, string]
          this.labels(uitd, kind, result).inc(n)
        }
      })
    },
  })
}

function registerState(registry: Registry, m: UitdMetrics, each: Each): void {
  const gauge = (name: string, help: string, set: (g: Gauge, uitd: string, c: UitdCounters) => void) =>
    new Gauge({
      name: `firewatch_uitd_${name}`,
      help,
      labelNames: ['uitd'],
      registers: [registry],
      collect() {
        this.reset()
        each((uitd, c) => set(this, uitd, c))
      },
    })
  gauge('last_seen_seconds', 'When a valid frame last came from the UITD (Unix seconds)', (g, uitd, c) => {
    if (c.lastSeenMs > 0) g.labels(uitd).set(c.lastSeenMs / 1000)
  })
  gauge('silent', '1 while the UITD has been silent past its silence timeout', (g, uitd, c) => {
    if (uitd !== UNIDENTIFIED) g.labels(uitd).set(c.silent ? 1 : 0)
  })
  new Gauge({
    name: 'firewatch_uitd_connections',
    help: 'Open UITD connections',
    registers: [registry],
    collect() {
      this.set(m.connections)
    },
  })
  new Counter({
    name: 'firewatch_uitd_closed_total',
    help: 'UITD connections the listener closed, by reason (idle, identify-timeout, not-allowed, replaced, ...)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [reason, n] of m.closes) this.labels(reason).inc(n)
    },
  })
  new Counter({
    name: 'firewatch_uitd_refused_total',
    help: 'UITD connections refused, by reason (not-allowed, max-connections, identify-timeout)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [reason, n] of m.refused) this.labels(reason).inc(n)
    },
  })
}
