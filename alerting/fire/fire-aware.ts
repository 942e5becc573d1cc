import type { SiteModel } from '../../ingest/index.ts'
import type { Alert, AlertSignal } from '../alert.ts'
import type { AlertLifecycle } from '../alert-lifecycle.ts'
import type { Logger } from '../deps.ts'
import type { MaintenanceWindow, Place } from '../windows/window.ts'
import { windowCovers } from '../windows/window.ts'
import type { WindowKeeper } from '../windows/window-keeper.ts'
import { Confirmation } from './confirmation.ts'
import { FIRE_CONFIRMED, FIRE_SPREAD, FLOOR_OFFLINE } from './fire-rule-ids.ts'
import { SpreadWatch } from './fire-spread.ts'
import { FloorOfflineWatch } from './floor-offline.ts'
import { buildingKey, floorKey, zoneKey } from './scope-key.ts'
import { SiteTopology } from './site-topology.ts'
import { groupUnderFire, groupUnderFloor, stormHead } from './storm-control.ts'

export interface FireAwareOptions {
  site: SiteModel
  lifecycle: AlertLifecycle
  windows: WindowKeeper
  /** The engine's rearm (device alerts): a resolved rule may raise again. */
  rearmDevice: (device: string, rule: string) => void
  log: Logger
}

/**
 * The fire-aware layer between the rule engine and the alert lifecycle (docs/rules.md). Every engine
 * signal passes through `signal` unchanged in substance - tagged `test` inside a window, grouped
 * under a fire or a floor during a storm - and is applied at once: confirmation only ever adds
 * alerts, it never holds a device alert back ([FIRE-RULE-1]). Then the derived rules look at it.
 */
export interface FireAware {
  /** The engine's `emit`. Throws when the lifecycle throws, so the engine retries the raise. */
  signal(s: AlertSignal): void
  /** A device reported `test` (ingest event): it is put in a window. */
  deviceTested(device: string, at: number): void
  /** About once a second: scheduled windows open, ended windows close their test alerts. */
  tick(now: number): void
  /** A person resolved the alert: re-arm its rule, device or derived. */
  resolved(alert: Alert): void
  /** Start-up: alerts active before a restart. */
  restore(active: readonly Alert[]): void
  /** A window was closed early (API): its test alerts close now. */
  windowEnded(w: MaintenanceWindow, now: number): void
}

export function createFireAware(options: FireAwareOptions): FireAware {
  return new FireLayer(options)
}

const STORM_CLASSES: ReadonlySet<string> = new Set(['warning', 'fault', 'offline'])

class FireLayer implements FireAware {
  private readonly confirmation: Confirmation | null
  private readonly spread: SpreadWatch | null
  private readonly floors: FloorOfflineWatch | null
  private readonly storm: boolean
  private readonly lifecycle: AlertLifecycle
  private readonly windows: WindowKeeper
  private readonly log: Logger

  constructor(private readonly options: FireAwareOptions) {
    const fire = options.site.file.fire
    const topology = new SiteTopology(options.site)
    this.lifecycle = options.lifecycle
    this.windows = options.windows
    this.log = options.log
    this.confirmation = fire.confirmation.enabled
      ? new Confirmation(topology, fire.confirmation.windowSec * 1000)
      : null
    this.spread = fire.spread.enabled ? new SpreadWatch(topology, fire.spread.windowSec * 1000) : null
    this.floors = fire.floorOffline.enabled ? new FloorOfflineWatch(topology, fire.floorOffline) : null
    this.storm = fire.storm.enabled
  }

  signal(s: AlertSignal): void {
    const passed = s.type === 'raise' ? this.dressed(s) : s
    // The device alert first, whatever follows: the alarm path is never delayed by derivation.
    this.lifecycle.apply(passed)
    try {
      this.derive(passed)
    } catch (err) {
      this.log.error({ err, device: s.device, rule: s.rule }, 'fire-aware rules failed on a signal')
    }
  }

  deviceTested(device: string, at: number): void {
    this.windows.deviceTested(device, at)
  }

  tick(now: number): void {
    for (const w of this.windows.tick(now)) this.windowEnded(w, now)
  }

