import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { tempDataDir } from '../support/gateway-launcher.ts'
import { startInflux } from '../support/influx-server.ts'
import { startVictoria } from '../support/victoria-server.ts'
import { sqliteFileTotals } from './store-fixtures.ts'

/** A readings store the storage scenarios run against, and how to look into it directly. */
export interface StoreUnderTest {
  name: 'influxdb' | 'sqlite' | 'victoriametrics'
  /**
   * The gateway answers history queries from it (GET /api/v1/devices/{id}/readings); false for
   * VictoriaMetrics, which answers no InfluxQL: the gateway then answers 503.
   */
  history: boolean
  /** Overrides for startTestGateway. */
  env: Record<string, string>
  /** Readings at or after `from` (epoch ms), distinct by series and time, and the sum of their values. */
  totals(from: number): Promise<{ count: number; sum: number }>
  /** Makes the store unavailable to the gateway until `endOutage` (see each store). */
  beginOutage(): Promise<void>
  endOutage(): Promise<void>
  stop(): Promise<void>
}

/** InfluxDB (see tests/support/influx-server.ts); an outage stops its process (SIGSTOP / docker pause). */
export async function influxStore(): Promise<StoreUnderTest> {
  const influx = await startInflux()
  return {
    name: 'influxdb',
    history: true,
    env: influx.env,
    async totals(from) {
      const series = await influx.query(
        `SELECT count("value"), sum("value") FROM /.*/ WHERE time >= ${from}ms`,
      )
      const column = (s: (typeof series)[number], name: string) =>
        Number(s.values[0]?.[s.columns.indexOf(name)])
      return {
        count: series.reduce((n, s) => n + column(s, 'count'), 0),
        sum: series.reduce((n, s) => n + column(s, 'sum'), 0),
      }
    },
    beginOutage: () => influx.pause(),
    endOutage: () => influx.resume(),
    stop: () => influx.stop(),
  }
}

/**
 * The embedded SQLite store in the gateway's DATA_DIR. It has no server to stop: an outage is
 * another connection holding the database's write lock, so every insert fails (SQLITE_BUSY).
 */
export async function sqliteStore(): Promise<StoreUnderTest> {
  const dataDir = tempDataDir()
  const file = join(dataDir, 'readings.db')
  let lock: Database.Database | null = null
  const endOutage = async () => {
    lock?.exec('COMMIT')
    lock?.close()
    lock = null
  }
  return {
    name: 'sqlite',
    history: true,
    env: { DATA_DIR: dataDir },
    async totals(from) {
      return sqliteFileTotals(file, from)
    },
    async beginOutage() {
      lock = new Database(file)
      lock.exec('BEGIN IMMEDIATE')
    },
    endOutage,
    async stop() {
      await endOutage()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * VictoriaMetrics behind the gateway's InfluxDB v2 write path (tests/support/victoria-server.ts);
 * an outage stops its process (SIGTERM, then started again on the same port and storage dir).
 * A sample stored twice for the same series and millisecond fails the test here.
 */
export async function victoriaStore(): Promise<StoreUnderTest> {
  const victoria = await startVictoria()
  let halted = false
  return {
    name: 'victoriametrics',
    history: false,
    env: victoria.env,
    async totals(from) {
      const { count, distinct, sum } = await victoria.samples(from)
      if (distinct !== count) throw new Error(`VictoriaMetrics holds ${count - distinct} samples twice`)
      return { count, sum }
    },
    async beginOutage() {
      await victoria.halt()
      halted = true
    },
    // Idempotent: the suites end an outage again in afterAll, in case a test failed inside it.
    async endOutage() {
      if (!halted) return
      await victoria.restart()
      halted = false
    },
    stop: () => victoria.stop(),
  }
}
