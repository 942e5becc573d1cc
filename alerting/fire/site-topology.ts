import { type Device, isSensor, type SiteModel } from '../../ingest/index.ts'
import { zoneKey } from './scope-key.ts'

/** What may corroborate a detector's alarm in one zone (multi-sensor confirmation, docs/rules.md). */
export interface ZoneSources {
  key: string
  building: string
  zone: string
  floor: number
  detectors: readonly string[]
  /** Electrical monitors of the zone's circuits: `fire.zones[].circuits`, else those on its floor. */
  circuits: readonly string[]
  /** Sprinkler branches: `fire.zones[].sprinklers`, else the pressure sensors on its floor. */
  sprinklers: readonly string[]
}

/**
 * The site seen by the fire-aware rules: zones with their detectors and corroborating sources,
 * the zones each device can corroborate, and which floors of a building are connected (adjacent
 * storeys, or sharing a riser or shaft of `fire.shafts`).
 */
export class SiteTopology {
  readonly zones = new Map<string, ZoneSources>()
  /** device id -> keys of the zones it is evidence for. */
  readonly zonesOf = new Map<string, string[]>()
  private readonly shafts = new Map<string, number[][]>()
  private readonly adjacent: number
  /** building:floor -> devices of the floor (for floor offline). */
  private readonly floorDevices = new Map<string, Device[]>()

  constructor(site: SiteModel) {
    const fire = site.file.fire
    this.adjacent = fire.spread.adjacentFloors
    for (const s of fire.shafts)
      this.shafts.set(s.building, [...(this.shafts.get(s.building) ?? []), s.floors])
    const live = site.devices.filter((d) => !d.disabled)
    const onFloor = (d: Device, kind: Device['kind']) =>
      live.filter((o) => o.kind === kind && o.building === d.building && o.floor === d.floor).map((o) => o.id)
    for (const d of live) {
      const floor = `${d.building}:${d.floor}`
      // Panel components never go offline on their own (their UITD does): not counted for a floor.
      if (isSensor(d)) this.floorDevices.set(floor, [...(this.floorDevices.get(floor) ?? []), d])
      if (!isDetector(d)) continue
      const key = zoneKey(d.building, d.zone)
      const known = this.zones.get(key)
      if (known) {
        ;(known.detectors as string[]).push(d.id)
        continue
      }
      const declared = fire.zones.find((z) => z.building === d.building && z.zone === d.zone)
      this.zones.set(key, {
        key,
        building: d.building,
        zone: d.zone,
        floor: d.floor,
        detectors: [d.id],
        circuits: declared?.circuits ?? onFloor(d, 'electrical_monitor'),
        sprinklers: declared?.sprinklers ?? onFloor(d, 'pressure_sensor'),
      })
    }
    for (const z of this.zones.values()) {
      for (const id of [...z.detectors, ...z.circuits, ...z.sprinklers]) {
        this.zonesOf.set(id, [...(this.zonesOf.get(id) ?? []), z.key])
      }
    }
  }

  /** Fire on floors a and b of a building counts as one spreading fire. */
  connected(building: string, a: number, b: number): boolean {
    if (Math.abs(storey(a) - storey(b)) <= this.adjacent) return true
    return (this.shafts.get(building) ?? []).some((floors) => floors.includes(a) && floors.includes(b))
  }

  devicesOnFloor(building: string, floor: number): readonly Device[] {
    return this.floorDevices.get(`${building}:${floor}`) ?? []
  }
}

/** Floors skip 0 (1F sits on B1): storey -1, 0, 1 ... so that B1 and 1F are adjacent. */
function storey(floor: number): number {
  return floor > 0 ? floor - 1 : floor
}

/**
 * What starts a zone's fire: a smoke detector, or a fire panel's smoke or heat detector or manual
 * call point (its panel.fire is a detector's alarm, alerting/fire/confirmation.ts).
 */
function isDetector(d: Device): boolean {
  if (d.kind === 'smoke_detector') return true
  return d.kind === 'panel_component' && ['smoke', 'heat', 'manual_call_point'].includes(d.component)
}
