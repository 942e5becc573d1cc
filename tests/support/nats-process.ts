import { type ChildProcess, spawn } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForListening } from './free-port.ts'
import { type NatsServerGroup, waitForMetaLeader } from './nats-meta.ts'

export const NATS_SERVER = '/usr/sbin/nats-server'

/** The cluster name every test cluster uses; the server names are n1, n2, n3. */
export const TEST_CLUSTER = 'firewatch-test'

interface Ports {
  client: number
  cluster: number
  monitor: number
}

interface Node {
  name: string
  ports: Ports
  child: ChildProcess | null
  /** SIGSTOPped: it answers no /jsz, so the meta wait leaves it out. */
  paused: boolean
}

const SIZE = 3

/** Three Debian nats-server processes forming one JetStream cluster on free loopback ports. */
export async function startNatsProcessCluster(): Promise<NatsServerGroup> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-nats-'))
  for (let attempt = 1; ; attempt++) {
    const nodes: Node[] = []
    try {
      for (let i = 1; i <= SIZE; i++)
        nodes.push({ name: `n${i}`, ports: await freePorts(), child: null, paused: false })
      return await supervise(dir, nodes)
    } catch (err) {
      await Promise.all(nodes.map((n) => terminate(n.child)))
      for (const n of nodes) rmSync(join(dir, n.name), { recursive: true, force: true })
      // Most likely a port taken between freePort() and a server binding it: try other ports.
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true })
        throw err
      }
    }
  }
}

async function freePorts(): Promise<Ports> {
  return { client: await freePort(), cluster: await freePort(), monitor: await freePort() }
}

async function supervise(dir: string, nodes: Node[]): Promise<NatsServerGroup> {
  for (const node of nodes) writeFileSync(configFile(dir, node), config(dir, node, nodes))
  const onExit = () => {
    for (const n of nodes) n.child?.kill('SIGKILL')
  }
  process.once('exit', onExit)
  try {
    await Promise.all(nodes.map((node) => launch(dir, node)))
    await waitForCluster(dir, nodes)
  } catch (err) {
    process.off('exit', onExit)
    throw err
  }
  const clientUrl = (n: Node) => `nats://127.0.0.1:${n.ports.client}`
  return {
    servers: nodes.map(clientUrl),
    names: nodes.map((n) => n.name),
    answering: () => running(nodes).map(clientUrl),
    metaLeader: () => waitForCluster(dir, nodes),
    ...serverControls(dir, nodes),
    async stop() {
      process.off('exit', onExit)
      await Promise.all(nodes.map((n) => terminate(n.child)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function serverControls(
  dir: string,
  nodes: Node[],
): Pick<NatsServerGroup, 'kill' | 'pause' | 'resume' | 'restart'> {
  const node = (name: string) => {
    const found = nodes.find((n) => n.name === name)
    if (!found) throw new Error(`no NATS server ${name} (have ${nodes.map((n) => n.name).join(', ')})`)
    return found
  }
  return {
    async kill(name) {
      const n = node(name)
      await terminate(n.child, 'SIGKILL')
      n.child = null
      n.paused = false
    },
    async pause(name) {
      const n = node(name)
      n.paused = n.child?.kill('SIGSTOP') ?? false
    },
    async resume(name) {
      const n = node(name)
      n.child?.kill('SIGCONT')
      n.paused = false
    },
    async restart(name) {
      const n = node(name)
      if (n.child) throw new Error(`NATS server ${name} is running: kill() it first`)
      await launch(dir, n)
      await waitForCluster(dir, nodes)
    },
  }
}

/** The meta leader among the servers neither killed nor paused (see waitForMetaLeader). */
const waitForCluster = (dir: string, nodes: Node[]) =>
  waitForMetaLeader(running(nodes).map(monitored), () => logTails(dir, nodes))

const running = (nodes: Node[]) => nodes.filter((n) => n.child !== null && !n.paused)
const monitored = (n: Node) => ({ name: n.name, monitorUrl: `http://127.0.0.1:${n.ports.monitor}` })
const configFile = (dir: string, n: Node) => join(dir, `${n.name}.conf`)
const logFile = (dir: string, n: Node) => join(dir, `${n.name}.log`)

// Only what differs from the defaults: loopback ports, a store dir per server, routes to all three
// (a server skips the route to itself). no_advertise: clients keep to the servers they were given,
// which matters in containers, where the advertised addresses are not reachable from the host.
function config(dir: string, node: Node, nodes: Node[]): string {
  const routes = nodes.map((n) => `nats://127.0.0.1:${n.ports.cluster}`).join(', ')
  return `server_name: ${node.name}
listen: 127.0.0.1:${node.ports.client}
http: 127.0.0.1:${node.ports.monitor}
jetstream {
  store_dir: "${join(dir, node.name)}"
  max_memory_store: 256MB
  max_file_store: 2GB
}
cluster {
  name: ${TEST_CLUSTER}
  listen: 127.0.0.1:${node.ports.cluster}
  routes: [${routes}]
  no_advertise: true
}
`
}

async function launch(dir: string, node: Node): Promise<void> {
  mkdirSync(join(dir, node.name), { recursive: true })
  const child = spawn(NATS_SERVER, ['-c', configFile(dir, node)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const out = createWriteStream(logFile(dir, node), { flags: 'a' })
  child.stdout!.pipe(out)
  child.stderr!.pipe(out)
  node.child = child
  const exited = () => child.exitCode ?? child.signalCode
  try {
    await waitForListening({
      what: `nats-server ${node.name}`,
      port: node.ports.client,
      timeoutMs: 10_000,
      exited,
    })
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${logTails(dir, [node])}`)
  }
}

async function terminate(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A stopped process keeps SIGTERM pending until it runs again.
  child.kill('SIGCONT')
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

function logTails(dir: string, nodes: Node[]): string {
  return nodes
    .map((n) => {
      const log = logFile(dir, n)
      return existsSync(log) ? `--- ${n.name}:\n${readFileSync(log, 'utf8').slice(-1500)}` : ''
    })
    .join('\n')
}
