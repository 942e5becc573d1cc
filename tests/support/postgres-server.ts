import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { reachableContainerRuntime } from './container-runtime.ts'
import { freePort } from './free-port.ts'
import { postgresBinDir, startPostgresProcess } from './postgres-process.ts'

/** A PostgreSQL server for the cluster-mode tests (docs/cluster.md "Test servers"). */
export interface PostgresUnderTest {
  /** Where it came from: DATABASE_URL, testcontainers (postgres:15) or Debian's PostgreSQL started here. */
  kind: 'env' | 'container' | 'debian'
  /** A database on that server from which to create others (postgres://…/postgres). */
  url: string
  /** A fresh, empty database of this test file (dropped at stop()): its DATABASE_URL. */
  createDatabase(): Promise<string>
  /** SIGKILL to the server and all its backends (docker kill), as a crash. */
  kill(): Promise<void>
  /** Starts the server again after kill(): same port and data, after crash recovery. */
  restart(): Promise<void>
  stop(): Promise<void>
}

const IMAGE = 'postgres:15'

const HOW_TO_GET_ONE = [
  'set DATABASE_URL to a PostgreSQL server on which the tests may create and drop databases',
  `or make a container runtime available to testcontainers (image ${IMAGE})`,
  "or install Debian's PostgreSQL: apt-get install postgresql (scripts/install-test-deps.sh does it)",
].join('; ')

type Control = Pick<PostgresUnderTest, 'kill' | 'restart' | 'stop'>

/**
 * Picks the PostgreSQL of a test file, in this order: DATABASE_URL, testcontainers when a
 * container runtime answers, a throw-away cluster of Debian's PostgreSQL on a free loopback port.
 * With none of them the test fails, saying how to get one; it never passes without a server.
 */
export async function startPostgres(): Promise<PostgresUnderTest> {
  const tried: string[] = []
  if (process.env.DATABASE_URL) return fromEnvironment(process.env.DATABASE_URL)
  const container = await startContainer(tried)
  if (container) return container
  const bin = postgresBinDir()
  if (bin) {
    const server = await startPostgresProcess(bin)
    return underTest('debian', server.url, server)
  }
  tried.push('/usr/lib/postgresql/<major>/bin/initdb: not installed')
  throw new Error(`no PostgreSQL for the cluster tests (${tried.join('; ')}): ${HOW_TO_GET_ONE}`)
}

function fromEnvironment(url: string): PostgresUnderTest {
  const cannot = async () => {
    throw new Error('a crash test needs a server it can kill: unset DATABASE_URL so that the test starts one')
  }
  return underTest('env', url, { kill: cannot, restart: cannot, stop: async () => {} })
}

async function startContainer(tried: string[]): Promise<PostgresUnderTest | null> {
  const reachable = await reachableContainerRuntime(tried)
  if (!reachable) return null
  const { tc, runtime } = reachable
  // A fixed host port: after docker kill / start the server is where its clients left it.
  const port = await freePort()
  const started = await new tc.GenericContainer(IMAGE)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'full_page_writes=off'])
    .withExposedPorts({ container: 5432, host: port })
    // The image's entrypoint runs a temporary server for its set-up first: the second "ready" counts.
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start()
  const container = runtime.container.getById(started.getId())
  const url = `postgres://postgres@${started.getHost()}:${port}/postgres`
  return underTest('container', url, {
    kill: async () => void (await container.kill({ signal: 'SIGKILL' })),
    async restart() {
      await runtime.container.start(container)
      await waitForConnections(url)
    },
    stop: async () => void (await started.stop()),
  })
}

function underTest(kind: PostgresUnderTest['kind'], url: string, control: Control): PostgresUnderTest {
  const created: string[] = []
  return {
    kind,
    url,
    async createDatabase() {
      const name = `firewatch_test_${process.pid}_${randomBytes(3).toString('hex')}`
      await admin(url, `CREATE DATABASE ${name}`)
      created.push(name)
      const dbUrl = new URL(url)
      dbUrl.pathname = `/${name}`
      return dbUrl.toString()
    },
    kill: control.kill,
    restart: control.restart,
    async stop() {
      // WITH (FORCE) ends the connections a test left open (PostgreSQL 13 and later).
      for (const name of created)
        await admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
      await control.stop()
    },
  }
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Resolves once the server takes a connection and a query (20 s at most). */
async function waitForConnections(url: string): Promise<void> {
  const deadline = performance.now() + 20_000
  for (;;) {
    try {
      return await admin(url, 'SELECT 1')
    } catch (err) {
      if (performance.now() > deadline) throw new Error(`PostgreSQL at ${url} did not come back: ${err}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}
