/**
 * The latency floor: bare aedes 1.2 (no authentication, no storage, no rules) that answers each
 * device event with an alert message on `fw/{building}/alerts`, straight from authorizePublish.
 * Whatever a fire alarm waits here is the broker's and the machine's, not Firewatch's.
 *
 *   node --import tsx tests/bench/echo-aedes.ts PORT
 *
 * Prints `listening PORT` once it accepts connections.
 */
import net from 'node:net'
import { Aedes } from 'aedes'

const port = Number(process.argv[2] ?? 0)
const broker: Aedes = await Aedes.createBroker({
  authorizePublish(_client, packet, callback) {
    const parts = packet.topic.split('/')
    if (parts.length === 4 && parts[3] === 'event') echoAlert(parts[1]!, parts[2]!, packet.payload)
    callback(null)
  },
})

function echoAlert(building: string, device: string, payload: Buffer | string): void {
  let ts: unknown
  try {
    ts = (JSON.parse(String(payload)) as { ts?: unknown }).ts
  } catch {
    return
  }
  if (typeof ts !== 'number') return
  const alert = { device, building, class: 'fire', state: 'open', updatedAt: new Date(ts).toISOString() }
  broker.publish(
    {
      cmd: 'publish',
      topic: `fw/${building}/alerts`,
      payload: Buffer.from(JSON.stringify(alert)),
      qos: 1,
      retain: false,
      dup: false,
    },
    () => {},
  )
}

const server = net.createServer(broker.handle)
server.listen(port, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`)
})

function stop(): void {
  server.close()
  broker.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
