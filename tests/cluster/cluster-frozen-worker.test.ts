import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MESSAGES_PER_DEVICE, PARTITIONS } from './cluster-input.ts'
import { ClusterUnderTest, waitFor } from './cluster-under-test.ts'

// Cluster mode when a node freezes (SIGSTOP) but keeps its connections (docs/cluster.md "Running
// cluster mode"): its PostgreSQL session still holds the partition locks, so only the lease tells
// the others. Past the lease another node ends that session (the fence) and takes over; the
// frozen node, thawed, finds its session gone and exits without writing anything more.

const BEFORE_STOP = 11

describe('Cluster mode, a node frozen past its lease', () => {
  let cluster: ClusterUnderTest

  beforeAll(async () => {
    cluster = await ClusterUnderTest.start()
    await cluster.startNode('node-1')
    await cluster.startNode('node-2')
  }, 60_000)

  afterAll(async () => {
    const frozen = cluster?.nodes[0]
    if (frozen?.child.exitCode === null) frozen.child.kill('SIGCONT')
    await cluster?.stop()
  })

  it("When a node is SIGSTOPped past its lease, then another fences it off and takes over, and the outcome is exactly the alarm path's", async () => {
    await waitFor(
      'both nodes own partitions',
      () => cluster.owners(),
      (rows) => rows.length === PARTITIONS && new Set(rows.map((r) => r.owner)).size === 2,
    )
    const [first] = cluster.nodes
    await cluster.connectDevices()
    await cluster.publish(1, BEFORE_STOP)
    await waitFor(
      'node-1 committed',
      () => cluster.committedBy('node-1'),
      (n) => n > 0,
    )
    const rest = cluster.publish(BEFORE_STOP + 1, MESSAGES_PER_DEVICE)
    const stoppedAt = performance.now()
    first!.child.kill('SIGSTOP')
    await waitFor(
      'node-2 owns every partition',
      () => cluster.owners(),
      (rows) => rows.length === PARTITIONS && rows.every((r) => r.owner === 'node-2'),
    )
    const fencedAfter = performance.now() - stoppedAt
    await rest
    first!.child.kill('SIGCONT')
    // Thawed, node-1 finds its session terminated and exits (its supervisor would start it anew).
    const exit = await waitFor(
      'node-1 exits',
      async () => first!.child.exitCode,
      (code) => code !== null,
    )
    expect(exit).toBe(1)
    const messages = await cluster.streamOnceCommitted()
    console.log(
      `frozen node: node-2 owned every partition ${Math.round(fencedAfter)} ms after the SIGSTOP of node-1 (lease 2 s)`,
    )
    await cluster.expectExactOutcome(messages)
    expect(new Set((await cluster.owners()).map((r) => r.owner))).toEqual(new Set(['node-2']))
  }, 180_000)
})
