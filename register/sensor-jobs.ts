import { isoTime } from '../alerting/clock-iso.ts'
import type { Logger } from '../alerting/deps.ts'
import type { OnceSender } from '../alerting/schedules/notice-sender.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { AlertBrief, AlertReads } from './alert-reads.ts'
import { type CloseOutDeps, closeOutEvidence } from './close-out.ts'
import { deadlineAfterDays } from './deadline-clock.ts'
import { openState, SYSTEM_ACTOR } from './hazard.ts'
import type { HazardDesk } from './hazard-desk.ts'
import { notifyHazard } from './hazard-notices.ts'
import { sensorNote } from './hazard-service.ts'
import type { HazardStore } from './hazard-store.ts'

const HOUR_MS = 3_600_000

export interface SensorJobsDeps {
  site: SiteModel
  store: HazardStore
  desk: HazardDesk
  alerts: AlertReads
  closeOut: CloseOutDeps
  send: OnceSender
  publicUrl: () => string
  log: Logger
}

/**
 * A sensor condition that outlives its deadline becomes a hazard: an active alert of the rules of
 * a `register.fromAlerts` entry open longer than `afterHours` is reported (source `sensor`, linked
 * to the alert, its device and rule), once per alert (the alert id is unique in the register).
 */
export function createAlertHazardJob(deps: SensorJobsDeps) {
  const { site } = deps
  return async function run(now: number): Promise<void> {
    for (const spec of site.file.register.fromAlerts) {
      for (const alert of deps.alerts.longOpen(spec.rules, now - spec.afterHours * HOUR_MS)) {
        if (deps.store.byAlert(alert.id)) continue
        const device = site.device(alert.device)
        const row = deps.desk.report(
          {
            building: alert.building,
            floor: alert.floor,
            zone: alert.zone,
            ...(device ? { place: device.label } : {}),
            category: spec.category,
            severity: spec.severity,
            description: describe(alert, spec.afterHours),
            source: 'inspection',
            devices: device ? [device.id] : [],
            rules: [alert.rule],
            deadline: deadlineAfterDays(now, spec.deadlineDays, site.timezone),
          },
          SYSTEM_ACTOR,
          now,
          'sensor',
          alert.id,
        )
        deps.log.warn(
          { hazard: row.id, code: row.code, alertId: alert.id },
          'hazard raised from a long-open alert',
        )
        const { sent } = await notifyHazard(
          site,
          deps.send,
          row,
          'raised',
          `hz:${row.id}:raised`,
          deps.publicUrl(),
        )
        if (sent.length > 0)
          deps.store.trail(row.id, now, 'notified', SYSTEM_ACTOR, { note: `raised: ${sent.join(', ')}` })
      }
    }
  }
}

function describe(alert: AlertBrief, hours: number): string {
  return `${alert.message} (open since ${isoTime(alert.opened_at)}, more than ${hours} h)`
}

/**
 * The close-out evidence of every open hazard linked to devices, refreshed so that the register
 * shows it; a change of verdict (held / not held) is written to the trail. Closing stays a
 * person's step (hazard-service.ts checks the evidence again then).
 */
export function createVerifyJob(deps: SensorJobsDeps) {
  return async function run(now: number): Promise<void> {
    for (const row of deps.store.open()) {
      if (!openState(row.state) || JSON.parse(row.devices).length === 0) continue
      try {
        const evidence = await closeOutEvidence(deps.closeOut, row, now)
        const before =
          row.verification === null ? null : (JSON.parse(row.verification) as { held: boolean }).held
        if (before === evidence.held) {
          deps.store.setVerification(row.id, JSON.stringify(evidence))
          continue
        }
        deps.desk.system(row.id, now, 'sensor', sensorNote(evidence.held), (r) => ({
          ...r,
          verification: JSON.stringify(evidence),
        }))
      } catch (err) {
        deps.log.error({ err, hazard: row.id }, 'hazard close-out check failed')
      }
    }
  }
}
