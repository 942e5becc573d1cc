import type { Logger } from 'pino'

const QUIET_MS = 60_000
const MAX_KEYS = 10_000

/**
 * A device message the ingest path failed on (a bug, or an input nobody foresaw): counted every
 * time, logged once a minute per device with its stack, so that one device looping on a bad
 * message cannot flood the log while the count still shows the scale.
 */
export class IngestFailures {
  private readonly lastLogged = new Map<string, number>()

  constructor(
    private readonly deps: {
      count: () => void
      log: Logger
      clock: { now(): number }
    },
  ) {}

  failed(who: string, topic: string, error: unknown): void {
    this.deps.count()
    const now = this.deps.clock.now()
    const last = this.lastLogged.get(who)
    if (last !== undefined && now - last < QUIET_MS) return
    if (this.lastLogged.size >= MAX_KEYS) this.lastLogged.clear()
    this.lastLogged.set(who, now)
    // The topic is bounded by MQTT_MAX_TOPIC_LENGTH before ingest; the payload is never logged.
    this.deps.log.error({ err: error, who, topic }, 'ingest failed on a device message; dropped and counted')
  }
}
