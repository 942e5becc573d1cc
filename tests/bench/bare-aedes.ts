/**
 * The baseline: aedes 1.2 with default options, no authentication and no handlers, on a plain
 * net server. Run in its own process so that its CPU and RSS can be read from /proc.
 *
 *   node --import tsx tests/bench/bare-aedes.ts PORT
 *
 * Prints `listening PORT` once it accepts connections.
 */
import net from 'node:net'
import { Aedes } from 'aedes'

const port = Number(process.argv[2] ?? 0)
const broker = await Aedes.createBroker()
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
