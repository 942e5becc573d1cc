import { parseSite } from '../../ingest/site/load-site.ts'

/**
 * Two towers with a corridor smoke detector each, in `timezone`, with the given watch list and
 * optional further top-level sections (`extra`, YAML at column 0, e.g. a `fire:` block).
 */
export function watchEstate(timezone: string, watches: string, extra = '') {
  return parseSite(`
site: { name: Watch Estate, timezone: ${timezone} }
buildings:
  - { id: tower-a, name: Tower A, floors: 20 }
  - { id: tower-b, name: Tower B, floors: 20 }
devices:
  - { id: smoke-a, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: Corridor, secret: secret-smoke-a }
  - { id: smoke-b, building: tower-b, floor: 3, zone: 3-east, kind: smoke_detector, label: Corridor, secret: secret-smoke-b }
schedules:
  watches:
${watches}
${extra}`)
}

/** Tower A's night watch, 20:00 to 06:00, with a lower smoke pre-alarm threshold. */
export const NIGHT_WATCH = `    - id: night
      name: Night watch
      cron: "0 20 * * *"
      until: "06:00"
      buildings: [tower-a]
      rules: { smoke.prealarm: { threshold: 0.1, holdSec: 0, samples: 1 } }`
