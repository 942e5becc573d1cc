import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/** The secret the site's monitoring centre signs its webhooks with (tests/notify/notify-fixtures.ts). */
export const CENTRE_WEBHOOK_SECRET = 'whsec-li-wei-0123456789'

/**
 * A small site whose monitoring centre is paged by webhook for fires and faults. `fireAlarmRule`
 * off is a real site-file mistake: it silences the `fire_alarm` event of every device.
 */
export function writeSelfWatchSite(dir: string, webhookUrl: string, fireAlarmRule: 'on' | 'off'): string {
  const file = join(dir, 'selfwatch-site.yaml')
  const rules = fireAlarmRule === 'off' ? 'rules: { device.fire_alarm: { enabled: false } }' : 'rules: {}'
  writeFileSync(
    file,
    `site: { name: Self-watch Estate, timezone: Asia/Shanghai, offlineGraceSec: 1 }
${rules}
buildings:
  - { id: tower-a, name: Tower A, floors: 10 }
  - { id: tower-b, name: Tower B, floors: 5 }
devices:
  - { id: ta-03-smoke-01, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: "Corridor 3F east", secret: s3cret-ta-03 }
apiTokens:
  - { name: admin, token: admin-token, role: admin }
  - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
contacts:
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, channels: [webhook], webhook: { url: "${webhookUrl}", secret: ${CENTRE_WEBHOOK_SECRET} } }
escalation:
  - classes: [fire, fault]
    levels:
      - { targets: [centre], ackTimeoutSec: 600 }
`,
  )
  return file
}

/** The alerts the alarm path stored for the self-test building, read from the gateway's own file. */
export function probeAlertsInStore(dataDir: string): { rule: string; state: string }[] {
  const db = new Database(join(dataDir, 'alerts.db'), { readonly: true, fileMustExist: true })
  try {
    return db
      .prepare("SELECT rule, state FROM alerts WHERE building = 'firewatch-self-test' ORDER BY id")
      .all() as { rule: string; state: string }[]
  } finally {
    db.close()
  }
}

/** Notification jobs queued for people about the self-test building's alerts. */
export function probeJobsInOutbox(dataDir: string): number {
  const db = new Database(join(dataDir, 'alerts.db'), { readonly: true, fileMustExist: true })
  try {
    const row = db
      .prepare(
        "SELECT count(*) AS n FROM notify_jobs WHERE alert_id IN (SELECT id FROM alerts WHERE building = 'firewatch-self-test')",
      )
      .get() as { n: number }
    return row.n
  } finally {
    db.close()
  }
}
