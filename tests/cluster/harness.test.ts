import { randomBytes } from 'node:crypto'
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NatsClusterUnderTest, startNatsCluster } from '../support/nats-cluster.ts'
import { type PostgresUnderTest, startPostgres } from '../support/postgres-server.ts'
import {
  addReplicatedStream,
  idCounts,
  publishUntilAcked,
  readFrom,
  waitForCurrentReplicas,
} from './jetstream-helpers.ts'

// The servers cluster mode will run on, proved with the real clients (docs/cluster.md "Test
// servers"): a three-server JetStream cluster and a PostgreSQL, both started by the harness.

describe('The JetStream test cluster', () => {
  // Names of this run: with NATS_URL the servers may hold the streams of an earlier run.
  const run = randomBytes(3).toString('hex')
  const streamName = (what: string) => `${what}_${run}`
  const [DEDUP, ORDERED, FAILOVER, PAUSE] = [
    streamName('DEDUP'),
    streamName('ORDERED'),
    streamName('FAILOVER'),
    streamName('PAUSE'),
  ]
  let cluster: NatsClusterUnderTest
  let nc: NatsConnection
  let js: JetStreamClient
  let jsm: JetStreamManager

  beforeAll(async () => {
    cluster = await startNatsCluster()
    // Reconnects at once to another server when the one it uses is killed.
    nc = await connect({ servers: cluster.servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    js = jetstream(nc, { timeout: 2_000 })
    jsm = await jetstreamManager(nc, { timeout: 2_000 })
  })

  afterAll(async () => {
    await nc?.close()
    await cluster?.stop()
  })

  it('When a message id is published twice, then the R3 stream stores it once', async () => {
    await addReplicatedStream(jsm, DEDUP)
    const first = await js.publish(`${DEDUP}.a`, 'one', { msgID: 'm-1' })
    const again = await js.publish(`${DEDUP}.a`, 'one', { msgID: 'm-1' })
    const other = await js.publish(`${DEDUP}.a`, 'two', { msgID: 'm-2' })
    expect([first.duplicate, again.duplicate, other.duplicate]).toEqual([false, true, false])
    expect([first.seq, again.seq, other.seq]).toEqual([1, 1, 2])
    const info = await jsm.streams.info(DEDUP)
    expect(info.state.messages).toBe(2)
    expect(info.cluster?.replicas).toHaveLength(2)
  })

  it('When an ordered consumer starts at sequence 4, then it reads 4 to 10 in order', async () => {
    await addReplicatedStream(jsm, ORDERED)
    for (let i = 1; i <= 10; i++) await js.publish(`${ORDERED}.${i}`, `body-${i}`, { msgID: `o-${i}` })
    const read = await readFrom(js, jsm, ORDERED, 4)
    expect(read.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8, 9, 10])
    expect(read.map((m) => m.string())).toEqual([4, 5, 6, 7, 8, 9, 10].map((i) => `body-${i}`))
  })

  it('When the stream leader is killed mid-stream, then every acknowledged publish is there once', async () => {
    await addReplicatedStream(jsm, FAILOVER)
    const oldLeader = await cluster.streamLeader(FAILOVER)
    const deadline = performance.now() + 60_000
    const acked = new Set<string>()
    let failedAttempts = 0
    for (let i = 0; i < 2_000; i++) {
      if (i === 700) await cluster.kill(oldLeader)
      const id = `f-${i}`
      failedAttempts += (await publishUntilAcked(js, `${FAILOVER}.${i % 7}`, id, deadline)).failed
      acked.add(id)
    }
    // The kill did interrupt the stream: publishes failed until the new leader took over.
    expect(failedAttempts).toBeGreaterThan(0)
    const newLeader = await cluster.streamLeader(FAILOVER, { not: oldLeader })
    expect(newLeader).not.toBe(oldLeader)
    // Reading makes a consumer, through the meta leader: the killed server may have been that too.
    await cluster.metaLeader()
    const counts = idCounts(await readFrom(js, jsm, FAILOVER, 1))
    expect([...acked].filter((id) => counts.get(id) !== 1)).toEqual([])
    expect(counts.size).toBe(2_000)
    expect((await jsm.streams.info(FAILOVER)).state.messages).toBe(2_000)
    // The killed server comes back on its store and catches up.
    await cluster.restart(oldLeader)
    await waitForCurrentReplicas(jsm, FAILOVER)
  }, 120_000)

  it('When a follower is stopped (SIGSTOP), then publishes are acknowledged and it catches up after SIGCONT', async () => {
    await addReplicatedStream(jsm, PAUSE)
    const leader = await cluster.streamLeader(PAUSE)
    const follower = cluster.names.find((n) => n !== leader)!
    // A connection to a stopped server hangs: this client keeps to the two others.
    const others = cluster.servers.filter((_, i) => cluster.names[i] !== follower)
    const side = await connect({ servers: others })
    // Before the pause: the stopped follower may be the meta leader, which answers $JS.API.INFO.
    const sideJs = jetstream(side, { timeout: 2_000 })
    const sideJsm = await jetstreamManager(side)
    try {
      await cluster.pause(follower)
      const deadline = performance.now() + 30_000
      let failed = 0
      for (let i = 0; i < 100; i++)
        failed += (await publishUntilAcked(sideJs, `${PAUSE}.x`, `p-${i}`, deadline)).failed
      // Two of three replicas are a quorum: the stopped one holds nothing up.
      expect(failed).toBe(0)
      // The leader sees the stopped follower behind (raft entries it has not acknowledged).
      const behind = (await sideJsm.streams.info(PAUSE)).cluster?.replicas?.find((r) => r.name === follower)
      expect(behind?.current).toBe(false)
      expect(behind?.lag).toBeGreaterThan(0)
      await cluster.resume(follower)
      await waitForCurrentReplicas(sideJsm, PAUSE)
      expect((await sideJsm.streams.info(PAUSE)).state.messages).toBe(100)
    } finally {
      await cluster.resume(follower)
      await side.close()
    }
  })
})

describe('The PostgreSQL test server', () => {
  let server: PostgresUnderTest
  let url: string
  const clients: pg.Client[] = []

  /** A connected client, ended after the test file. */
  async function session(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url })
    // A terminated backend or a killed server makes the client emit 'error': unheard, it would end
    // the test worker. The test sees the failure on its next query instead.
    client.on('error', () => {})
    await client.connect()
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    server = await startPostgres()
    url = await server.createDatabase()
  })

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})))
    await server?.stop()
  })

  it('When a session holds an advisory lock, then another is refused it until the holder is terminated', async () => {
    const [holder, rival, admin] = [await session(), await session(), await session()]
    await admin.query('CREATE TABLE fenced_writes (id serial PRIMARY KEY, writer text NOT NULL)')
    await holder.query('BEGIN')
    await holder.query("INSERT INTO fenced_writes (writer) VALUES ('holder')")
    const take = 'SELECT pg_try_advisory_lock(4242) AS got'
    expect((await holder.query(take)).rows[0].got).toBe(true)
    expect((await rival.query(take)).rows[0].got).toBe(false)
    const pid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
    // The second argument waits (ms) until the backend has gone, and its locks with it.
    const terminated = await admin.query('SELECT pg_terminate_backend($1, 5000) AS done', [pid])
    expect(terminated.rows[0].done).toBe(true)
    await expect(holder.query('SELECT 1')).rejects.toThrow()
    expect((await rival.query(take)).rows[0].got).toBe(true)
    // The holder's open transaction died with it: nothing it wrote is there.
    expect((await admin.query('SELECT count(*)::int AS n FROM fenced_writes')).rows[0].n).toBe(0)
  })

  it('When two consumers take rows FOR UPDATE SKIP LOCKED, then they get disjoint rows', async () => {
    const [a, b, c] = [await session(), await session(), await session()]
    await a.query('CREATE TABLE outbox (id int PRIMARY KEY, body text NOT NULL)')
    await a.query("INSERT INTO outbox SELECT i, 'message ' || i FROM generate_series(1, 10) AS i")
    const take = 'SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED'
    await a.query('BEGIN')
    await b.query('BEGIN')
    const first = (await a.query(take, [4])).rows.map((r) => r.id)
    const second = (await b.query(take, [4])).rows.map((r) => r.id)
    const rest = (await c.query(take, [10])).rows.map((r) => r.id)
    expect(first).toEqual([1, 2, 3, 4])
    expect(second).toEqual([5, 6, 7, 8])
    expect(rest).toEqual([9, 10])
    await a.query('COMMIT')
    await b.query('COMMIT')
  })

  it('When the server is killed with -9, then connections fail, and after a restart the committed rows are there', async () => {
    const before = await session()
    await before.query('CREATE TABLE survivors (id int PRIMARY KEY)')
    await before.query('INSERT INTO survivors VALUES (1), (2), (3)')
    await server.kill()
    await expect(before.query('SELECT 1')).rejects.toThrow()
    await expect(session()).rejects.toThrow()
    await server.restart()
    const after = await session()
    expect((await after.query('SELECT id FROM survivors ORDER BY id')).rows).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ])
  })
})
