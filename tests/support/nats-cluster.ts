import { existsSync } from 'node:fs'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { reachableContainerRuntime } from './container-runtime.ts'
import { NATS_IMAGE, startNatsContainers } from './nats-container.ts'
import type { NatsServerGroup } from './nats-meta.ts'
import { NATS_SERVER, startNatsProcessCluster } from './nats-process.ts'

/** A three-server NATS JetStream cluster for the cluster-mode tests (docs/cluster.md "Test servers"). */
export interface NatsClusterUnderTest extends NatsServerGroup {
  /** Where it came from: NATS_URL, testcontainers (nats:2.9.10) or Debian's nats-server started here. */
  kind: 'env' | 'container' | 'debian'
  /** NATS_URL for a process under test: the servers' URLs, comma-separated. */
  url: string
  /**
   * The server leading the stream's replicas, once it has one (other than `not`, when given: the
   * leader a test has just killed stays reported until the others elect a new one).
   */
  streamLeader(stream: string, opts?: { not?: string; timeoutMs?: number }): Promise<string>
}

const HOW_TO_GET_ONE = [
  'set NATS_URL to the comma-separated nats:// URLs of a JetStream cluster the tests may use',
  `or make a container runtime available to testcontainers (image ${NATS_IMAGE})`,
  "or install Debian's nats-server: apt-get install nats-server (scripts/install-test-deps.sh does it)",
].join('; ')

/**
 * Picks the NATS cluster of a test file, in this order: NATS_URL, testcontainers when a container
 * runtime answers, three Debian nats-server processes on free loopback ports. With none of them
 * the test fails, saying how to get one; it never passes without servers.
 */
export async function startNatsCluster(): Promise<NatsClusterUnderTest> {
  const tried: string[] = []
  if (process.env.NATS_URL) return fromEnvironment(process.env.NATS_URL)
  const reachable = await reachableContainerRuntime(tried)
  if (reachable) return underTest('container', await startNatsContainers(reachable))
  if (existsSync(NATS_SERVER)) return underTest('debian', await startNatsProcessCluster())
  tried.push(`${NATS_SERVER}: not installed`)
  throw new Error(`no NATS cluster for the cluster tests (${tried.join('; ')}): ${HOW_TO_GET_ONE}`)
}

function underTest(kind: NatsClusterUnderTest['kind'], group: NatsServerGroup): NatsClusterUnderTest {
  return {
    kind,
    ...group,
    url: group.servers.join(','),
    streamLeader: (stream, opts) => streamLeader(group.answering(), stream, opts),
  }
}

async function fromEnvironment(url: string): Promise<NatsClusterUnderTest> {
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const names: string[] = []
  for (const server of servers) {
    const nc = await connect({ servers: server, reconnect: false }).catch((err: Error) => {
      throw new Error(`NATS_URL: cannot connect to ${server}: ${err.message}`)
    })
    try {
      // Fails at once when the server runs without JetStream.
      await jetstreamManager(nc)
      names.push(nc.info?.server_name ?? server)
    } finally {
      await nc.close()
    }
  }
  const cannot = async () => {
    throw new Error('a failover test needs servers it can stop: unset NATS_URL so that the test starts them')
  }
  const controls = { kill: cannot, pause: cannot, resume: cannot, restart: cannot, metaLeader: cannot }
  return underTest('env', { servers, names, answering: () => servers, ...controls, stop: async () => {} })
}

async function streamLeader(
  servers: string[],
  stream: string,
  { not, timeoutMs = 30_000 }: { not?: string; timeoutMs?: number } = {},
): Promise<string> {
  const nc = await connect({ servers, name: 'firewatch-test-harness' })
  try {
    return await pollLeader(nc, stream, not, timeoutMs)
  } finally {
    await nc.close()
  }
}

async function pollLeader(nc: NatsConnection, stream: string, not: string | undefined, timeoutMs: number) {
  // Short requests: while the replicas elect a leader, stream info goes unanswered.
  const jsm = await jetstreamManager(nc, { timeout: 1_000, checkAPI: false })
  const deadline = performance.now() + timeoutMs
  let last = 'no answer'
  while (performance.now() < deadline) {
    try {
      const leader = (await jsm.streams.info(stream)).cluster?.leader
      if (leader && leader !== not) return leader
      last = `leader ${leader || '(none)'}`
    } catch (err) {
      last = (err as Error).message
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(
    `stream ${stream} has no leader${not ? ` other than ${not}` : ''} after ${timeoutMs} ms (${last})`,
  )
}
