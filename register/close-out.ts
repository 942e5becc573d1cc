import { isoTime } from '../alerting/clock-iso.ts'
import { DEFAULT_HEARTBEAT_SEC, DEFAULT_OFFLINE_AFTER_MISSED } from '../alerting/rules/offline-watch.ts'
import { UITD_OFFLINE } from '../alerting/rules/panel-placeholders.ts'
import type { Register, VerifyRule } from '../ingest/site/register-schema.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { HistoryPoint, ReadingsHistory } from '../ingest/store/history-query.ts'
import type { AlertReads } from './alert-reads.ts'
import type { HazardRow } from './hazard.ts'

const HOUR_MS = 3_600_000

/** What one device showed over the hold window. */
export interface DeviceEvidence {
  device: string
  held: boolean
  /** The alert of the linked rules active in the window (the newest), if any. */
  alert: { id: string; rule: string; openedAt: string; resolvedAt: string | null } | null
  /** Intervals of the device's allowed silence (heartbeat × missed) with a reading / in all. */
  reported: { intervals: number; withReadings: number; intervalSec: number }
  /** With a `verify.metric`: the lowest and highest reading and how many crossed the line. */
  metric: {
    name: string
    above?: number
    below?: number
    min: number | null
    max: number | null
    breaches: number
  } | null
  /** Why it did not hold, in plain words (English; the wall translates the verdict, not this). */
  reason: string | null
}

/** The register shows this with a sensor-linked hazard; `held` gates its close-out. */
export interface CloseOutEvidence {
  checkedAt: string
  holdHours: number
  window: { from: string; to: string }
  held: boolean
  /** The time the condition has held since (the end of the last alert), when known. */
  normalSince: string | null
  devices: DeviceEvidence[]
}

export interface CloseOutDeps {
  site: SiteModel
  alerts: AlertReads
  readings: ReadingsHistory
}

/** The verify entries that name any of the hazard's rules (all of them when it names none). */
export function verifyRulesOf(register: Register, rules: readonly string[]): VerifyRule[] {
  return register.verify.filter((v) => rules.length === 0 || v.rules.some((r) => rules.includes(r)))
}

/**
 * Sensor-verified close-out: a hazard linked to devices holds when, for `holdHours` up to now, no
 * alert of its rules was active on any of them, each reported in every interval of its allowed
 * silence, and (with a `verify.metric`) every reading stayed on the right side of the line. Read
 * from the stored readings and the alert history; a store that cannot answer means "not held".
 */
export async function closeOutEvidence(
  deps: CloseOutDeps,
  row: HazardRow,
  now: number,
): Promise<CloseOutEvidence> {
  const devices = JSON.parse(row.devices) as string[]
  const rules = JSON.parse(row.rules) as string[]
  const specs = verifyRulesOf(deps.site.file.register, rules)
  const holdHours = Math.max(deps.site.file.register.defaultHoldHours, ...specs.map((s) => s.holdHours))
  const from = now - holdHours * HOUR_MS
  const evidence = await Promise.all(devices.map((d) => deviceEvidence(deps, d, rules, specs, from, now)))
  const ends = devices.flatMap((d) =>
    deps.alerts.overlapping(d, rules, 0, now).map((a) => a.resolved_at ?? Number.POSITIVE_INFINITY),
  )
  const lastEnd = ends.length === 0 ? null : Math.max(...ends)
  return {
    checkedAt: isoTime(now),
    holdHours,
    window: { from: isoTime(from), to: isoTime(now) },
    held: evidence.length > 0 && evidence.every((e) => e.held),
    normalSince: lastEnd === null || !Number.isFinite(lastEnd) ? null : isoTime(lastEnd),
    devices: evidence,
  }
}

async function deviceEvidence(
  deps: CloseOutDeps,
  device: string,
  rules: readonly string[],
  specs: readonly VerifyRule[],
  from: number,
  to: number,
): Promise<DeviceEvidence> {
  const site = deps.site.device(device)
  // A fire panel's component reports only its changes: it is heard while its UITD's link is up.
  const panel = site?.kind === 'panel_component' ? site.panel.uitd : null
  const alert =
    deps.alerts.overlapping(device, rules, from, to)[0] ??
    (panel === null ? null : (deps.alerts.overlapping(panel, [UITD_OFFLINE], from, to)[0] ?? null))
  const intervalMs =
    site && site.kind !== 'panel_component'
      ? (site.heartbeatSec ?? DEFAULT_HEARTBEAT_SEC) *
        (site.offlineAfterMissed ?? DEFAULT_OFFLINE_AFTER_MISSED) *
        1000
      : DEFAULT_HEARTBEAT_SEC * DEFAULT_OFFLINE_AFTER_MISSED * 1000
  const spec = specs.find((s) => s.metric !== undefined)
  let reported = { intervals: 0, withReadings: 0, intervalSec: intervalMs / 1000 }
  let metric: DeviceEvidence['metric'] = null
  let failure: string | null = null
  try {
    if (panel === null) reported = await reportedIntervals(deps.readings, device, from, to, intervalMs)
    if (spec?.metric) metric = await metricLine(deps.readings, device, spec, from, to)
  } catch (err) {
    failure = `the readings store did not answer: ${(err as Error).message}`
  }
  const reason =
    failure ??
    (alert ? `alert ${alert.rule} active in the window` : null) ??
    (reported.withReadings < reported.intervals
      ? `no reading in ${reported.intervals - reported.withReadings} of ${reported.intervals} intervals`
      : null) ??
    (metric && (metric.breaches > 0 || metric.min === null) ? `${metric.name} off the line` : null)
  return {
    device,
    held: reason === null,
    alert: alert && {
      id: alert.id,
      rule: alert.rule,
      openedAt: isoTime(alert.opened_at),
      resolvedAt: alert.resolved_at === null ? null : isoTime(alert.resolved_at),
    },
    reported,
    metric,
    reason,
  }
}

/** Every whole interval of the window must hold a reading (mean per interval, any metric). */
async function reportedIntervals(
  readings: ReadingsHistory,
  device: string,
  from: number,
  to: number,
  step: number,
) {
  const first = Math.ceil(from / step) * step
  const last = Math.floor(to / step) * step
  const intervals = Math.max(0, (last - first) / step)
  const answer = await readings.history({ device, from: first, to: last - 1, step })
  const buckets = new Set(answer.readings.map((p) => p.ts))
  return { intervals, withReadings: Math.min(intervals, buckets.size), intervalSec: step / 1000 }
}

async function metricLine(
  readings: ReadingsHistory,
  device: string,
  spec: VerifyRule,
  from: number,
  to: number,
) {
  const answer = await readings.history({ device, metric: spec.metric!, from, to, step: 'raw' })
  const off = (v: number) => (spec.above !== undefined ? v <= spec.above : v >= spec.below!)
  let min: number | null = null
  let max: number | null = null
  let breaches = 0
  // A loop, not Math.min(...values): a week of raw readings is too many arguments for a call.
  for (const { value } of answer.readings as HistoryPoint[]) {
    min = min === null ? value : Math.min(min, value)
    max = max === null ? value : Math.max(max, value)
    if (off(value)) breaches++
  }
  return {
    name: spec.metric!,
    ...(spec.above !== undefined ? { above: spec.above } : { below: spec.below! }),
    min,
    max,
    breaches,
  }
}
