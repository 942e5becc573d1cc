import type { SiteModel } from '../ingest/site/site-model.ts'
import type { ReadingsHistory } from '../ingest/store/history-query.ts'
import type { AlertReads } from './alert-reads.ts'

/** Facility intactness (设施完好率) of a building over a period, and what it is made of. */
export interface Intactness {
  /** 0..1; null for a building without enabled devices. */
  share: number | null
  devices: number
  /** Devices with at least one stored reading in the period. */
  reporting: number
  /** Device-hours under a fault or offline alert. */
  faultyHours: number
  /** False when the readings store did not answer: then only the alerts were counted. */
  readingsChecked: boolean
}

const HOUR_MS = 3_600_000

/** What intactness is computed from. */
export interface IntactnessSources {
  site: SiteModel
  alerts: AlertReads
  readings: ReadingsHistory
  /** False while the GB/T 26875.3 receiver is off (UITD_ENABLED=off); absent means heard. */
  panelsHeard?: boolean
}

/**
 * The share of devices reporting and healthy over [from, to): each enabled device counts for the
 * part of the period it spent without an active fault or offline alert, and for nothing when no
 * reading of it was stored in the period. The mean over the building's devices.
 */
export async function facilityIntactness(
  sources: IntactnessSources,
  building: string,
  from: number,
  to: number,
): Promise<Intactness> {
  const { site, alerts, readings } = sources
  // With the UITD receiver off nothing hears the panels: their components are not this gateway's
  // to judge, neither intact nor silent.
  const heard = (d: { kind: string }) => d.kind !== 'panel_component' || sources.panelsHeard !== false
  const devices = site.devicesOf(building).filter((d) => !d.disabled && heard(d))
  if (devices.length === 0 || to <= from)
    return { share: null, devices: 0, reporting: 0, faultyHours: 0, readingsChecked: true }
  const faulty = faultyMs(site, alerts, building, from, to)
  let readingsChecked = true
  let reporting = 0
  let sum = 0
  for (const d of devices) {
    let reported = true
    // A fire panel's component reports only its changes: it counts while its UITD is heard.
    if (d.kind === 'panel_component') {
      reporting++
      sum += 1 - Math.min(to - from, faulty.get(d.id) ?? 0) / (to - from)
      continue
    }
    try {
      const answer = await readings.history({
        device: d.id,
        from,
        to: to - 1,
        step: Math.max(60_000, to - from),
      })
      reported = answer.readings.length > 0
    } catch {
      readingsChecked = false
    }
    if (reported) reporting++
    if (reported) sum += 1 - Math.min(to - from, faulty.get(d.id) ?? 0) / (to - from)
  }
  const faultyHours = [...faulty.values()].reduce((a, b) => a + b, 0) / HOUR_MS
  return {
    share: sum / devices.length,
    devices: devices.length,
    reporting,
    faultyHours: Math.round(faultyHours * 10) / 10,
    readingsChecked,
  }
}

/** Milliseconds of [from, to) each device spent under a fault or offline alert (overlaps merged). */
function faultyMs(
  site: SiteModel,
  alerts: AlertReads,
  building: string,
  from: number,
  to: number,
): Map<string, number> {
  const spans = new Map<string, [number, number][]>()
  const heardThrough = new Map<string, string[]>()
  for (const d of site.devicesOf(building))
    if (d.kind === 'panel_component')
      heardThrough.set(d.panel.uitd, [...(heardThrough.get(d.panel.uitd) ?? []), d.id])
  for (const a of alerts.activeDuring(building, ['fault', 'offline'], from, to)) {
    const span: [number, number] = [Math.max(from, a.opened_at), Math.min(to, a.resolved_at ?? to)]
    // A UITD's own offline or fault alert is time lost for every component heard through it.
    for (const device of [a.device, ...(heardThrough.get(a.device) ?? [])])
      spans.set(device, [...(spans.get(device) ?? []), span])
  }
  const total = new Map<string, number>()
  for (const [device, list] of spans) {
    list.sort((a, b) => a[0] - b[0])
    let ms = 0
    let end = Number.NEGATIVE_INFINITY
    for (const [s, e] of list) {
      const start = Math.max(s, end)
      if (e > start) ms += e - start
      end = Math.max(end, e)
    }
    total.set(device, ms)
  }
  return total
}
