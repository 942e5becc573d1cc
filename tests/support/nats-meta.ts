/** A NATS server's monitoring endpoint (http://host:port), with the server's name. */
export interface MonitoredServer {
  name: string
  monitorUrl: string
}

/** The part of /jsz this module reads: the JetStream meta group as that server sees it. */
interface Jsz {
  meta_cluster?: {
    leader?: string
    replicas?: { name: string; current: boolean }[]
  }
}

/**
 * Waits (20 s at most) until the running servers agree on one JetStream meta leader and that leader
 * has every other running server as a current peer. Only then does an R3 stream get its three
 * replicas: with a leader elected but a peer not yet caught up, creating one can fail with
 * "insufficient resources".
 */
export async function waitForMetaLeader(servers: MonitoredServer[], logs: () => string): Promise<string> {
  const deadline = performance.now() + 20_000
  let last = 'no answer yet'
  while (performance.now() < deadline) {
    const state = await metaState(servers)
    if ('leader' in state) return state.leader
    last = state.waiting
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`the NATS cluster has no JetStream meta leader after 20 s (${last})\n${logs()}`)
}

async function metaState(servers: MonitoredServer[]): Promise<{ leader: string } | { waiting: string }> {
  const seen = await Promise.all(servers.map((s) => jsz(s.monitorUrl)))
  const leaders = new Set(seen.map((j) => j?.meta_cluster?.leader ?? ''))
  const [leader] = leaders
  if (leaders.size !== 1 || !leader) {
    return { waiting: `leaders seen: ${[...leaders].map((l) => l || '(none)').join(', ')}` }
  }
  const atLeader = seen[servers.findIndex((s) => s.name === leader)]
  if (!atLeader) return { waiting: `meta leader ${leader} is not among the running servers` }
  const replicas = atLeader.meta_cluster?.replicas ?? []
  const behind = servers
    .filter((s) => s.name !== leader)
    .filter((s) => !replicas.some((r) => r.name === s.name && r.current))
  if (behind.length > 0) return { waiting: `leader ${leader}, not current yet: ${behind.map((s) => s.name)}` }
  return { leader }
}

async function jsz(monitorUrl: string): Promise<Jsz | null> {
  try {
    const res = await fetch(`${monitorUrl}/jsz`, { signal: AbortSignal.timeout(1_000) })
    return res.ok ? ((await res.json()) as Jsz) : null
  } catch {
    return null
  }
}

/** The servers of a test NATS cluster and what a test may do to each one, by server name. */
export interface NatsServerGroup {
  /** The client URL of each server (nats://host:port), in the order of `names`. */
  servers: string[]
  /** Server names as JetStream reports them (a stream's leader, the meta leader): n1, n2, n3. */
  names: string[]
  /** The client URLs of the servers neither killed nor paused now: a client connecting to a paused
   * server waits for an INFO that never comes. */
  answering(): string[]
  /** SIGKILL (docker kill), as a crash: resolves once the process is gone. */
  kill(name: string): Promise<void>
  /** SIGSTOP (docker pause): the server holds its sockets but answers no client and no peer. */
  pause(name: string): Promise<void>
  /** SIGCONT (docker unpause) after pause(). */
  resume(name: string): Promise<void>
  /**
   * The JetStream meta leader, once the servers neither killed nor paused agree on one that has
   * all of them as current peers (20 s at most). Streams and consumers are created through it:
   * after a kill or a pause that took it away, wait for the next one before creating any.
   */
  metaLeader(): Promise<string>
  /** Starts a killed server again, same ports and store; resolves once the meta group has it back. */
  restart(name: string): Promise<void>
  /** Stops every server and removes their stores. */
  stop(): Promise<void>
}
