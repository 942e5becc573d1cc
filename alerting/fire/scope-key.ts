import type { AlertScope } from '../alert.ts'

// Zone, floor and building alerts have no device. Their scope key takes the device's place in the
// alerts table, so the one-active-alert index (device, rule) holds per scope and rule. Device ids
// are [a-z0-9-]+ (ingest/site/site-schema.ts): a key with a colon can never collide with one.

export const zoneKey = (building: string, zone: string) => `zone:${building}:${zone}`
export const floorKey = (building: string, floor: number) => `floor:${building}:${floor}`
export const buildingKey = (building: string) => `building:${building}`

/** The scope a key names: `device` for a plain device id. */
export function scopeOfKey(key: string): AlertScope {
  const colon = key.indexOf(':')
  if (colon < 0) return 'device'
  const prefix = key.slice(0, colon)
  return prefix === 'zone' || prefix === 'floor' || prefix === 'building' ? prefix : 'device'
}
