import type { UitdHub, UitdState } from './uitd-hub.ts'
import type { PatrolMissReason } from './uitd-types.ts'

export type PatrolStart = 'sent' | 'not-connected' | 'outstanding' | 'unknown'

/**
 * Patrol checks (查岗, type 91): the centre asks whether someone is on duty at the building; the
 * person answers with the UITD's patrol key, which arrives as a UITD operation record with bit 5
 * (查岗应答). The UITD's confirm only says the command arrived. Scheduled every `everyMs` per UITD
 * once it has connected (a UITD offline at that time misses it: 'not-connected'); one at a time.
 */
export class Patrols {
  constructor(private readonly hub: UitdHub) {
    hub.onFirstAttach = (state) => this.schedule(state)
  }

  start(id: string): PatrolStart {
    const state = this.hub.states.get(id)
    if (!state) return 'unknown'
    return this.startFor(state)
  }

  /** An operation record with the answer bit: answers the outstanding check, if one is. */
  answered(state: UitdState, operator: number): void {
    const open = state.outstanding
    if (!open) return
    clearTimeout(open.timer)
    state.outstanding = null
    const { clock, metrics, sinks, log } = this.hub.deps
    metrics.patrol(state.identity.id, 'answered')
    log.info({ uitd: state.identity.id, sentAt: open.sentAt, operator }, 'patrol check answered')
    this.hub.notify('patrolAnswered', () =>
      sinks.patrolAnswered?.(state.identity, open.sentAt, clock.now(), operator),
    )
  }

  private schedule(state: UitdState): void {
    const patrol = this.hub.deps.settings.patrol
    if (patrol === false) return
    state.patrolTimer = setInterval(() => this.startFor(state), patrol.everyMs)
  }

  private startFor(state: UitdState): PatrolStart {
    if (state.outstanding) return 'outstanding'
    const { clock, settings } = this.hub.deps
    const sentAt = clock.now()
    const session = state.session
    if (!session) {
      this.missed(state, sentAt, 'not-connected')
      return 'not-connected'
    }
    const deadlineMs = settings.patrol === false ? 600_000 : settings.patrol.deadlineMs
    const byte = settings.patrol !== false && settings.patrol.byte === 'deadline-minutes'
    const open = {
      sentAt,
      delivered: false,
      timer: setTimeout(() => this.expire(state, open), deadlineMs),
    }
    state.outstanding = open
    void session.sendPatrol(byte ? Math.min(255, Math.ceil(deadlineMs / 60_000)) : 0).then((result) => {
      this.hub.deps.metrics.downlinkResult(state.identity.id, 'patrol', result)
      if (result === 'confirmed') open.delivered = true
      // A check the UITD never confirmed cannot be answered: say so now, not at the deadline.
      else if (state.outstanding === open) this.expire(state, open)
    })
    return 'sent'
  }

  private expire(
    state: UitdState,
    open: { sentAt: number; delivered: boolean; timer: NodeJS.Timeout },
  ): void {
    if (state.outstanding !== open) return
    clearTimeout(open.timer)
    state.outstanding = null
    this.missed(state, open.sentAt, open.delivered ? 'no-answer' : 'undelivered')
  }

  private missed(state: UitdState, sentAt: number, reason: PatrolMissReason): void {
    const { metrics, sinks, log } = this.hub.deps
    metrics.patrol(state.identity.id, 'missed')
    log.warn({ uitd: state.identity.id, sentAt, reason }, 'patrol check missed')
    this.hub.notify('patrolMissed', () => sinks.patrolMissed?.(state.identity, sentAt, reason))
  }
}
