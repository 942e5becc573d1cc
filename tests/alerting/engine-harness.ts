// Shared by the engine tests: a real site parsed from YAML, a real engine, signals collected.
import type { AlertSignal } from '../../alerting/alert.ts'
import { createEngine, type Engine } from '../../alerting/engine.ts'
import type { DeviceEvent, DeviceEventKind, DeviceStatus } from '../../ingest/reading.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { readingOf } from '../support/readings.ts'

/** Engine start; tests give times as seconds after it. */
export const T0 = 1_763_800_000_000
export const at = (sec: number): number => T0 + sec * 1000

const DEVICES = `
  - { id: smoke-1, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: Corridor 3F, secret: secret-smoke-1 }
  - { id: press-1, building: tower-a, floor: 9, zone: 9-riser, kind: pressure_sensor, label: Sprinkler 9F, secret: secret-press-1 }
  - { id: level-1, building: tower-a, floor: 9, zone: roof, kind: level_sensor, label: Roof tank, secret: secret-level-1 }
  - { id: elec-1, building: tower-a, floor: -1, zone: switch-room, kind: electrical_monitor, label: Main board, secret: secret-elec-1 }`

export interface SiteParts {
  /** YAML lines for the site-level `rules:` map (indented by 2). */
  siteRules?: string
  /** Extra keys of building tower-a, e.g. `rules: { smoke.prealarm: { threshold: 0.2 } }`. */
  buildingExtra?: string
  /** Extra device lines (same format as DEVICES). */
  devices?: string
  /** Replace the default devices entirely. */
  onlyDevices?: string
  graceSec?: number
}

export function siteYaml(parts: SiteParts = {}): string {
  const extra = parts.buildingExtra ? `, ${parts.buildingExtra}` : ''
  return `
site: { name: Test Site, timezone: UTC, offlineGraceSec: ${parts.graceSec ?? 60} }
rules:
${parts.siteRules ?? '  {}'}
buildings:
  - { id: tower-a, name: Tower A, floors: 20, basements: 2${extra} }
  - { id: tower-b, name: Tower B, floors: 20 }
devices:${parts.onlyDevices ?? DEVICES + (parts.devices ?? '')}
`
}

export interface Harness {
  site: SiteModel
  engine: Engine
  /** Every signal emitted so far. */
  signals: AlertSignal[]
  /** Signals emitted since the last call. */
  take(): AlertSignal[]
  read(device: string, metric: string, value: number, sec: number): void
  event(device: string, event: DeviceEventKind, sec: number, detail?: string): void
  status(device: string, status: DeviceStatus['status'], sec: number, source?: DeviceStatus['source']): void
  tick(sec: number): void
}

export function harness(parts: SiteParts = {}, emit?: (s: AlertSignal) => void): Harness {
  const site = parseSite(siteYaml(parts))
  const signals: AlertSignal[] = []
  let taken = 0
  const engine = createEngine({
    site,
    clock: { now: () => T0 },
    emit: (s) => {
      emit?.(s)
      signals.push(s)
    },
  })
  const device = (id: string) => {
    const d = site.device(id)
    if (!d) throw new Error(`no device ${id} in the test site`)
    return d
  }
  return {
    site,
    engine,
    signals,
    take() {
      const out = signals.slice(taken)
      taken = signals.length
      return out
    },
    read(id, metric, value, sec) {
      const ts = at(sec)
      engine.reading(readingOf(device(id), metric, value, ts, ts + 5))
    },
    event(id, event, sec, detail) {
      const d = device(id)
      const e: DeviceEvent = {
        device: d.id,
        building: d.building,
        floor: d.floor,
        zone: d.zone,
        event,
        detail: detail ?? null,
        ts: at(sec),
        receivedAt: at(sec) + 5,
      }
      engine.event(e)
    },
    status(id, status, sec, source = 'status-topic') {
      const d = device(id)
      engine.status({ device: d.id, building: d.building, status, source, at: at(sec) })
    },
    tick(sec) {
      engine.tick(at(sec))
    },
  }
}

/** The compact view most assertions need. */
export const brief = (s: AlertSignal) => ({ type: s.type, rule: s.rule, metric: s.metric, value: s.value })

/** Feeds one value every `step` seconds from `from` to `to` (inclusive). */
export function series(
  h: Harness,
  device: string,
  metric: string,
  value: number,
  from: number,
  to: number,
  step: number,
) {
  for (let t = from; t <= to; t += step) h.read(device, metric, value, t)
}
