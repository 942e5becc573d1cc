import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { Counter, Registry } from 'prom-client'
import type { Alert, AlertClass } from '../../alerting/alert.ts'
import { type AlertLifecycle, createAlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { type AlertService, createHttpApp } from '../../gateway/http/http-app.ts'
import { LiveState } from '../../gateway/live/live-state.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { answerHistory } from '../../ingest/store/history-query.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { deviceSignal } from '../alerting/fixtures/alert-test-site.ts'

// The real alert lifecycle on a temp-dir SQLite file, feeding the real LiveState, and the real embedded
// readings store, behind the real app.

export const SITE_YAML = `
site: { name: HTTP Test Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 20, basements: 1 }
  - { id: tower-b, name: Tower B, floors: 10 }
  - { id: tower-c, name: Tower C, floors: 5 }
  - { id: tower-d, name: Tower D, floors: 5 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: "Kitchen corridor", secret: s3cret-1 }
  - { id: ta-12-smoke-02, building: tower-a, floor: 12, zone: 12-west, kind: smoke_detector, label: "Lift lobby", secret: s3cret-2 }
  - { id: ta-b1-elec-01, building: tower-a, floor: -1, zone: switch-room, kind: electrical_monitor, label: "Main switchboard", secret: s3cret-3 }
  - { id: tb-03-smoke-01, building: tower-b, floor: 3, zone: 3-east, kind: smoke_detector, label: "Corridor 3F", secret: s3cret-4 }
  - { id: tc-01-pump-01, building: tower-c, floor: 1, zone: pump-room, kind: pressure_sensor, label: "Fire pump", secret: s3cret-5 }
  - { id: td-02-smoke-01, building: tower-d, floor: 2, zone: 2-east, kind: smoke_detector, label: "Corridor 2F", secret: s3cret-6 }
apiTokens:
  - { name: brigade, token: brigade-token, role: brigade }
  - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
  - { name: admin, token: admin-token, role: admin }
`

export const T0 = Date.parse('2026-11-22T10:00:00.000Z')
export const BRIGADE = { authorization: 'Bearer brigade-token' }
export const MANAGER_A = { authorization: 'Bearer manager-a-token' }
export const ADMIN = { authorization: 'Bearer admin-token' }

export interface Harness {
  app: FastifyInstance
  site: SiteModel
  lifecycle: AlertLifecycle
  live: LiveState
  store: AlertStore
  /** The readings store the history route answers from; tests write into it with `write`. */
  readings: SqliteReadings
  registry: Registry
  /** Every log line the app wrote, as JSON text. */
  logs: string[]
  setReady(ready: boolean): void
  /** Sets the test clock, then raises (or repeats) an alert of a site device through the lifecycle. */
  raise(device: string, rule: string, cls: AlertClass, at: number): Alert
  close(): Promise<void>
}

export async function createHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-http-'))
  const site = parseSite(SITE_YAML, 'http-test-site')
  const store = AlertStore.open(join(dir, 'alerts.db'), { synchronous: 'normal' })
  let now = T0
  const clock = { now: () => now }
  let live: LiveState | undefined
  const logs: string[] = []
  const lifecycle = createAlertLifecycle({ store, site, clock, onTransition: (t) => live?.alertChanged(t) })
  live = new LiveState(site, lifecycle.active(), clock)
  // Debug: the per-request lines (fastify's, at debug in the gateway) are what redaction is tested on.
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) })
  const readings = SqliteReadings.open({ file: join(dir, 'readings.db'), retentionDays: 7, clock, log })
  const registry = new Registry()
  new Counter({ name: 'firewatch_test_requests_total', help: 'test counter', registers: [registry] }).inc(3)
  let ready = true
  // Compile-time check that the real lifecycle satisfies the structural interface of the HTTP API.
  const alerts: AlertService = lifecycle
  const history = { history: (q: Parameters<typeof answerHistory>[1]) => answerHistory(readings, q) }
  const app = createHttpApp({
    site,
    alerts,
    live,
    readings: history,
    registry,
    ready: () => ready,
    log,
    clock,
  })
  await app.ready()
  const raise = (device: string, rule: string, cls: AlertClass, at: number): Alert => {
    now = at
    const t = lifecycle.apply(deviceSignal(site, 'raise', device, cls, rule, at))
    if (!t) throw new Error('raise changed nothing')
    return t.alert
  }
  return {
    app,
    site,
    lifecycle,
    live,
    store,
    readings,
    registry,
    logs,
    setReady: (r) => {
      ready = r
    },
    raise,
    async close() {
      await app.close()
      await readings.close()
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
