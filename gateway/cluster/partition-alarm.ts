import { type AlarmPath, createAlarmPath } from '../../alerting/alarm-path.ts'
import type { AlertTransition } from '../../alerting/alert.ts'
import { createDeterministicIds } from '../../alerting/alert-id.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import type { Logger } from '../../alerting/deps.ts'
import type { SiteModel } from '../../ingest/site-model.ts'
import type { StreamBody } from './stream-message.ts'
import { receivedAtOf } from './stream-message.ts'

/** An alert transition as the cluster records it: numbered per alert, tied to its stream message. */
export interface RecordedTransition {
  alertId: string
  /** 1 for the alert's first transition, then 2, 3…: with the id, the row's unique key. */
  seq: number
  streamSeq: number
  transition: AlertTransition
}

/**
 * A clock that only the log moves: the receipt time of the newest message handled so far. The
 * alarm path's hold times and deadlines then depend on the input alone, never on when (or how
 * often, after a takeover) the input is read.
 */
export class LogClock {
  private at = 0
  now(): number {
    return this.at
  }
  /** True when this moved the clock into a new second (the alarm path's tick is due). */
  advanceTo(ms: number): boolean {
    if (ms <= this.at) return false
    const newSecond = Math.floor(ms / 1000) > Math.floor(this.at / 1000)
    this.at = ms
    return newSecond
  }
}

/**
 * The alarm path of one partition (the same module as the embedded gateway's), fed from the
 * stream in order, in log time, with its own in-memory store and deterministic ids: the same
 * messages in the same order give the same transitions and the same alert ids, every time.
 */
export class PartitionAlarm {
  private readonly clock = new LogClock()
  private readonly path: AlarmPath
  private readonly store = AlertStore.open(':memory:', { synchronous: 'normal' })
  private readonly counts = new Map<string, number>()
  private caught: AlertTransition[] = []

  constructor(partition: number, site: SiteModel, log: Logger) {
    this.path = createAlarmPath({
      site,
      store: this.store,
      clock: this.clock,
      log,
      ids: {
        alert: idsOf(`p${partition}/alert`),
        incident: idsOf(`p${partition}/incident`),
      },
    })
    this.path.observe({ afterTransition: (t) => this.caught.push(t) })
  }

  /** Handles one stream message; returns the alert transitions it caused. */
  handle(streamSeq: number, body: StreamBody): RecordedTransition[] {
    const at = receivedAtOf(body)
    if (this.clock.advanceTo(at)) this.path.tick(at)
    if (body.kind === 'readings') this.path.sink.readingsAccepted?.(body.readings)
    else if (body.kind === 'event') this.path.sink.eventAccepted?.(body.event)
    else this.path.sink.statusChanged?.(body.status)
    const caught = this.caught
    this.caught = []
    return caught.map((transition) => {
      const seq = (this.counts.get(transition.alert.id) ?? 0) + 1
      this.counts.set(transition.alert.id, seq)
      return { alertId: transition.alert.id, seq, streamSeq, transition }
    })
  }

  close(): void {
    this.store.close()
  }
}

function idsOf(namespace: string) {
  const source = createDeterministicIds(namespace)
  return (now: number) => source.next(now)
}
