import { type AlarmPath, createAlarmPath } from '../../alerting/alarm-path.ts'
import type { AlertTransition } from '../../alerting/alert.ts'
import { createDeterministicIds } from '../../alerting/alert-id.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import type { Logger } from '../../alerting/deps.ts'
import { SiteModel } from '../../ingest/site/site-model.ts'
import { partitionOf } from './partition.ts'
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

/** The site as one partition's worker sees it: only the buildings (and their devices) of the partition. */
export function partitionSite(site: SiteModel, partition: number, partitions: number): SiteModel {
  const mine = (building: string) => partitionOf(building, partitions) === partition
  return new SiteModel({
    ...site.file,
    buildings: site.file.buildings.filter((b) => mine(b.id)),
    devices: site.file.devices.filter((d) => mine(d.building)),
    uitds: site.file.uitds.filter((u) => mine(u.building)),
  })
}

/**
 * The alarm path of one partition (the same module as the embedded gateway's), fed from the
 * stream in order, in log time, with its own in-memory store and deterministic ids: the same
 * messages in the same order give the same transitions and the same alert ids, every time. It is
 * built at the partition's first message, whose time is its start (as a gateway's start is: each
 * device's offline deadline counts from there).
 */
export class PartitionAlarm {
  private readonly clock = new LogClock()
  private path: AlarmPath | null = null
  private readonly store = AlertStore.open(':memory:', { synchronous: 'normal' })
  private readonly counts = new Map<string, number>()
  private caught: AlertTransition[] = []

  constructor(
    private readonly partition: number,
    private readonly site: SiteModel,
    private readonly log: Logger,
  ) {}

  private build(): AlarmPath {
    const path = createAlarmPath({
      site: this.site,
      store: this.store,
      clock: this.clock,
      log: this.log,
      ids: {
        alert: idsOf(`p${this.partition}/alert`),
        incident: idsOf(`p${this.partition}/incident`),
      },
    })
    path.observe({ afterTransition: (t) => this.caught.push(t) })
    return path
  }

  /** Handles one stream message; returns the alert transitions it caused. */
  handle(streamSeq: number, body: StreamBody): RecordedTransition[] {
    const at = receivedAtOf(body)
    const due = this.clock.advanceTo(at)
    if (this.path === null) this.path = this.build()
    else if (due) this.path.tick(at)
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
