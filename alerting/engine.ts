import {
  type Device,
  type DeviceEvent,
  type DeviceStatus,
  isSensor,
  type PanelStatus,
  type Reading,
  type SiteModel,
  type UitdLinkEvent,
} from '../ingest/index.ts'
import type { AlertSignal } from './alert.ts'
import type { Clock, Logger } from './deps.ts'
import { DeviceRules, type Tighten } from './rules/device-rules.ts'
import { applyEvent, type EventSink } from './rules/event-rules.ts'
import {
  BY_STATUS,
  DEFAULT_HEARTBEAT_SEC,
  DEFAULT_OFFLINE_AFTER_MISSED,
  type OfflineRaiser,
  OfflineWatch,
} from './rules/offline-watch.ts'
import { PanelPlaceholders } from './rules/panel-placeholders.ts'
import { applyPanelStatus, type PanelSink } from './rules/panel-rules.ts'
import { SignalOut } from './rules/signal-out.ts'
import { RAISE, STAY, type Transition } from './rules/transition.ts'

export interface EngineOptions {
  site: SiteModel
  /** Read once, at creation: devices never seen are counted silent from then on. */
  clock: Clock
  /** Receives every raise and clear, synchronously. A throw is logged and taken back (retried). */
  emit: (signal: AlertSignal) => void
  log?: Logger
}

export interface Engine {
  /** One accepted reading (ingest/reading.ts). */
  reading(r: Reading): void
  /** fire_alarm | fault | fault_cleared | tamper | test | reset | battery_low */
  event(e: DeviceEvent): void
  /** online/offline from the retained status topic or from broker connect/disconnect. */
  status(s: DeviceStatus): void
  /**
   * A fire panel's status report through its UITD (ingest/panel/): a declared component's bits
   * raise and clear its panel rules; anything else raises on a placeholder. False when a raise
   * was not delivered (the receiver then denies the frame and the UITD sends it again).
   */
  panel(s: PanelStatus): boolean
  /** A UITD went silent or spoke again, or missed a patrol check. False when not delivered. */
  uitdLink(e: UitdLinkEvent): boolean
  /** About once a second (or in virtual time): offline by grace expiry or by silence. */
  tick(now: number): void
  /** A person resolved this alert: forget its raised/latched state so it can raise again. */
  rearm(device: string, rule: string): void
  isActive(device: string, rule: string): boolean
  /**
   * The alert was still active when the gateway restarted (from the alert store): treat the rule
   * as raised, so the engine clears it when its condition ends (latched ones wait for rearm).
   */
  restore(device: string, rule: string): void
  /** Heightened watch began or ended (alerting/schedules): rule params of every device become these. */
  retune(tighten: Tighten): void
}

export function createEngine(options: EngineOptions): Engine {
  return new RuleEngine(options)
}

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} }

/**
 * The low-latency rule engine (docs/architecture.md, "The alarm path"): pure, synchronous, evaluated
 * before any I/O. Rule state
 * is compiled per device and per metric name on first use, so a reading costs two Map lookups
 * and a few comparisons, and allocates only when a signal is emitted.
 *
 * A rule raised by several sources of one device (temperature_c:l1 and :l2, or battery.low by
 * event and by reading) is one alert (one active alert per device and rule, docs/protocol.md): each
 * source's raise is passed on (the lifecycle counts it as a repeat), its clear only with the last.
 */
class RuleEngine implements Engine {
  private readonly byId = new Map<string, DeviceRules>()
  private readonly all: DeviceRules[]
  private readonly watch: OfflineWatch
  private readonly out: SignalOut
  private readonly log: Logger
  private readonly graceSec: number
  private readonly warnedMetrics = new Set<string>()
  private readonly onOffline: OfflineRaiser = (i, reason, now) => this.offlineRaised(i, reason, now)
  private readonly events: EventSink = {
    raise: (dev, idx, e) => this.out.send('raise', dev, idx, null, null, e.ts, e.receivedAt, e.detail),
    clear: (dev, idx, e) => {
      this.out.send('clear', dev, idx, null, null, e.ts, e.receivedAt, e.detail)
    },
  }
  private readonly panels: PanelSink = {
    raise: (dev, idx, s, detail) => this.out.send('raise', dev, idx, null, null, s.ts, s.receivedAt, detail),
    clear: (dev, idx, s) => {
      this.out.send('clear', dev, idx, null, null, s.ts, s.receivedAt, null)
    },
  }
  private readonly placeholders: PanelPlaceholders

  constructor(options: EngineOptions) {
    const { site } = options
    this.log = options.log ?? silent
    this.out = new SignalOut(options.emit, this.log)
    this.graceSec = site.offlineGraceMs / 1000
    const silence = site.devices.map(silenceMs)
    this.all = site.devices.map((d, i) => new DeviceRules(i, d, site, silence[i]!))
    // Disabled devices raise nothing (docs/rules.md, "Device events and liveness"): not looked up.
    for (const dev of this.all) if (!dev.device.disabled) this.byId.set(dev.device.id, dev)
    const watched = this.all.map((dev, i) =>
      dev.device.disabled || !dev.enabled(dev.known.offline) ? 0 : silence[i]!,
    )
    this.watch = new OfflineWatch(watched, options.clock.now(), site.offlineGraceMs)
    this.placeholders = new PanelPlaceholders(site, (s) => this.out.deliver(s))
  }

