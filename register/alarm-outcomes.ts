import type { AlarmRow, AlertReads } from './alert-reads.ts'

/** What a building's fire alarms of a period were, and how fast someone acknowledged them. */
export interface AlarmOutcomes {
  /** `incidents` when the alert file has them (one per situation), else device fire alerts. */
  source: 'incidents' | 'alerts'
  alarms: number
  fires: number
  falseAlarms: number
  tests: number
  /** Resolved without a disposition, or still open, or `unknown`. */
  unexplained: number
  /** Alarm to acknowledgement, seconds, of those acknowledged, in order of the alarms. */
  ackSeconds: number[]
}

/** The fire alarms of [from, to): incidents first (their disposition), else the alerts. */
export function alarmOutcomes(reads: AlertReads, building: string, from: number, to: number): AlarmOutcomes {
  const incidents = reads.hasIncidents()
  const rows = incidents ? reads.fireIncidents(building, from, to) : reads.fireAlerts(building, from, to)
  return summarise(incidents ? 'incidents' : 'alerts', rows)
}

export function summarise(source: AlarmOutcomes['source'], rows: readonly AlarmRow[]): AlarmOutcomes {
  const count = (kind: string) => rows.filter((r) => r.disposition === kind).length
  const fires = count('real_fire')
  const falseAlarms = count('false_alarm')
  const tests = count('test')
  return {
    source,
    alarms: rows.length,
    fires,
    falseAlarms,
    tests,
    unexplained: rows.length - fires - falseAlarms - tests,
    ackSeconds: rows
      .filter((r) => r.acknowledged_at !== null)
      .map((r) => Math.round((r.acknowledged_at! - r.opened_at) / 100) / 10),
  }
}

/** The p-th percentile (0..100) by nearest rank; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

/** False alarms among the alarms that were explained as fire or false (tests left out); null for none. */
export function falseAlarmRate(
  o: Pick<AlarmOutcomes, 'fires' | 'falseAlarms' | 'unexplained'>,
): number | null {
  const judged = o.fires + o.falseAlarms
  return judged === 0 ? null : o.falseAlarms / judged
}
