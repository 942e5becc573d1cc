import net from 'node:net'

/** A loopback port nobody listens on now: taken from the OS, then released for the caller. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface ListeningWait {
  /** Who should be listening, for the error messages. */
  what: string
  host?: string
  port: number
  timeoutMs: number
  /** Its exit code (or signal) once it has exited, null while it runs: waiting stops at once then. */
  exited: () => number | string | null
}

/** Resolves once host:port accepts a TCP connection; throws when the server exits or time runs out. */
export async function waitForListening(w: ListeningWait): Promise<void> {
  const host = w.host ?? '127.0.0.1'
  const deadline = performance.now() + w.timeoutMs
  while (performance.now() < deadline) {
    const exit = w.exited()
    if (exit !== null) throw new Error(`${w.what} exited with ${exit}`)
    if (await accepts(host, w.port)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${w.what} did not listen on ${host}:${w.port} within ${w.timeoutMs} ms`)
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
