import net from 'node:net'

export interface TcpProxy {
  /** http://127.0.0.1:<port>: what the browser is pointed at. */
  url: string
  /** Drops every open connection and refuses new ones: a network cut between browser and gateway. */
  cut(): Promise<void>
  /** Accepts connections again on the same port. */
  restore(): Promise<void>
  close(): Promise<void>
}

/**
 * A plain TCP relay in front of the gateway's HTTP port, so that a test can drop the browser's
 * live stream while the gateway keeps running (a restart would also lose the replay log).
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  const relay = (client: net.Socket) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  }
  let server = net.createServer(relay)
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  const port = await listen(0)
  return {
    url: `http://127.0.0.1:${port}`,
    cut: stop,
    async restore() {
      server = net.createServer(relay)
      await listen(port)
    },
    close: stop,
  }
}
