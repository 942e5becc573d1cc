import type { Logger } from '../alerting/deps.ts'
import { formatShortTime } from '../alerting/i18n/time-format.ts'
import type { OnceSender } from '../alerting/schedules/notice-sender.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { AlertBrief, AlertReads } from './alert-reads.ts'
import { type CloseOutDeps, closeOutEvidence } from './close-out.ts'
import { deadlineAfterDays } from './deadline-clock.ts'
import { openState, SYSTEM_ACTOR } from './hazard.ts'
import type { HazardDesk } from './hazard-desk.ts'
import { notifyHazard } from './hazard-notices.ts'
import { sensorNote } from './hazard-service.ts'
import type { HazardStore } from './hazard-store.ts'
import { registerTexts } from './register-texts.ts'

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
        // One hazard per condition: a tank's warning and its low-level alert are the same hazard.
        if (deps.store.byAlert(alert.id) || openSensorHazard(deps.store, alert.device, spec.rules)) continue
        const device = site.device(alert.device)
        const row = deps.desk.report(
          {
            building: alert.building,
            floor: alert.floor,
            zone: alert.zone,
            ...(device ? { place: device.label } : {}),
            category: spec.category,
            severity: spec.severity,
            description: describe(site, alert, spec.afterHours),
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

/** An open hazard raised from an alert of the same device and any of the rules. */
function openSensorHazard(store: HazardStore, device: string, rules: readonly string[]): boolean {
  return store.open().some((h) => {
    if (h.source !== 'sensor' || !(JSON.parse(h.devices) as string[]).includes(device)) return false
    return (JSON.parse(h.rules) as string[]).some((r) => rules.includes(r))
  })
}

/** The alert's own message (in the site's language), how long it has been open, since when. */
function describe(site: SiteModel, alert: AlertBrief, hours: number): string {
  const since = formatShortTime(alert.opened_at, site.timezone, site.locale)
  return registerTexts(site.locale).longOpen(alert.message, since, hours)
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
