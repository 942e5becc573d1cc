import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TELEMETRY_STREAM } from '../../gateway/cluster/partition.ts'
import { MESSAGES_PER_DEVICE, PARTITIONS } from './cluster-input.ts'
import { ClusterUnderTest, waitFor } from './cluster-under-test.ts'

// Cluster mode when the JetStream server that leads the stream dies (docs/cluster.md "Running
// cluster mode"): publishes fail until a new leader is elected; a device's publish is then
// refused (no PUBACK) and sent again, never acknowledged and lost.

const BEFORE_KILL = 11

describe('Cluster mode, the stream leader killed', () => {
  let cluster: ClusterUnderTest

  beforeAll(async () => {
    cluster = await ClusterUnderTest.start()
    await cluster.startNode('node-1')
    await cluster.startNode('node-2')
  }, 60_000)

  afterAll(async () => {
    await cluster?.stop()
  })

  it("When the stream leader is SIGKILLed mid-stream, then refused publishes are resent and every PUBACKed reading is stored once, with exactly the alarm path's transitions", async () => {
    await waitFor(
      'both nodes own partitions',
      () => cluster.owners(),
      (rows) => rows.length === PARTITIONS && new Set(rows.map((r) => r.owner)).size === 2,
    )
    await cluster.connectDevices()
    await cluster.publish(1, BEFORE_KILL)
    const leader = await cluster.nats.streamLeader(TELEMETRY_STREAM)
    const rest = cluster.publish(BEFORE_KILL + 1, MESSAGES_PER_DEVICE)
    await cluster.nats.kill(leader)
    await rest
    await cluster.nats.streamLeader(TELEMETRY_STREAM, { not: leader })
    // The kill did interrupt the stream: the nodes refused publishes, which the devices sent again.
    const logged = (text: string) => cluster.nodes.reduce((n, node) => n + node.logged(text), 0)
    const refused = logged('publish refused')
    console.log(`stream leader ${leader} killed: ${refused} device publishes refused and sent again`)
    expect(refused).toBeGreaterThan(0)
    const messages = await cluster.streamOnceCommitted()
    await cluster.expectExactOutcome(messages)
    console.log(`partition consumers that stalled and were replayed: ${logged('stopped delivering')}`)
    // Both nodes kept their partitions: the nodes did not die with the NATS server.
    const owners = new Set((await cluster.owners()).map((r) => r.owner))
    expect(owners).toEqual(new Set(['node-1', 'node-2']))
  }, 180_000)
})
