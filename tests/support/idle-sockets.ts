import net from 'node:net'

/** A TCP connection that sends nothing (or what the test writes) and records what comes back. */
export interface IdleSocket {
  socket: net.Socket
  /** Everything the server sent, as text. */
  received(): string
  isClosed(): boolean
  closed: Promise<void>
}

/** Opens one connection from `localAddress` (a loopback address: another "client address"). */
export function openIdle(port: number, localAddress: string): Promise<IdleSocket> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress })
  const chunks: Buffer[] = []
  let closed = false
  socket.on('data', (c: Buffer) => chunks.push(c))
  socket.on('error', () => {})
  const closedP = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true
      resolve()
    }),
  )
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks).toString('latin1'),
        isClosed: () => closed,
        closed: closedP,
      }),
    )
    socket.once('error', reject)
  })
}

/** `count` connections from one address, one after the other so that the server accepts them in order. */
export async function openMany(count: number, port: number, localAddress: string): Promise<IdleSocket[]> {
  const sockets: IdleSocket[] = []
  for (let i = 0; i < count; i++) sockets.push(await openIdle(port, localAddress))
  return sockets
}

export function destroyAll(sockets: readonly IdleSocket[]): void {
  for (const s of sockets) s.socket.destroy()
}

/**
 * Keeps `perAddress` idle connections open from each address, opening a new one whenever the server
 * closes one, as a flooding client would; at most `maxOpens` in all, so the loop is bounded.
 */
export class IdleFlood {
  private readonly open = new Set<IdleSocket>()
  private opens = 0
  private stopped = false

  constructor(
    private readonly port: number,
    private readonly maxOpens: number,
  ) {}

  /** Opens `count` connections from each address, one after another; resolves once all are open. */
  async start(shares: readonly (readonly [address: string, count: number])[]): Promise<IdleSocket[]> {
    const started: IdleSocket[] = []
    for (const [address, count] of shares) {
      for (let i = 0; i < count; i++) started.push(await this.openOne(address))
    }
    return started
  }

  get connectionsOpened(): number {
    return this.opens
  }

  stop(): void {
    this.stopped = true
    destroyAll([...this.open])
    this.open.clear()
  }

  private async openOne(address: string): Promise<IdleSocket> {
    this.opens++
    const s = await openIdle(this.port, address)
    this.open.add(s)
    void s.closed.then(() => {
      this.open.delete(s)
      if (this.stopped || this.opens >= this.maxOpens) return
      // A short pause: a refused connection would otherwise come back in a tight loop.
      setTimeout(() => {
        if (!this.stopped) void this.openOne(address).catch(() => {})
      }, 50)
    })
    return s
  }
}
