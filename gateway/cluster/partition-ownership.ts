import type pg from 'pg'
import type { PgSession } from './pg-session.ts'

/** First key of the partitions' advisory locks (the second is the partition number). */
const PARTITION_LOCK_SPACE = 0x46570001

export interface OwnershipDeps {
  session: PgSession
  nodeId: string
  partitions: number
  leaseMs: number
  /** A partition was won: its worker starts (replay, then live). */
  gained(partition: number): Promise<void>
  /** A partition is given up (another node's fair share): its worker stops before the lock goes. */
  released(partition: number): Promise<void>
}

/**
 * Which partitions this node works on. A partition is owned while this node's PostgreSQL session
 * holds its advisory lock: a dead node's session closes and frees its locks. A lease row renewed
 * by every round covers a node that is frozen but still connected: past the lease, a challenger
 * terminates the holder's backend, and with it the locks and any transaction it had open. Each
 * node takes about its fair share (partitions ÷ live nodes) and gives back what is above it.
 */
export class PartitionOwnership {
  private readonly owned = new Set<number>()

  constructor(private readonly deps: OwnershipDeps) {}

  get partitions(): ReadonlySet<number> {
    return this.owned
  }

  /**
   * One round: heartbeat; take the partitions of a dead owner at once (its lease row is there but
   * its lock is free: its session closed), whatever the share, so that failover does not wait for
   * the lease; give back above the fair share; take free or expired partitions up to it.
   */
  async round(): Promise<void> {
    const live = await this.heartbeat()
    for (const p of await this.orphans()) if (await this.tryTake(p)) await this.deps.gained(p)
    const share = Math.ceil(this.deps.partitions / Math.max(1, live))
    for (const p of [...this.owned].sort((a, b) => b - a)) {
      if (this.owned.size <= share) break
      await this.release(p)
    }
    for (const p of this.candidates()) {
      if (this.owned.size >= share) break
      if (await this.tryTake(p)) await this.deps.gained(p)
    }
  }

  /** Gives every partition back (shutdown); a killed node's session does the same by closing. */
  async releaseAll(): Promise<void> {
    for (const p of [...this.owned]) await this.release(p)
  }

  /**
   * Renews this node's presence and its leases; returns how many nodes are live: renewed within
   * the lease (not frozen) and with their session still open (not dead, whose share is free now).
   */
  private heartbeat(): Promise<number> {
    const { nodeId, leaseMs } = this.deps
    return this.deps.session.exclusive(async (c) => {
      await c.query(
        `INSERT INTO fw_node (node_id, backend_pid, seen_at) VALUES ($1, pg_backend_pid(), now())
         ON CONFLICT (node_id) DO UPDATE SET backend_pid = pg_backend_pid(), seen_at = now()`,
        [nodeId],
      )
      await c.query(
        'UPDATE fw_partition_lease SET renewed_at = now() WHERE owner = $1 AND partition = ANY($2)',
        [nodeId, [...this.owned]],
      )
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM fw_node n
          WHERE n.seen_at > now() - make_interval(secs => $1)
            AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = n.backend_pid)`,
        [leaseMs / 1000],
      )
      return rows[0].n as number
    })
  }

  /** Partitions whose owner's session is gone: a lease row of another node, and nobody holds the lock. */
  private orphans(): Promise<number[]> {
    return this.deps.session.exclusive(async (c) => {
      const { rows } = await c.query(
        `SELECT l.partition FROM fw_partition_lease l
          WHERE l.owner <> $1 AND l.partition < $3 AND NOT EXISTS (
            SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted
               AND k.classid::bigint = $2::bigint AND k.objid::bigint = l.partition::bigint)
          ORDER BY l.partition`,
        [this.deps.nodeId, PARTITION_LOCK_SPACE, this.deps.partitions],
      )
      return rows.map((r) => r.partition as number)
    })
  }

  /** Partitions not owned here, starting at a place of this node's own, so nodes rarely race. */
  private candidates(): number[] {
    const { partitions, nodeId } = this.deps
    let start = 0
    for (const ch of nodeId) start = (start * 31 + ch.charCodeAt(0)) % partitions
    const order = Array.from({ length: partitions }, (_, i) => (start + i) % partitions)
    return order.filter((p) => !this.owned.has(p))
  }

  private async tryTake(p: number): Promise<boolean> {
    const { nodeId, leaseMs } = this.deps
    const got = await this.deps.session.exclusive(async (c) => {
      if (await tryLock(c, p)) {
        await c.query(
          `INSERT INTO fw_partition_lease (partition, owner, backend_pid, renewed_at)
           VALUES ($1, $2, pg_backend_pid(), now())
           ON CONFLICT (partition) DO UPDATE SET owner = $2, backend_pid = pg_backend_pid(), renewed_at = now()`,
          [p, nodeId],
        )
        return true
      }
      await fenceExpiredHolder(c, p, leaseMs)
      return false
    })
    if (got) this.owned.add(p)
    return got
  }

  /** Gives one partition back (its worker failed): a later round may take it again and replay. */
  async releaseOne(p: number): Promise<void> {
    if (this.owned.has(p)) await this.release(p)
  }

  private async release(p: number): Promise<void> {
    this.owned.delete(p)
    await this.deps.released(p)
    await this.deps.session.exclusive(async (c) => {
      await c.query('DELETE FROM fw_partition_lease WHERE partition = $1 AND owner = $2', [
        p,
        this.deps.nodeId,
      ])
      await c.query('SELECT pg_advisory_unlock($1, $2)', [PARTITION_LOCK_SPACE, p])
    })
  }
}

async function tryLock(c: pg.Client, p: number): Promise<boolean> {
  const { rows } = await c.query('SELECT pg_try_advisory_lock($1, $2) AS got', [PARTITION_LOCK_SPACE, p])
  return rows[0].got === true
}

/**
 * The lock is held, but its lease was not renewed in time: the holder is frozen (SIGSTOP, a long
 * pause) yet connected. Ending its backend frees the lock for the next round and rolls back any
 * transaction it had open, so the frozen node can write nothing more for the partition.
 */
async function fenceExpiredHolder(c: pg.Client, p: number, leaseMs: number): Promise<void> {
  await c.query(
    `SELECT pg_terminate_backend(l.backend_pid, 5000)
       FROM fw_partition_lease l
       JOIN pg_locks k ON k.locktype = 'advisory' AND k.granted AND k.pid = l.backend_pid
                       AND k.classid::bigint = $1::bigint AND k.objid::bigint = $2::bigint
      WHERE l.partition = $3 AND l.renewed_at < now() - make_interval(secs => $4)`,
    [PARTITION_LOCK_SPACE, p, p, leaseMs / 1000],
  )
}
