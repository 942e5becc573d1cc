import type { StartedNetwork } from 'testcontainers'
import type { reachableContainerRuntime } from './container-runtime.ts'
import { freePort } from './free-port.ts'
import { type NatsServerGroup, waitForMetaLeader } from './nats-meta.ts'
import { TEST_CLUSTER } from './nats-process.ts'

/** The same server release as Debian 12's nats-server package, which the tests otherwise start. */
export const NATS_IMAGE = 'nats:2.9.10'

type Runtime = NonNullable<Awaited<ReturnType<typeof reachableContainerRuntime>>>

const NAMES = ['n1', 'n2', 'n3']

/**
 * Three nats-server containers on a network of their own, routed to each other by their network
 * aliases. Fixed host ports: after docker kill / start a server is where its clients left it.
 */
export async function startNatsContainers(reachable: Runtime): Promise<NatsServerGroup> {
  const network = await new reachable.tc.Network().start()
  const nodes = await Promise.all(NAMES.map((name) => startNode(reachable, network, name)))
  // Killed or paused: a stopped server answers no /jsz, so the meta wait leaves it out.
  const down = new Set<string>()
  const up = () => nodes.filter((n) => !down.has(n.name))
  const waitForCluster = () => waitForMetaLeader(up(), () => 'see `docker logs` of the nats containers')
  await waitForCluster()
  const container = (name: string) => {
    const found = nodes.find((n) => n.name === name)
    if (!found) throw new Error(`no NATS server ${name} (have ${NAMES.join(', ')})`)
    return found.container
  }
  return {
    servers: nodes.map((n) => n.clientUrl),
    names: [...NAMES],
    answering: () => up().map((n) => n.clientUrl),
    metaLeader: waitForCluster,
    async kill(name) {
      await container(name).kill({ signal: 'SIGKILL' })
      down.add(name)
    },
    async pause(name) {
      await container(name).pause()
      down.add(name)
    },
    async resume(name) {
      await container(name).unpause()
      down.delete(name)
    },
    async restart(name) {
      await reachable.runtime.container.start(container(name))
      down.delete(name)
      await waitForCluster()
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.started.stop()))
      await network.stop()
    },
  }
}

async function startNode({ tc, runtime }: Runtime, network: StartedNetwork, name: string) {
  const routes = NAMES.map((n) => `nats://${n}:6222`).join(',')
  const ports = { client: await freePort(), monitor: await freePort() }
  const started = await new tc.GenericContainer(NATS_IMAGE)
    .withNetwork(network)
    .withNetworkAliases(name)
    .withCommand([
      ...['--name', name, '-js', '-sd', '/data', '-m', '8222'],
      ...['--cluster_name', TEST_CLUSTER, '--cluster', 'nats://0.0.0.0:6222', '--routes', routes],
      // Clients keep to the host ports they were given: the addresses inside are not reachable.
      ...['--no_advertise', 'true'],
    ])
    .withExposedPorts({ container: 4222, host: ports.client }, { container: 8222, host: ports.monitor })
    .withWaitStrategy(tc.Wait.forLogMessage('Server is ready'))
    .start()
  const host = started.getHost()
  return {
    name,
    started,
    container: runtime.container.getById(started.getId()),
    clientUrl: `nats://${host}:${ports.client}`,
    monitorUrl: `http://${host}:${ports.monitor}`,
  }
}
