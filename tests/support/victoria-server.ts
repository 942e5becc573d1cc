import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { reachableContainerRuntime } from './container-runtime.ts'
import { freePort } from './free-port.ts'
import { startVictoriaProcess, VICTORIA_FLAGS, VICTORIA_METRICS } from './victoria-process.ts'

/**
 * VictoriaMetrics as the server of the gateway's InfluxDB v2 write path (/api/v2/write, a token,
 * batches, retries, the spool): it takes InfluxDB line protocol there, so the write path meets a
 * real server. It answers no InfluxQL (its /query only lists databases), so history queries are
 * tested against InfluxDB only (tests/support/influx-server.ts). It checks no token either: the
 * gateway sends one all the same, as InfluxDB 2.x requires.
 */
export interface VictoriaUnderTest {
  /** VICTORIA_URL, testcontainers (victoriametrics/victoria-metrics) or Debian's binary started here. */
  kind: 'env' | 'container' | 'debian'
  url: string
  /** INFLUX_* for the gateway under test: INFLUX_API=v2 with an org, a bucket and a token. */
  env: Record<string, string>
  /** Every sample stored with a timestamp in [from, to], after a flush: one per series and ms. */
  samples(from: number, to?: number): Promise<SampleTotals>
  /** Stops the server process (SIGTERM; docker stop) until restart(): connections are refused. */
  halt(): Promise<void>
  /** The server again, on the same port and the same storage. */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface SampleTotals {
  /** Samples exported. */
  count: number
  /** Distinct (series, timestamp) among them: equal to count when nothing is stored twice. */
  distinct: number
  sum: number
}

const IMAGE = 'victoriametrics/victoria-metrics:v1.79.5'

const HOW_TO_GET_ONE = [
  'set VICTORIA_URL to a VictoriaMetrics for this test run only (started with -dedup.minScrapeInterval=1ms)',
  `or make a container runtime available to testcontainers (image ${IMAGE})`,
  "or install Debian's victoria-metrics (scripts/install-test-deps.sh does it)",
].join('; ')

/**
 * Picks the VictoriaMetrics of a test file, in this order: VICTORIA_URL, testcontainers when a
 * container runtime answers, Debian's binary on a free loopback port. With none of them the test
 * fails, saying how to get one; it never passes without a server.
 */
export async function startVictoria(): Promise<VictoriaUnderTest> {
  const tried: string[] = []
  if (process.env.VICTORIA_URL) return fromEnvironment(process.env.VICTORIA_URL)
  const container = await startContainer(tried)
  if (container) return container
  if (existsSync(VICTORIA_METRICS)) {
    const server = await startVictoriaProcess()
    return underTest('debian', server.url, server)
  }
  tried.push(`${VICTORIA_METRICS}: not installed`)
  throw new Error(`no VictoriaMetrics for the write-path tests (${tried.join('; ')}): ${HOW_TO_GET_ONE}`)
}

type Control = Pick<VictoriaUnderTest, 'halt' | 'restart' | 'stop'>

function fromEnvironment(url: string): VictoriaUnderTest {
  const cannot = async () => {
    throw new Error(
      'an outage test needs a server it can stop: unset VICTORIA_URL so that the test starts one',
    )
  }
  return underTest('env', url.replace(/\/+$/, ''), { halt: cannot, restart: cannot, stop: async () => {} })
}

async function startContainer(tried: string[]): Promise<VictoriaUnderTest | null> {
  const reachable = await reachableContainerRuntime(tried)
  if (!reachable) return null
  const { tc, runtime } = reachable
  // A fixed host port: after docker stop / start the server is where the gateway left it.
  const port = await freePort()
  const started = await new tc.GenericContainer(IMAGE)
    .withCommand([...VICTORIA_FLAGS, '-storageDataPath=/storage', '-httpListenAddr=:8428'])
    .withExposedPorts({ container: 8428, host: port })
    .withWaitStrategy(tc.Wait.forHttp('/health', 8428).forStatusCode(200))
    .start()
  const container = runtime.container.getById(started.getId())
  return underTest('container', `http://${started.getHost()}:${port}`, {
    halt: () => runtime.container.stop(container, { timeout: 10 }),
    restart: () => runtime.container.start(container),
    stop: async () => void (await started.stop()),
  })
}

function underTest(kind: VictoriaUnderTest['kind'], url: string, control: Control): VictoriaUnderTest {
  return {
    kind,
    url,
    env: {
      INFLUX_URL: url,
      INFLUX_API: 'v2',
      INFLUX_ORG: 'firewatch',
      INFLUX_BUCKET: 'readings',
      INFLUX_TOKEN: randomBytes(16).toString('hex'),
    },
    samples: (from, to) => exportedSamples(url, from, to),
    ...control,
  }
}

/** Reads every sample back through /api/v1/export (JSON lines, one per series). */
async function exportedSamples(
  url: string,
  from: number,
  to = Number.MAX_SAFE_INTEGER,
): Promise<SampleTotals> {
  // Ingested samples become searchable after up to a second or two: flush them now.
  await fetch(`${url}/internal/force_flush`).catch(() => undefined)
  const params = new URLSearchParams({
    'match[]': '{__name__=~".+"}',
    start: String(Math.floor(from / 1000)),
  })
  const res = await fetch(`${url}/api/v1/export?${params}`)
  if (!res.ok) throw new Error(`VictoriaMetrics export: ${res.status} ${await res.text()}`)
  const totals: SampleTotals = { count: 0, distinct: 0, sum: 0 }
  const seen = new Set<string>()
  for (const line of (await res.text()).split('\n')) {
    if (line.trim() === '') continue
    const series = JSON.parse(line) as {
      metric: Record<string, string>
      values: number[]
      timestamps: number[]
    }
    const name = JSON.stringify(Object.entries(series.metric).sort())
    series.timestamps.forEach((ts, i) => {
      if (ts < from || ts > to) return
      totals.count++
      totals.sum += series.values[i]!
      seen.add(`${name}@${ts}`)
    })
  }
  totals.distinct = seen.size
  return totals
}
