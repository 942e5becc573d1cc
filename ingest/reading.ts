import type { MetricFamily } from './metrics-catalog.ts'
import type { Device, DeviceKind } from './site/site-schema.ts'

/** One accepted measurement, located in the site (docs/architecture.md, "The data flow"). */
export interface Reading {
  device: string
  building: string
  floor: number
  zone: string
  kind: DeviceKind
  /** Full metric name including the channel, e.g. `temperature_c:l1`. */
  metric: string
  family: MetricFamily
  channel: string | null
  value: number
  /** Measurement time, epoch ms (device clock when given and plausible, else receipt). */
  ts: number
  /** Gateway receipt time, epoch ms. */
  receivedAt: number
  seq: number | null
}

/** A reading of `device`, located where the site file puts the device. */
export function deviceReading(
  device: Device,
  metric: string,
  name: { family: MetricFamily; channel: string | null },
  value: number,
  ts: number,
  receivedAt: number,
  seq: number | null,
): Reading {
  return {
    device: device.id,
    building: device.building,
    floor: device.floor,
    zone: device.zone,
    kind: device.kind,
    metric,
    family: name.family,
    channel: name.channel,
    value,
    ts,
    receivedAt,
    seq,
  }
}

export const DEVICE_EVENTS = [
  'fire_alarm',
  'fault',
  'fault_cleared',
  'tamper',
  'test',
  'reset',
  'battery_low',
] as const
export type DeviceEventKind = (typeof DEVICE_EVENTS)[number]

/** A discrete event reported by a device on fw/{b}/{d}/event. */
export interface DeviceEvent {
  device: string
  building: string
  floor: number
  zone: string
  event: DeviceEventKind
  detail: string | null
  ts: number
  receivedAt: number
}

/** Presence of a device, from its retained status topic or from the broker's connection events. */
export interface DeviceStatus {
  device: string
  building: string
  status: 'online' | 'offline'
  source: 'status-topic' | 'connection'
  at: number
}