  reading(r: Reading): void {
    const dev = this.byId.get(r.device)
    if (dev === undefined) return
    if (this.watch.seen(dev.index, r.receivedAt)) this.offlineCleared(dev, r.ts, r.receivedAt)
    const slot = dev.slot(r.metric, r.family)
    if (slot === null) {
      this.tooManyMetrics(dev, r.metric)
      return
    }
    const rules = slot.rules
    for (let i = 0; i < rules.length; i++) {
      const t = rules[i]!.update(r.value, r.ts)
      if (t !== STAY) this.changed(t, dev, slot.ruleIdx[i]!, rules[i]!, r, r.metric, r.value)
    }
    const spread = slot.spread
    if (spread !== null) {
      const t = spread.update(slot.spreadChannel, r.value, r.ts)
      // The spread is a property of the family across channels: quoted without a channel.
      if (t !== STAY) this.changed(t, dev, slot.spreadIdx, spread, r, r.family, spread.lastSpread)
    }
    const battery = slot.batteryIdx
    if (battery >= 0 && dev.eventRaised[battery] === 1 && r.value > dev.params[battery]!.clear) {
      if (dev.clearByEvent(battery))
        this.out.send('clear', dev, battery, r.metric, r.value, r.ts, r.receivedAt, null)
    }
  }

  event(e: DeviceEvent): void {
    const dev = this.byId.get(e.device)
    if (dev === undefined) return
    if (this.watch.seen(dev.index, e.receivedAt)) this.offlineCleared(dev, e.ts, e.receivedAt)
    applyEvent(dev, e, this.events)
  }

  status(s: DeviceStatus): void {
    const dev = this.byId.get(s.device)
    if (dev === undefined) return
    if (s.status === 'online') {
      const i = dev.index
      const ended = s.source === 'connection' ? this.watch.connected(i, s.at) : this.watch.seen(i, s.at)
      if (ended) this.offlineCleared(dev, s.at, s.at)
    } else if (!this.watch.offline(dev.index, s.at)) {
      this.log.debug({ device: s.device, source: s.source, at: s.at }, 'stale offline status ignored')
    }
  }

  panel(s: PanelStatus): boolean {
    if (!s.declared) return this.placeholders.status(s)
    const dev = this.byId.get(s.device)
    // A component the site disables raises nothing, as any disabled device (README "Site file").
    if (dev === undefined) return true
    return applyPanelStatus(dev, s, this.panels)
  }

  uitdLink(e: UitdLinkEvent): boolean {
    return this.placeholders.link(e)
  }

  tick(now: number): void {
    this.watch.tick(now, this.onOffline)
  }

  rearm(device: string, rule: string): void {
    if (this.placeholders.owns(device)) this.placeholders.rearm(device, rule)
    const dev = this.byId.get(device)
    const idx = dev?.ruleIndex(rule) ?? -1
    if (dev === undefined || idx < 0) return
    dev.rearm(idx)
    if (idx === dev.known.offline) this.watch.rearm(dev.index)
  }

  isActive(device: string, rule: string): boolean {
    const dev = this.byId.get(device)
    const idx = dev?.ruleIndex(rule) ?? -1
    return dev !== undefined && idx >= 0 && dev.active[idx]! > 0
  }

  restore(device: string, rule: string): void {
    if (this.placeholders.owns(device)) this.placeholders.restore(device, rule)
    const dev = this.byId.get(device)
    const idx = dev?.ruleIndex(rule) ?? -1
    if (dev === undefined || idx < 0) return
    if (idx !== dev.known.offline) dev.restore(idx)
    else if (this.watch.restore(dev.index)) dev.raised(idx)
  }

  retune(tighten: Tighten): void {
    for (const dev of this.all) dev.retune(tighten)
  }

  /** A reading rule state changed: pass it on, or take the raise back if it was not delivered. */
  private changed(
    t: Transition,
    dev: DeviceRules,
    idx: number,
    state: { reset(): void },
    r: Reading,
    metric: string,
    value: number,
  ): void {
    if (t === RAISE) {
      dev.raised(idx)
      if (this.out.send('raise', dev, idx, metric, value, r.ts, r.receivedAt, null)) return
      // Reset, not kept raised: the condition must then hold again and the raise is retried.
      state.reset()
      dev.cleared(idx)
    } else if (dev.cleared(idx)) {
      this.out.send('clear', dev, idx, metric, value, r.ts, r.receivedAt, null)
    }
  }

  private offlineRaised(i: number, reason: number, now: number): boolean {
    const dev = this.all[i]!
    const idx = dev.known.offline
    dev.raised(idx)
    const detail =
      reason === BY_STATUS
        ? `status offline and not seen for ${this.graceSec} s`
        : `no message for ${this.watch.silenceOf(i) / 1000} s`
    if (this.out.send('raise', dev, idx, null, null, now, now, detail)) return true
    dev.cleared(idx)
    return false
  }

  private offlineCleared(dev: DeviceRules, at: number, receivedAt: number): void {
    const idx = dev.known.offline
    if (dev.cleared(idx)) this.out.send('clear', dev, idx, null, null, at, receivedAt, null)
  }

  private tooManyMetrics(dev: DeviceRules, metric: string): void {
    if (this.warnedMetrics.has(dev.device.id)) return
    this.warnedMetrics.add(dev.device.id)
    this.log.warn({ device: dev.device.id, metric }, 'too many metric names; new ones are not evaluated')
  }
}

/** A panel component is heard through its UITD (uitd.offline): 0 = not watched here. */
function silenceMs(d: Device): number {
  if (!isSensor(d)) return 0
  return (
    (d.heartbeatSec ?? DEFAULT_HEARTBEAT_SEC) * (d.offlineAfterMissed ?? DEFAULT_OFFLINE_AFTER_MISSED) * 1000
  )
}
