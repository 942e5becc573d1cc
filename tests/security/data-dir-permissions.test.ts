import { chmodSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { freePort } from '../support/free-port.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

// A umask that lets files be world-readable, as on most machines: the gateway must not rely on it.
let umaskBefore: number
beforeAll(() => {
  umaskBefore = process.umask(0o022)
})
afterAll(() => {
  process.umask(umaskBefore)
})

const roots: string[] = []
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

/** A DATA_DIR path two levels below a fresh temporary directory, not created yet. */
function freshDataDir(): string {
  const root = tempDataDir()
  roots.push(root)
  return join(root, 'var', 'firewatch')
}

/** Every file and directory under `dir`, with its permission bits in octal. */
function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = {}
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      modes[relative(dir, full)] = (statSync(full).mode & 0o777).toString(8)
      if (entry.isDirectory()) walk(full)
    }
  }
  walk(dir)
  return modes
}

const octal = (path: string) => (statSync(path).mode & 0o777).toString(8)

/** A fire alarm (an alert commit in alerts.db) and a reading (a commit in the readings store). */
async function traffic(gw: GatewayUnderTest, written: string): Promise<void> {
  const smoke = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
  await smoke.publishAsync('fw/tower-a/ta-12-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
    qos: 1,
  })
  await smoke.publishAsync(
    'fw/tower-a/ta-12-smoke-01/telemetry',
    JSON.stringify({ metrics: { smoke_dbm: 0.02 } }),
    { qos: 1 },
  )
  await smoke.endAsync(true)
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  await waitFor(async () => (await brigade.get('/api/v1/alerts')).body.alerts?.length > 0)
  await waitFor(async () => metricValue(await apiClient(gw.httpUrl).text('/metrics'), written) > 0, 10_000)
}

describe('DATA_DIR and its files are private to the gateway', () => {
  it('When the gateway creates DATA_DIR, then it and every directory in it are 0700, and alerts.db, readings.db and their -wal and -shm files 0600', async () => {
    const dataDir = freshDataDir()
    const gw = await startTestGateway({ DATA_DIR: dataDir })
    try {
      await traffic(gw, 'firewatch_storage_points_written_total')
      const modes = modesUnder(dataDir)
      for (const file of [
        'alerts.db',
        'alerts.db-wal',
        'alerts.db-shm',
        'readings.db',
        'readings.db-wal',
        'readings.db-shm',
      ]) {
        expect(modes[file], file).toBe('600')
      }
      for (const [path, mode] of Object.entries(modes)) {
        const isDir = statSync(join(dataDir, path)).isDirectory()
        expect(`${path} ${mode}`).toBe(`${path} ${isDir ? '700' : '600'}`)
      }
      expect(octal(dataDir)).toBe('700')
    } finally {
      await gw.stop()
    }
  })

  it('When readings are spooled (the readings store is down), then the spool directory is 0700 and its files 0600', async () => {
    const dataDir = freshDataDir()
    const closedPort = await freePort()
    const gw = await startTestGateway({
      DATA_DIR: dataDir,
      INFLUX_URL: `http://127.0.0.1:${closedPort}`,
      INFLUX_API: 'v1',
      INFLUX_BUCKET: 'firewatch',
      STORAGE_FLUSH_MS: '50',
      STORAGE_RETRY_MAX_MS: '60000',
    })
    try {
      await traffic(gw, 'firewatch_storage_points_spooled_total')
      const modes = modesUnder(dataDir)
      const segments = Object.keys(modes).filter(
        (p) => p.startsWith('readings-spool/influxdb/') && p.endsWith('.lp'),
      )
      expect(segments.length).toBeGreaterThan(0)
      expect(modes['readings-spool']).toBe('700')
      expect(modes['readings-spool/influxdb']).toBe('700')
      for (const [path, mode] of Object.entries(modes)) {
        const isDir = statSync(join(dataDir, path)).isDirectory()
        expect(`${path} ${mode}`).toBe(`${path} ${isDir ? '700' : '600'}`)
      }
    } finally {
      await gw.stop()
    }
  })

  it('When DATA_DIR and its databases were left readable by an earlier version, then the databases are made 0600 again and the open directory is named in a warning', async () => {
    const dataDir = freshDataDir()
    const first = await startTestGateway({ DATA_DIR: dataDir })
    await traffic(first, 'firewatch_storage_points_written_total')
    await first.stop()
    // What an earlier version left: a world-readable directory and databases.
    chmodSync(dataDir, 0o755)
    for (const file of readdirSync(dataDir)) {
      if (file.includes('.db')) chmodSync(join(dataDir, file), 0o644)
    }

    const lines: string[] = []
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
    const second = await startTestGateway({ DATA_DIR: dataDir }, { log })
    try {
      for (const file of readdirSync(dataDir).filter((f) => f.includes('.db'))) {
        expect(`${file} ${octal(join(dataDir, file))}`).toBe(`${file} 600`)
      }
      const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('DATA_DIR is open'))
      expect(warning).toMatchObject({ level: 40, dataDir, mode: '0755' })
    } finally {
      await second.stop()
    }
  })
})
