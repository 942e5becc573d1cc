import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MESSAGES_PER_DEVICE, PARTITIONS } from './cluster-input.ts'
import { ClusterUnderTest, waitFor } from './cluster-under-test.ts'

// Cluster mode when a node is stopped on purpose (SIGTERM, as a supervisor or a rolling update
// does; docs/cluster.md "Running cluster mode"): it closes its devices' connections, finishes the
// batches in hand, gives its partitions back and exits 0; the other node takes them over.

const BEFORE_STOP = 11

describe('Cluster mode, a node stopped with SIGTERM', () => {
  let cluster: ClusterUnderTest

  beforeAll(async () => {
    cluster = await ClusterUnderTest.start()
    await cluster.startNode('node-1', 10)
    await cluster.startNode('node-2', 10)
  }, 60_000)

  afterAll(async () => {
    await cluster?.stop()
  })

  it("When a node is stopped mid-stream, then it exits 0, the other takes its partitions, and the outcome is exactly the alarm path's", async () => {
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
    await first!.stop()
    expect(first!.child.exitCode).toBe(0)
    await rest
    await waitFor(
      'node-2 owns every partition',
      () => cluster.owners(),
      (rows) => rows.length === PARTITIONS && rows.every((r) => r.owner === 'node-2'),
    )
    await cluster.expectExactOutcome(await cluster.streamOnceCommitted())
  }, 180_000)
})
