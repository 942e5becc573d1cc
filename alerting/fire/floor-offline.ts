import type { FireSettings } from '../../ingest/index.ts'
import type { AlertSignal, Evidence } from '../alert.ts'
import { isoTime } from '../clock-iso.ts'
import { FLOOR_OFFLINE } from './fire-rule-ids.ts'
import { floorKey } from './scope-key.ts'
import type { SiteTopology } from './site-topology.ts'

/** Evidence listed on a floor alert; the detail gives the full count. */
const MAX_EVIDENCE = 20

/**
 * [FIRE-RULE-10] A floor going offline at once (power or network loss): when at least
 * `minDevices` and `share` of the floor's devices went offline within `windowSec`, one
 * `floor.offline` alert for the floor, under which the device offline alerts are grouped. It
 * clears by itself once fewer than that are offline.
 */
export class FloorOfflineWatch {
  /** floor key -> device -> when its offline alert was raised. */
  private readonly offline = new Map<string, Map<string, number>>()
  private readonly raised = new Set<string>()

  constructor(
    private readonly topology: SiteTopology,
    private readonly settings: FireSettings['floorOffline'],
  ) {}

  /** A device.offline raise or clear; the floor raise or clear it causes, if any. */
  observe(s: AlertSignal): AlertSignal | null {
    const key = floorKey(s.building, s.floor)
    let devices = this.offline.get(key)
    if (devices === undefined) {
      devices = new Map()
      this.offline.set(key, devices)
    }
    if (s.type === 'raise') devices.set(s.device, s.at)
    else devices.delete(s.device)
    const total = this.topology.devicesOnFloor(s.building, s.floor).length
    const needed = Math.max(this.settings.minDevices, Math.ceil(this.settings.share * total))
    if (!this.raised.has(key)) {
      const windowMs = this.settings.windowSec * 1000
      let recent = 0
      for (const at of devices.values()) if (s.at - at <= windowMs) recent++
      if (s.type !== 'raise' || recent < needed) return null
      this.raised.add(key)
      return this.signal('raise', s, key, devices, total)
    }
    if (devices.size >= needed) return null
    this.raised.delete(key)
    return this.signal('clear', s, key, devices, total)
  }

  rearm(key: string): void {
    this.raised.delete(key)
  }

  /** Restored after a restart: a device offline alert, or the floor alert itself, was active. */
  restoreDevice(s: Pick<AlertSignal, 'building' | 'floor' | 'device' | 'at'>): void {
    const key = floorKey(s.building, s.floor)
    const devices = this.offline.get(key) ?? new Map<string, number>()
    devices.set(s.device, s.at)
    this.offline.set(key, devices)
  }

  restoreFloor(key: string): void {
    this.raised.add(key)
  }

  private signal(
    type: 'raise' | 'clear',
    s: AlertSignal,
    key: string,
    devices: Map<string, number>,
    total: number,
  ): AlertSignal {
    const zones = new Map(this.topology.devicesOnFloor(s.building, s.floor).map((d) => [d.id, d.zone]))
    const evidence: Evidence[] = [...devices].slice(0, MAX_EVIDENCE).map(([device, at]) => ({
      device,
      rule: 'device.offline',
      class: 'offline',
      floor: s.floor,
      zone: zones.get(device) ?? '',
      at: isoTime(at),
      metric: null,
      value: null,
    }))
    return {
      type,
      device: key,
      building: s.building,
      floor: s.floor,
      zone: '',
      rule: FLOOR_OFFLINE,
      class: 'offline',
      metric: null,
      value: null,
      threshold: null,
      at: s.at,
      receivedAt: s.receivedAt,
      latched: false,
      detail: `${devices.size} of ${total} devices offline`,
      scope: 'floor',
      ...(type === 'raise' ? { evidence } : {}),
    }
  }
}
