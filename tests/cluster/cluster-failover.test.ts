import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partitionOf } from '../../gateway/cluster/partition.ts'
import { BUILDINGS, MESSAGES_PER_DEVICE, PARTITIONS } from './cluster-input.ts'
import { ClusterUnderTest, waitFor } from './cluster-under-test.ts'

// Cluster mode end to end (docs/cluster.md "Running cluster mode"): two Firewatch node processes
// on a three-server JetStream cluster and a PostgreSQL, devices publishing QoS 1 through both.

// In a low-battery phase (messages 10 to 12 of each ten): those alerts are active at the kill.
const BEFORE_KILL = 11

describe('Cluster mode, two nodes', () => {
  let cluster: ClusterUnderTest

  beforeAll(async () => {
    cluster = await ClusterUnderTest.start()
    // The default lease: a killed node's partitions are taken at once, without waiting for it.
    await cluster.startNode('node-1', 10)
    await cluster.startNode('node-2', 10)
  }, 60_000)

  afterAll(async () => {
    await cluster?.stop()
  })

  it("When a node is SIGKILLed mid-stream, then every PUBACKed reading is in the stream once and the alert transitions in PostgreSQL are exactly the alarm path's", async () => {
    // The buildings spread over several partitions, so that both nodes have work.
    expect(new Set(BUILDINGS.map((b) => partitionOf(b, PARTITIONS))).size).toBeGreaterThanOrEqual(3)
    const shared = await waitFor(
      'both nodes own partitions',
      () => cluster.owners(),
      (rows) => rows.length === PARTITIONS && new Set(rows.map((r) => r.owner)).size === 2,
    )
    const [first] = cluster.nodes
    await cluster.connectDevices()
    await cluster.publish(1, BEFORE_KILL)
    // node-1 has committed transitions of its partitions before it dies.
    const node1Partitions = shared.filter((r) => r.owner === 'node-1').map((r) => r.partition)
    await waitFor(
      'node-1 committed',
      () => cluster.committedBy('node-1'),
      (n) => n > 0,
    )
    const rest = cluster.publish(BEFORE_KILL + 1, MESSAGES_PER_DEVICE)
    const killedAt = performance.now()
    await first!.kill9()
    await waitFor(
      'node-2 owns every partition',
      () => cluster.owners(),
      (rows) => rows.length === PARTITIONS && rows.every((r) => r.owner === 'node-2'),
    )
    const ownedAfter = performance.now() - killedAt
    await rest
    const messages = await cluster.streamOnceCommitted()
    console.log(
      `failover: node-2 owned every partition ${Math.round(ownedAfter)} ms after the SIGKILL of node-1; every partition committed to its last message after ${Math.round(performance.now() - killedAt)} ms (publishing included)`,
    )
    const stored = await cluster.expectExactOutcome(messages)
    // node-2 took over mid-stream: it committed transitions in partitions that node-1 had owned.
    const takenOver = stored.filter((r) => node1Partitions.includes(r.partition))
    expect(takenOver.some((r) => r.committed_by === 'node-1')).toBe(true)
    expect(takenOver.some((r) => r.committed_by === 'node-2')).toBe(true)
  }, 180_000)
})
