import { Counter, Gauge, type Registry } from 'prom-client'
import type { FrameErrorReason } from '../../ingest/gbt26875/index.ts'
import type { DenyReason } from './uitd-types.ts'

/** The `uitd` label of what comes from a connection before its first valid frame names it. */
export const UNIDENTIFIED = 'unidentified'

export type RefusalReason = 'not-allowed' | 'max-connections' | 'identify-timeout'
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
}

/** Registers the UITD metrics on a registry (the gateway's, next to its other metrics). */
export function registerUitdMetrics(registry: Registry, m: UitdMetrics): void {
  const each = (fn: (uitd: string, c: UitdCounters) => void) => {
    for (const [uitd, c] of m.perUitd) fn(uitd, c)
  }
  const perUitd = (name: string, help: string, read: (c: UitdCounters) => number) =>
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
  const perLabel = <K extends string>(
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
  perUitd('frames_total', 'Valid GB/T 26875.3 frames received, by UITD', (c) => c.frames)
  perUitd('heartbeats_total', 'Heartbeats (empty send-data or bare confirm) received', (c) => c.heartbeats)
  perUitd('confirms_total', 'Confirms (command 3) sent', (c) => c.confirms)
  perUitd(
    'duplicates_total',
    'Retransmitted frames confirmed again and not delivered twice',
    (c) => c.duplicates,
  )
  perUitd('checksum_errors_total', 'Frames whose checksum was wrong', (c) => c.badFrames.get('checksum') ?? 0)
  perLabel('denials_total', 'Denies (command 6) sent, by reason', 'reason', (c) => c.denials)
  perLabel('bad_frames_total', 'Bytes that were no valid frame, by reason', 'reason', (c) => c.badFrames)
  perLabel(
    'patrols_total',
    'Patrol checks (查岗), by outcome (answered, missed)',
    'outcome',
    (c) => c.patrols,
  )
  registerDownlinkAndState(registry, m, each)
}

function registerDownlinkAndState(
  registry: Registry,
  m: UitdMetrics,
  each: (fn: (uitd: string, c: UitdCounters) => void) => void,
): void {
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
  new Gauge({
    name: 'firewatch_uitd_last_seen_seconds',
    help: 'When a valid frame last came from the UITD (Unix seconds)',
    labelNames: ['uitd'],
    registers: [registry],
    collect() {
      this.reset()
      each((uitd, c) => {
        if (c.lastSeenMs > 0) this.labels(uitd).set(c.lastSeenMs / 1000)
      })
    },
  })
  new Gauge({
    name: 'firewatch_uitd_silent',
    help: '1 while the UITD has been silent past UITD_SILENCE_TIMEOUT_SEC',
    labelNames: ['uitd'],
    registers: [registry],
    collect() {
      this.reset()
      each((uitd, c) => {
        if (uitd !== UNIDENTIFIED) this.labels(uitd).set(c.silent ? 1 : 0)
      })
    },
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
