import pg from 'pg'

/**
 * One PostgreSQL session used by several tasks (ownership rounds, each partition's commits), one
 * task at a time: a transaction's statements must not interleave with another task's on the same
 * session. The session is the fencing token of cluster mode (docs/cluster.md): the advisory locks
 * of the partitions it owns live and die with it, and every write for them goes through it.
 */
export class PgSession {
  private queue: Promise<unknown> = Promise.resolve()
  private lost: Error | null = null

  private constructor(private readonly client: pg.Client) {
    client.on('error', (err: Error) => {
      this.lost ??= err
    })
    client.on('end', () => {
      this.lost ??= new Error('PostgreSQL session ended')
    })
  }

  static async open(url: string, timeoutMs: number): Promise<PgSession> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
    await client.connect()
    return new PgSession(client)
  }

  /** Set once the session failed (terminated by a challenger, server gone): it never comes back. */
  get failure(): Error | null {
    return this.lost
  }

  /** Runs `task` alone on the session, after every task queued before it. */
  exclusive<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.lost) throw this.lost
      return task(this.client)
    })
    this.queue = run.catch(() => {})
    return run
  }

  /** `work` inside BEGIN … COMMIT, alone on the session; ROLLBACK when it throws. */
  transaction<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.exclusive(async (client) => {
      await client.query('BEGIN')
      try {
        const result = await work(client)
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      }
    })
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {})
  }
}
