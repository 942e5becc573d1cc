import {
  type DataUnit,
  encodeFlags,
  fitText,
  PART_STATUS_BITS,
  type PartStatusName,
  PartType,
  SystemType,
  type TimeTag,
} from '../../ingest/gbt26875/index.ts'

/** The building's fire alarm control panel, as the simulated UITD reports it. */
export const PANEL = { systemType: SystemType.fireAlarm, systemAddress: 1 }

/**
 * Part address as zone (区号, low 16 bits) and point (位号, high 16 bits), the convention of the
 * standard's example frame ("2号10区" = 0A 00 02 00); panels differ, the site maps addresses.
 */
export function partAddress(zone: number, point: number): number {
  return ((point & 0xffff) * 0x10000 + (zone & 0xffff)) >>> 0
}

function partState(
  partType: number,
  address: number,
  states: PartStatusName[],
  description: string,
  time: TimeTag,
): DataUnit {
  const status = encodeFlags(PART_STATUS_BITS, ['normal', ...states])
  const part = {
    ...PANEL,
    partType,
    partAddress: address,
    status,
    description: fitText(description, 31),
    time,
  }
  return { kind: 'partStatus', objects: [part] }
}

/** The reports firewatch-sim uitd --report knows, by name. */
export const REPORTS = {
  /** A manual call point (手动火灾报警按钮) on a floor goes to fire. */
  'call-point-fire': (t: TimeTag, floor = 12) =>
    partState(PartType.manualCallPoint, partAddress(floor, 1), ['fire'], `${floor}F 手动火灾报警按钮`, t),
  /** The floor's water-flow indicator (水流指示器) operates: the panel sees its input as feedback. */
  'water-flow': (t: TimeTag, floor = 12) =>
    partState(PartType.waterFlowIndicator, partAddress(floor, 90), ['feedback'], `${floor}F 水流指示器`, t),
  /** The fire pump (消防水泵) starts and reports running. */
  'pump-start': (t: TimeTag) =>
    partState(PartType.firePump, partAddress(0, 1), ['started', 'feedback'], 'B1 消防水泵', t),
  /** A smoke detector on the floor reports a fault (故障). */
  fault: (t: TimeTag, floor = 12) =>
    partState(
      PartType.photoelectricSmokeDetector,
      partAddress(floor, 7),
      ['fault'],
      `${floor}F 感烟探测器`,
      t,
    ),
  /** The sprinkler main pressure, 0.6 MPa (type 4, 0.1 MPa per unit). */
  analogue: (t: TimeTag, floor = 12): DataUnit => ({
    kind: 'partAnalogue',
    objects: [
      {
        ...PANEL,
        partType: PartType.pressureSwitch,
        partAddress: partAddress(floor, 95),
        quantity: 4,
        raw: 6,
        time: t,
      },
    ],
  }),
} satisfies Record<string, (t: TimeTag, floor?: number) => DataUnit>

export type ReportName = keyof typeof REPORTS
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[]
