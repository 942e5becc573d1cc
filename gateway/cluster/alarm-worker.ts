import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { PartitionOwnership } from './partition-ownership.ts'
import { PartitionRunner } from './partition-runner.ts'
import type { PgSession } from './pg-session.ts'

export interface AlarmWorkerDeps {
  js: JetStreamClient
  jsm: JetStreamManager
  session: PgSession
  site: SiteModel
  log: Logger
  nodeId: string
  partitions: number
  leaseMs: number
  batchMax: number
  /** The session is gone (a challenger fenced this node off, PostgreSQL went away): stop the node. */
  sessionLost(error: Error): void
}

export interface AlarmWorker {
  owned(): number[]
  stop(): Promise<void>
}

/** Three rounds per lease at least, and one a second at least: a dead owner's partitions wait no longer. */
function roundMs(leaseMs: number): number {
  return Math.min(1000, Math.floor(leaseMs / 3))
}

/**
 * The alarm-path worker of a node: ownership rounds (see roundMs), a runner per owned
 * partition. Without its session it can own nothing, so losing it stops the node; the supervisor
 * starts it again with a new session, which replays what it wins.
 */
export function startAlarmWorker(deps: AlarmWorkerDeps): AlarmWorker {
  const runners = new Map<number, PartitionRunner>()
  const log = deps.log.child({ module: 'worker' })
  const ownership = new PartitionOwnership({
    ...deps,
    gained: async (p) => {
      runners.set(p, new PartitionRunner(p, { ...deps, log, failed: (part, err) => giveUp(part, err) }))
    },
    released: async (p) => {
      await runners.get(p)?.stop()
      runners.delete(p)
    },
  })
  const broken = new Set<number>()
  const giveUp = (p: number, err: unknown) => {
    log.error({ partition: p, err }, 'partition worker failed: giving the partition up')
    broken.add(p)
  }
  const rounds = startRounds(deps, log, async () => {
    for (const p of broken) await ownership.releaseOne(p)
    broken.clear()
    await ownership.round()
  })
  return {
    owned: () => [...ownership.partitions].sort((a, b) => a - b),
    async stop() {
      await rounds.stop()
      await ownership.releaseAll().catch(() => {})
    },
  }
}

/** Runs `round` again and again (see roundMs); a lost session stops the node, other failures retry. */
function startRounds(
  deps: AlarmWorkerDeps,
  log: Logger,
  round: () => Promise<void>,
): { stop(): Promise<void> } {
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> = Promise.resolve()
  const loop = () => {
    running = round().then(
      () => {
        if (!stopped) timer = setTimeout(loop, roundMs(deps.leaseMs))
      },
      (err: Error) => {
        if (stopped) return
        if (deps.session.failure) deps.sessionLost(deps.session.failure)
        else {
          log.error({ err }, 'ownership round failed')
          timer = setTimeout(loop, 1000)
        }
      },
    )
  }
  loop()
  return {
    /** Resolves once the round in hand (if any) is over: nothing is taken after it. */
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      return running
    },
  }
}
