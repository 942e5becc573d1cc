import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { ensureDbrp } from '../../ingest/store/influx-dbrp.ts'
import { type InfluxTarget, influxTarget, StorageEnv } from '../../ingest/store/storage-config.ts'
import { reachableContainerRuntime } from './container-runtime.ts'
import { INFLUXD, startInfluxd } from './influxd-process.ts'

/** One InfluxQL series as /query answers it (epoch=ms). */
export interface Series {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}

/** The InfluxDB a storage test file writes to, with a database (1.x) or bucket (2.x) of its own. */
export interface InfluxUnderTest {
  /** Where it came from: INFLUX_URL, testcontainers (influxdb:2.7) or Debian's influxd started here. */
  kind: 'env' | 'container' | 'influxd'
  /** INFLUX_* for the gateway under test. */
  env: Record<string, string>
  target: InfluxTarget
  /** InfluxQL on this file's database: the first statement's series (throws on an error). */
  query(statement: string): Promise<Series[]>
  /** Makes the server stop answering (SIGSTOP, docker pause) until resume(). */
  pause(): Promise<void>
  resume(): Promise<void>
  stop(): Promise<void>
}

const HOW_TO_GET_ONE = [
  'set INFLUX_URL (with INFLUX_API=v1|v2, INFLUX_TOKEN, INFLUX_ORG) to a server the tests may write to',
  'or make a container runtime available to testcontainers (Docker: image influxdb:2.7)',
  "or install Debian's influxdb (scripts/install-test-deps.sh does it)",
].join('; ')

/**
 * Picks the InfluxDB for a storage test file, in this order: INFLUX_URL from the environment,
 * testcontainers when a container runtime answers, Debian's influxd on free loopback ports.
 * With none of them the test fails, saying how to get one; it never passes without a server.
 */
export async function startInflux(): Promise<InfluxUnderTest> {
  const tried: string[] = []
  if (process.env.INFLUX_URL) return fromEnvironment()
  const container = await startContainer(tried)
  if (container) return container
  if (existsSync(INFLUXD)) return fromInfluxd()
  tried.push(`${INFLUXD}: not installed`)
  throw new Error(`no InfluxDB for the storage tests (${tried.join('; ')}): ${HOW_TO_GET_ONE}`)
}

async function fromEnvironment(): Promise<InfluxUnderTest> {
  const e = process.env
  const server: Record<string, string> = { INFLUX_URL: e.INFLUX_URL!, INFLUX_API: e.INFLUX_API ?? 'v2' }
  if (e.INFLUX_ORG) server.INFLUX_ORG = e.INFLUX_ORG
  if (e.INFLUX_TOKEN) server.INFLUX_TOKEN = e.INFLUX_TOKEN
  const cannotPause = async () => {
    throw new Error('an outage test needs a server it can stop: unset INFLUX_URL so that the test starts one')
  }
  return withDatabase('env', server, { pause: cannotPause, resume: cannotPause, stop: async () => {} })
}

async function fromInfluxd(): Promise<InfluxUnderTest> {
  const server = await startInfluxd()
  return withDatabase(
    'influxd',
    { INFLUX_URL: server.url, INFLUX_API: 'v1' },
    { pause: async () => server.pause(), resume: async () => server.resume(), stop: () => server.stop() },
  )
}

async function startContainer(tried: string[]): Promise<InfluxUnderTest | null> {
  const reachable = await reachableContainerRuntime(tried)
  if (!reachable) return null
  const { tc, runtime } = reachable
  const token = randomBytes(16).toString('hex')
  const started = await new tc.GenericContainer('influxdb:2.7')
    .withEnvironment({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: 'firewatch',
      DOCKER_INFLUXDB_INIT_PASSWORD: 'firewatch-test-password',
      DOCKER_INFLUXDB_INIT_ORG: 'firewatch',
      DOCKER_INFLUXDB_INIT_BUCKET: 'readings',
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: token,
    })
    .withExposedPorts(8086)
    .withWaitStrategy(tc.Wait.forHttp('/health', 8086).forStatusCode(200))
    .start()
  const container = runtime.container.getById(started.getId())
  return withDatabase(
    'container',
    {
      INFLUX_URL: `http://${started.getHost()}:${started.getMappedPort(8086)}`,
      INFLUX_API: 'v2',
      INFLUX_ORG: 'firewatch',
      INFLUX_TOKEN: token,
    },
    {
      pause: () => container.pause(),
      resume: () => container.unpause(),
      stop: async () => void (await started.stop()),
    },
  )
}

type Control = Pick<InfluxUnderTest, 'pause' | 'resume' | 'stop'>

/** Creates this file's database (1.x) or bucket (2.x) and drops it again at stop(). */
async function withDatabase(
  kind: InfluxUnderTest['kind'],
  server: Record<string, string>,
  control: Control,
): Promise<InfluxUnderTest> {
  const name = `firewatch_test_${process.pid}_${randomBytes(3).toString('hex')}`
  const env = { ...server, INFLUX_BUCKET: name }
  const target = influxTarget(StorageEnv.parse(env))!
  const drop = target.api === 'v1' ? await createDatabase(target) : await createBucket(target)
  if (target.api === 'v2') await ensureDbrp(target)
  return {
    kind,
    env,
    target,
    query: (statement) => query(target, statement),
    pause: control.pause,
    resume: control.resume,
    async stop() {
      await drop().catch(() => undefined)
      await control.stop()
    },
  }
}

async function createDatabase(target: InfluxTarget): Promise<() => Promise<void>> {
  await admin(target, `CREATE DATABASE "${target.db}"`)
  return async () => void (await admin(target, `DROP DATABASE "${target.db}"`))
}

async function createBucket(target: InfluxTarget): Promise<() => Promise<void>> {
  const orgs = (await api(target, 'GET', `/api/v2/orgs?org=${encodeURIComponent(target.org)}`)) as {
    orgs: { id: string }[]
  }
  const orgID = orgs.orgs[0]?.id
  if (!orgID) throw new Error(`no organisation ${target.org} in ${target.url}`)
  const bucket = (await api(target, 'POST', '/api/v2/buckets', { orgID, name: target.bucket })) as {
    id: string
  }
  return async () => void (await api(target, 'DELETE', `/api/v2/buckets/${bucket.id}`))
}

async function api(target: InfluxTarget, method: string, path: string, json?: unknown): Promise<unknown> {
  const res = await fetch(target.url + path, {
    method,
    headers: { ...auth(target), 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

async function admin(target: InfluxTarget, statement: string): Promise<void> {
  const res = await fetch(`${target.url}/query`, {
    method: 'POST',
    headers: { ...auth(target), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: statement }),
  })
  if (!res.ok) throw new Error(`${statement}: ${res.status} ${await res.text()}`)
}

async function query(target: InfluxTarget, statement: string): Promise<Series[]> {
  const rp = target.rp ? `&rp=${encodeURIComponent(target.rp)}` : ''
  const params = `db=${encodeURIComponent(target.db)}${rp}&epoch=ms&q=${encodeURIComponent(statement)}`
  const res = await fetch(`${target.url}/query?${params}`, {
    headers: auth(target),
  })
  const body = (await res.json()) as { results?: { error?: string; series?: Series[] }[]; error?: string }
  const error = body.error ?? body.results?.[0]?.error
  if (!res.ok || error) throw new Error(`InfluxQL ${statement}: ${res.status} ${error}`)
  return body.results?.[0]?.series ?? []
}

function auth(target: InfluxTarget): Record<string, string> {
  return target.authorization ? { authorization: target.authorization } : {}
}
