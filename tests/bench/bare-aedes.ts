/**
 * The baselines: aedes 1.2 with default options, no authentication and no handlers, on a plain
 * net server. Run in its own process so that its CPU and RSS can be read from /proc.
 *
 *   node --import tsx tests/bench/bare-aedes.ts PORT [--echo-events]
 *
 * With `--echo-events` (the `aedes-echo` target) its only handler answers each device event with an
 * alert message on `fw/{building}/alerts`, straight from authorizePublish: the latency floor, what
 * a fire alarm waits on this machine under this load before any Firewatch work.
 *
 * Prints `listening PORT` once it accepts connections.
 */
import net from 'node:net'
import { Aedes, type AedesOptions } from 'aedes'

const port = Number(process.argv[2] ?? 0)
const echo = process.argv.includes('--echo-events')
const broker: Aedes = await Aedes.createBroker(echo ? echoOptions() : {})
const server = net.createServer(broker.handle)
server.listen(port, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`)
})

function echoOptions(): Partial<AedesOptions> {
  return {
    authorizePublish(_client, packet, callback) {
      const parts = packet.topic.split('/')
      if (parts.length === 4 && parts[3] === 'event') echoAlert(parts[1]!, parts[2]!, packet.payload)
      callback(null)
    },
  }
}

function echoAlert(building: string, device: string, payload: Buffer | string): void {
  let ts: unknown
  try {
    ts = (JSON.parse(String(payload)) as { ts?: unknown }).ts
  } catch {
    return
  }
  if (typeof ts !== 'number') return
  const alert = { device, building, class: 'fire', state: 'open', updatedAt: new Date(ts).toISOString() }
  const payloadOut = Buffer.from(JSON.stringify(alert))
  broker.publish(
    {
      cmd: 'publish',
      topic: `fw/${building}/alerts`,
      payload: payloadOut,
      qos: 1,
      retain: false,
      dup: false,
    },
    () => {},
  )
}

function stop(): void {
  server.close()
  broker.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
