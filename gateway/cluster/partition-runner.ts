import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { TimeoutError } from '@nats-io/transport-node'
import type pg from 'pg'
import type { Logger } from '../../alerting/deps.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { partitionFilter, TELEMETRY_STREAM } from './partition.ts'
import { PartitionAlarm, partitionSite, type RecordedTransition } from './partition-alarm.ts'
import type { PgSession } from './pg-session.ts'
import { watchForStall } from './stall-watch.ts'
import { decodeBody } from './stream-message.ts'

export interface RunnerDeps {
  js: JetStreamClient
  jsm: JetStreamManager
  session: PgSession
  site: SiteModel
  log: Logger
  nodeId: string
  partitions: number
  batchMax: number
  /** The partition's work failed (the stream, PostgreSQL): its owner gives it up. */
  failed(partition: number, error: unknown): void
}

/**
 * The worker of one owned partition. It rebuilds the rule state by replaying the partition from the
 * start of the stream, writing nothing up to the committed offset, then goes on live; each batch
 * commits its alert transitions and the new offset in one transaction on the owner's session
 * (docs/cluster.md "Running cluster mode"). A snapshot of the rule state is the planned shortcut.
 */
export class PartitionRunner {
  private stopping = false
  private stalled = false
  private handled = 0
  private messages: ConsumerMessages | null = null
  private readonly done: Promise<void>

  constructor(
    readonly partition: number,
    private readonly deps: RunnerDeps,
  ) {
    this.done = this.run().catch((err: unknown) => {
      if (!this.stopping) deps.failed(partition, err)
    })
  }

  /** Stops after the batch in hand is committed (or abandoned). */
  async stop(): Promise<void> {
    this.stopping = true
    this.messages?.stop()
    await this.done
  }

  private stall(): void {
    this.stalled = true
    this.messages?.stop()
  }

  private async run(): Promise<void> {
    const { partition, deps } = this
    const committed = await readOffset(deps.session, partition)
    const alarm = new PartitionAlarm(
      partition,
      partitionSite(deps.site, partition, deps.partitions),
      deps.log,
    )
    const unwatch = watchForStall(
      deps.jsm,
      partition,
      () => this.handled,
      () => this.stall(),
    )
    try {
      const consumer = await orderedConsumer(deps.js, partition)
      if (this.stopping) return
      this.messages = await consumer.consume({ max_messages: 500 })
      deps.log.info({ partition, committed }, 'partition taken: replaying from the start of the stream')
      await this.consume(this.messages, alarm, committed)
      if (this.stalled) throw new Error(`partition ${partition}: the stream's consumer stopped delivering`)
    } finally {
      unwatch()
      alarm.close()
    }
  }

  /** Every message to the alarm path; transitions written only past `committed`, in batches. */
  private async consume(messages: ConsumerMessages, alarm: PartitionAlarm, committed: number): Promise<void> {
    let batch: RecordedTransition[] = []
    let inBatch = 0
    for await (const m of messages) {
      if (this.stopping || this.stalled) break
      const recorded = alarm.handle(m.seq, decodeBody(m.data))
      this.handled = m.seq
      if (m.seq <= committed) continue
      batch.push(...recorded)
      inBatch++
      if (inBatch < this.deps.batchMax && m.info.pending > 0) continue
      await commitBatch(this.deps, this.partition, batch, m.seq)
      batch = []
      inBatch = 0
    }
  }
}

async function readOffset(session: PgSession, partition: number): Promise<number> {
  return session.exclusive(async (c) => {
    const { rows } = await c.query('SELECT stream_seq FROM fw_partition_offset WHERE partition = $1', [
      partition,
    ])
    return rows.length === 0 ? 0 : Number(rows[0].stream_seq)
  })
}

/**
 * An ordered consumer of the partition from the stream's first message. nats-server before 2.12
 * may place it on a stream peer that is down and then not answer (docs/cluster.md "Test servers"):
 * each new attempt is placed anew.
 */
async function orderedConsumer(js: JetStreamClient, partition: number): Promise<Consumer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await js.consumers.get(TELEMETRY_STREAM, {
        filter_subjects: partitionFilter(partition),
        opt_start_seq: 1,
      })
    } catch (err) {
      if (attempt === 12 || !(err instanceof TimeoutError)) throw err
    }
  }
}

/** The batch's transitions and the partition's new offset, in one transaction. */
function commitBatch(
  deps: RunnerDeps,
  partition: number,
  batch: RecordedTransition[],
  upTo: number,
): Promise<void> {
  return deps.session.transaction(async (c) => {
    await insertTransitions(c, partition, batch, deps.nodeId)
    await c.query(
      `INSERT INTO fw_partition_offset (partition, stream_seq, committed_by) VALUES ($1, $2, $3)
       ON CONFLICT (partition) DO UPDATE SET stream_seq = $2, committed_by = $3, committed_at = now()`,
      [partition, upTo, deps.nodeId],
    )
  })
}

async function insertTransitions(
  c: pg.Client,
  partition: number,
  batch: RecordedTransition[],
  nodeId: string,
) {
  if (batch.length === 0) return
  const rows = batch.map((r) => ({
    alert_id: r.alertId,
    seq: r.seq,
    stream_seq: r.streamSeq,
    action: r.transition.action,
    actor: r.transition.actor,
    at: r.transition.at,
    building: r.transition.alert.building,
    device: r.transition.alert.device,
    rule: r.transition.alert.rule,
    state: r.transition.alert.state,
    alert: r.transition.alert,
  }))
  // A replay after a lost COMMIT acknowledgement makes the same rows: the key keeps them once.
  await c.query(
    `INSERT INTO fw_alert_transition
       (alert_id, seq, partition, stream_seq, action, actor, at, building, device, rule, state, alert, committed_by)
     SELECT r.alert_id, r.seq, $1, r.stream_seq, r.action, r.actor, r.at, r.building, r.device, r.rule, r.state, r.alert, $2
       FROM jsonb_to_recordset($3::jsonb) AS r(alert_id text, seq int, stream_seq bigint, action text, actor text,
            at bigint, building text, device text, rule text, state text, alert jsonb)
     ON CONFLICT (alert_id, seq) DO NOTHING`,
    [partition, nodeId, JSON.stringify(rows)],
  )
}
