import type { UitdSettingsResolved } from './uitd-config.ts'
import { RetransmitWindow } from './uitd-dedup.ts'
import type { CloseReason, DownlinkResult, UitdMetrics } from './uitd-metrics.ts'
import type { UitdIdentity, UitdLog, UitdSinks } from './uitd-types.ts'

/** What the hub needs of a connection. */
export interface SessionHandle {
  readonly remoteIp: string
  close(reason: CloseReason, now?: boolean): void
  sendPatrol(byte: number): Promise<DownlinkResult>
}

export interface OutstandingPatrol {
  sentAt: number
  delivered: boolean
  timer: NodeJS.Timeout
}

/** What is known of one UITD across its connections. */
export interface UitdState {
  identity: UitdIdentity
  session: SessionHandle | null
  lastSeen: number
  silent: boolean
  silenceTimer: NodeJS.Timeout | null
  window: RetransmitWindow
  patrolTimer: NodeJS.Timeout | null
  outstanding: OutstandingPatrol | null
}

export interface HubDeps {
  settings: UitdSettingsResolved
  clock: { now(): number }
  log: UitdLog
  sinks: UitdSinks
  metrics: UitdMetrics
}

/**
 * Every UITD the listener has accepted, by identity id: its current connection (a new one takes
 * over from an old, half-open one), when it was last heard, the silence watch and its patrol checks.
 */
export class UitdHub {
  readonly states = new Map<string, UitdState>()
  /** Set by the patrol module: called once per newly known UITD. */
  onFirstAttach: (state: UitdState) => void = () => {}

  constructor(readonly deps: HubDeps) {}

  timeZoneOf(identity: UitdIdentity): string {
    return identity.timeZone ?? this.deps.settings.timeZone
  }

  attach(identity: UitdIdentity, session: SessionHandle): UitdState {
    let state = this.states.get(identity.id)
    if (!state) {
      const { dedupWindowMs, dedupMaxEntries } = this.deps.settings
      state = {
        identity,
        session: null,
        lastSeen: 0,
        silent: false,
        silenceTimer: null,
        window: new RetransmitWindow(dedupWindowMs, dedupMaxEntries),
        patrolTimer: null,
        outstanding: null,
      }
      this.states.set(identity.id, state)
      this.onFirstAttach(state)
    }
    state.identity = identity
    const old = state.session
    state.session = session
    if (old && old !== session) old.close('replaced')
    state.silent = false
    this.deps.metrics.of(identity.id).silent = false
    this.notify('uitdSeen', () =>
      this.deps.sinks.uitdSeen?.(identity, this.deps.clock.now(), session.remoteIp),
    )
    return state
  }

  detach(state: UitdState, session: SessionHandle): void {
    if (state.session === session) state.session = null
  }

  /** A valid frame came: restart the silence watch, and say so if the UITD had been silent. */
  seen(state: UitdState): void {
    const { clock, metrics, settings, sinks } = this.deps
    state.lastSeen = clock.now()
    const counters = metrics.of(state.identity.id)
    counters.lastSeenMs = state.lastSeen
    if (state.silent) {
      state.silent = false
      counters.silent = false
      this.notify('uitdSeen', () =>
        sinks.uitdSeen?.(state.identity, state.lastSeen, state.session?.remoteIp ?? ''),
      )
    }
    if (state.silenceTimer) state.silenceTimer.refresh()
    else state.silenceTimer = setTimeout(() => this.checkSilence(state), settings.silenceTimeoutMs)
  }

  close(): void {
    for (const state of this.states.values()) {
      if (state.silenceTimer) clearTimeout(state.silenceTimer)
      if (state.patrolTimer) clearInterval(state.patrolTimer)
      if (state.outstanding) clearTimeout(state.outstanding.timer)
      state.session?.close('listener-closing', true)
    }
  }

  /** Calls a sink that nothing waits for; its throw or rejection is logged, never lost or fatal. */
  notify(sink: string, call: () => unknown): void {
    const fail = (err: unknown) =>
      this.deps.log.warn({ err, sink, code: 'FGW_ERR_UITD_SINK' }, 'UITD sink failed')
    try {
      const result = call()
      if (result instanceof Promise) result.catch(fail)
    } catch (err) {
      fail(err)
    }
  }

  private checkSilence(state: UitdState): void {
    const { clock, metrics, settings, sinks } = this.deps
    const quietFor = clock.now() - state.lastSeen
    if (quietFor < settings.silenceTimeoutMs) {
      state.silenceTimer = setTimeout(() => this.checkSilence(state), settings.silenceTimeoutMs - quietFor)
      return
    }
    state.silenceTimer = null
    if (state.silent) return
    state.silent = true
    metrics.of(state.identity.id).silent = true
    this.deps.log.warn({ uitd: state.identity.id, lastSeen: state.lastSeen }, 'UITD silent')
    this.notify('uitdSilent', () => sinks.uitdSilent?.(state.identity, state.lastSeen, clock.now()))
  }
}