  windowEnded(w: MaintenanceWindow, now: number): void {
    for (const a of this.lifecycle.active()) {
      if (!a.tags.includes('test')) continue
      const place = placeOf(a)
      // Ignoring time: was the alert in this window's area, and is no other window still over it?
      if (!windowCovers({ ...w, closedAt: null }, place, w.startsAt) || this.windows.covering(place, now))
        continue
      if (this.lifecycle.closeTest(a.id, `window ${w.id} ended (${w.reason})`)) this.resolved(a)
    }
  }

  resolved(a: Alert): void {
    if (a.device !== null) this.options.rearmDevice(a.device, a.rule)
    else if (a.rule === FIRE_CONFIRMED) this.confirmation?.rearm(keyOf(a))
    else if (a.rule === FIRE_SPREAD) this.spread?.rearm(a.building)
    else if (a.rule === FLOOR_OFFLINE) this.floors?.rearm(keyOf(a))
  }

  restore(active: readonly Alert[]): void {
    for (const a of active) {
      if (a.rule === FIRE_CONFIRMED) this.confirmation?.restore(keyOf(a), a.evidence.length)
      else if (a.rule === FIRE_SPREAD) this.spread?.restore(a.building, a.evidence.length)
      else if (a.rule === FLOOR_OFFLINE) this.floors?.restoreFloor(floorKey(a.building, a.floor))
      else if (a.rule === 'device.offline' && a.device !== null) {
        this.floors?.restoreDevice({ ...a, device: a.device, at: Date.parse(a.openedAt) })
      }
    }
  }

  /** Tags a raise inside a window `test`, and groups storm alerts under their head. */
  private dressed(s: AlertSignal): AlertSignal {
    const place = { building: s.building, floor: s.floor, zone: s.zone, device: scopeDevice(s) }
    const test = this.windows.covering(place, s.at) !== undefined
    let groupedUnder: string | null = null
    if (this.storm && STORM_CLASSES.has(s.class))
      groupedUnder = stormHead(this.lifecycle, s.building)?.id ?? null
    if (groupedUnder === null && s.rule === 'device.offline')
      groupedUnder = this.lifecycle.findActive(floorKey(s.building, s.floor), FLOOR_OFFLINE)?.id ?? null
    if (!test && groupedUnder === null) return s
    return { ...s, ...(test ? { tags: ['test' as const] } : {}), groupedUnder }
  }

  private derive(s: AlertSignal): void {
    if (s.rule === 'device.offline' && this.floors) {
      const floor = this.floors.observe(s)
      if (floor) this.apply(floor)
    }
    // A test proves nothing about a fire: it is recorded, never evidence.
    if (s.type !== 'raise' || s.tags?.includes('test')) return
    const confirmed = this.confirmation?.observe(s) ?? []
    for (const c of confirmed) this.apply(c)
    if (!this.spread) return
    if (s.class === 'fire' && s.scope === undefined) this.raiseSpread(s)
    for (const c of confirmed) this.raiseSpread(c)
  }

  private raiseSpread(s: AlertSignal): void {
    const spread = this.spread?.observe(s)
    if (spread) this.apply(spread)
  }

  /** A derived signal: tagged and grouped like the others, then applied. */
  private apply(d: AlertSignal): void {
    const dressed = d.type === 'raise' ? this.dressed(d) : d
    const t = this.lifecycle.apply(dressed)
    if (t?.action !== 'opened') return
    if (d.rule === FIRE_CONFIRMED && !t.alert.tags.includes('test')) groupUnderFire(this.lifecycle, t.alert)
    if (d.rule === FLOOR_OFFLINE) groupUnderFloor(this.lifecycle, t.alert)
  }
}

function scopeDevice(s: AlertSignal): string | null {
  return s.scope === undefined || s.scope === 'device' ? s.device : null
}

function placeOf(a: Alert): Place {
  return { building: a.building, floor: a.floor, zone: a.zone, device: a.device }
}

/** The scope key of a derived alert (its device column). */
function keyOf(a: Alert): string {
  if (a.scope === 'zone') return zoneKey(a.building, a.zone)
  if (a.scope === 'floor') return floorKey(a.building, a.floor)
  return buildingKey(a.building)
}
