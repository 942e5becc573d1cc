// The only place the load generator reads the site model; switch to ingest/index.ts once it exists.
import { loadSite } from '../../ingest/site/load-site.ts'
import { isSensor, type SensorDevice, type SensorKind } from '../../ingest/site/site-schema.ts'

export type { SensorKind }

/** One simulated device connection. Several slots share a device when --devices exceeds the site. */
export interface DeviceSlot {
  clientId: string
  device: SensorDevice
  telemetryTopic: Buffer
  eventTopic: Buffer
  /** Shared by every slot of the device, so that cycled connections never repeat a seq (a duplicate). */
  seq: { next: number }
}

export interface SlotPlan {
  telemetry: DeviceSlot[]
  /** Smoke detectors that send the fire_alarm events, each on a connection of its own. */
  alarms: DeviceSlot[]
  cycled: boolean
}

export function loadDevices(siteFile: string): SensorDevice[] {
  // Panel components report through their UITD, never over MQTT: they have no login to load.
  return loadSite(siteFile).devices.filter((d): d is SensorDevice => isSensor(d) && !d.disabled)
}

/**
 * Picks `count` devices, each kind in its share of the site (see pickIndexes), and
 * up to `alarmCount` smoke detectors for alarms, preferring devices that send no telemetry.
 * Beyond the site's size devices are reused under distinct client ids. `seqBase` should grow from
 * run to run (e.g. the wall clock) so that a re-run against the same gateway is not deduplicated.
 */
export function planSlots(
  devices: readonly SensorDevice[],
  count: number,
  alarmCount: number,
  seqBase: number,
  /** Appended to every client id: a second generator on the same devices does not take over their sessions. */
  clientSuffix = '',
): SlotPlan {
  if (devices.length === 0) throw new Error('the site has no enabled devices')
  const seqs = new Map<string, { next: number }>()
  const slot = (device: SensorDevice, suffix: string): DeviceSlot => {
    let seq = seqs.get(device.id)
    if (!seq) {
      seq = { next: seqBase }
      seqs.set(device.id, seq)
    }
    return {
      clientId: `${device.id}${suffix}${clientSuffix}`,
      device,
      telemetryTopic: Buffer.from(`fw/${device.building}/${device.id}/telemetry`),
      eventTopic: Buffer.from(`fw/${device.building}/${device.id}/event`),
      seq,
    }
  }
  const telemetry: DeviceSlot[] = []
  const picked = count < devices.length ? pickIndexes(devices, count) : devices.map((_, i) => i)
  const used = new Set(picked)
  for (let i = 0; i < count; i++) {
    const index = picked[i % picked.length]!
    const copy = Math.floor(i / devices.length)
    telemetry.push(slot(devices[index]!, copy === 0 ? '' : `~${copy}`))
  }
  const smoke = devices.map((d, i) => ({ d, i })).filter(({ d }) => d.kind === 'smoke_detector')
  const spare = smoke.filter(({ i }) => !used.has(i))
  const alarms: DeviceSlot[] = []
  for (const { d } of spare.slice(0, alarmCount)) alarms.push(slot(d, ''))
  // Alarms always get their own connection, so that event and telemetry acks are counted apart.
  for (const { d } of smoke.filter(({ i }) => used.has(i)).slice(0, alarmCount - alarms.length)) {
    alarms.push(slot(d, '~alarm'))
  }
  return { telemetry, alarms, cycled: count > devices.length }
}

/**
 * The site without the devices a generator of `count` telemetry devices would use. A second
 * generator beside it (the benches' alarm probe) plans from the rest: the gateway keeps one
 * connection per device, so two generators on one device take each other's connection over.
 */
export function devicesBesideLoad(devices: readonly SensorDevice[], count: number): SensorDevice[] {
  if (count >= devices.length)
    throw new Error(`a load of ${count} devices leaves none of ${devices.length} free`)
  const used = new Set(pickIndexes(devices, count))
  return devices.filter((_, i) => !used.has(i))
}

/**
 * `count` indexes, each kind getting its share of the site (at least one when there is room) and
 * spread evenly within the kind. Striding over the whole list instead aliases with sites that
 * repeat a pattern, e.g. 800 of 1,000 devices in steps of 1.25 never picks every tenth one.
 */
function pickIndexes(devices: readonly SensorDevice[], count: number): number[] {
  const byKind = new Map<SensorKind, number[]>()
  devices.forEach((d, i) => {
    const list = byKind.get(d.kind) ?? []
    list.push(i)
    byKind.set(d.kind, list)
  })
  const kinds = [...byKind.values()]
  const minimum = count >= kinds.length ? 1 : 0
  const quota = kinds.map((list) => Math.max(minimum, Math.floor((count * list.length) / devices.length)))
  // Hand out what rounding left over (or take back what the minimum added), largest kinds first.
  const order = kinds.map((_, k) => k).sort((a, b) => kinds[b]!.length - kinds[a]!.length)
  let left = count - quota.reduce((a, b) => a + b, 0)
  for (let j = 0; left !== 0; j++) {
    const k = order[j % order.length]!
    if (left > 0 && quota[k]! < kinds[k]!.length) {
      quota[k]!++
      left--
    } else if (left < 0 && quota[k]! > minimum) {
      quota[k]!--
      left++
    }
  }
  const picked = kinds.flatMap((list, k) =>
    Array.from({ length: quota[k]! }, (_, j) => list[Math.floor((j * list.length) / quota[k]!)]!),
  )
  return picked.sort((a, b) => a - b)
}
