// Code tables of GB/T 26875.3-2011 §8.2.1 that Firewatch names. Codes not listed here still decode
// (as numbers); docs/gbt26875.md says where the full tables come from.

/** §8.2.1.1 system types (系统类型), the ones a high-rise panel reports most. */
export const SystemType = {
  general: 0,
  fireAlarm: 1, // 火灾报警系统
  linkageController: 10, // 消防联动控制器
  hydrant: 11, // 消火栓系统
  sprinkler: 12, // 自动喷水灭火系统
  gasExtinguishing: 13, // 气体灭火系统
  smokeControl: 18, // 防烟排烟系统
  fireDoorsShutters: 19, // 防火门及卷帘系统
  fireLift: 20, // 消防电梯
  emergencyBroadcast: 21, // 消防应急广播
  emergencyLighting: 22, // 消防应急照明和疏散指示系统
  firePhone: 24, // 消防电话
} as const

/** §8.2.1.2 part types (部件类型), a selection. */
export const PartType = {
  general: 0,
  controlPanel: 1, // 火灾报警控制器
  detectionLoop: 21, // 探测回路
  repeaterPanel: 22, // 火灾显示盘
  manualCallPoint: 23, // 手动火灾报警按钮
  hydrantButton: 24, // 消火栓按钮
  fireDetector: 25, // 火灾探测器
  heatDetector: 30, // 感温火灾探测器
  smokeDetector: 40, // 感烟火灾探测器
  photoelectricSmokeDetector: 42, // 点型光电感烟火灾探测器
  module: 84, // 模块
  inputModule: 85,
  outputModule: 86,
  inputOutputModule: 87,
  firePump: 91, // 消防水泵
  fireWaterTank: 92, // 消防水箱
  sprinklerPump: 95, // 喷淋泵
  waterFlowIndicator: 96, // 水流指示器
  signalValve: 97, // 信号阀
  alarmValve: 98, // 报警阀
  pressureSwitch: 99, // 压力开关
  fireDoor: 102, // 防火门
  fireDamper: 103, // 防火阀
  smokeExhaustFan: 111, // 防烟排烟风机
  alarmDevice: 121, // 报警装置
} as const

export interface AnalogueQuantity {
  name: string
  unit: string
  /** Value = raw × scale. */
  scale: number
}

/** §8.2.1.3 analogue quantity types: raw values are signed 16-bit, scaled by the minimum unit. */
export const ANALOGUE_QUANTITIES: Readonly<Record<number, AnalogueQuantity>> = {
  1: { name: 'event count', unit: 'count', scale: 1 },
  2: { name: 'height', unit: 'm', scale: 0.01 },
  3: { name: 'temperature', unit: '°C', scale: 0.1 },
  4: { name: 'pressure', unit: 'MPa', scale: 0.1 },
  5: { name: 'pressure', unit: 'kPa', scale: 0.1 },
  6: { name: 'gas concentration', unit: '%LEL', scale: 0.1 },
  7: { name: 'time', unit: 's', scale: 1 },
  8: { name: 'voltage', unit: 'V', scale: 0.1 },
  9: { name: 'current', unit: 'A', scale: 0.1 },
  10: { name: 'flow', unit: 'L/s', scale: 0.1 },
  11: { name: 'air volume', unit: 'm³/min', scale: 0.1 },
  12: { name: 'wind speed', unit: 'm/s', scale: 1 },
}

/** The scaled value and unit of a raw analogue reading; unknown types keep the raw value. */
export function analogueValue(type: number, raw: number): { value: number; unit: string; name: string } {
  const q = ANALOGUE_QUANTITIES[type]
  if (!q) return { value: raw, unit: '', name: `type ${type}` }
  // Round away the binary noise of ×0.1 so that 800 × 0.1 reads 80, not 80.00000000000001.
  return { value: Number((raw * q.scale).toFixed(2)), unit: q.unit, name: q.name }
}
