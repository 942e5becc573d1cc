// The bit fields of GB/T 26875.3-2011 §8.2.1, bit 0 first. Each table names the state a set bit
// means; a clear bit means its opposite (e.g. part bit 0 clear = under test). docs/gbt26875.md.

/** §8.2.1.2 part (部件) status, 2 bytes. Bits 9..15 reserved. */
export const PART_STATUS_BITS = [
  'normal', // 1 = normal operation, 0 = test
  'fire',
  'fault',
  'disabled', // 屏蔽
  'supervisory', // 监管
  'started', // 启动（开启）; 0 = stopped (closed)
  'feedback', // 反馈
  'delayed', // 延时
  'powerFault', // 电源故障
] as const

/** §8.2.1.1 system status, 2 bytes: the part bits, then the panel's own. Bits 14, 15 reserved. */
export const SYSTEM_STATUS_BITS = [
  'normal',
  'fire',
  'fault',
  'disabled',
  'supervisory',
  'started',
  'feedback',
  'delayed',
  'mainPowerFault', // 主电故障
  'backupPowerFault', // 备电故障
  'busFault', // 总线故障
  'manual', // 手动状态; 0 = automatic
  'configChanged', // 配置改变
  'reset', // 复位
] as const

/** §8.2.1.8 UITD running status, 1 byte. Bit 7 reserved. */
export const UITD_STATUS_BITS = [
  'normal', // 正常监视; 0 = test
  'fire',
  'fault',
  'mainPowerFault',
  'backupPowerFault',
  'centreLinkFault', // 与监控中心通信信道故障
  'monitorLineFault', // 监测连接线路故障
] as const

/** §8.2.1.4 operation of a building fire system, 1 byte. Bit 7 reserved. */
export const SYSTEM_OPERATION_BITS = [
  'reset',
  'silence', // 消音
  'manualAlarm', // 手动报警
  'alarmCleared', // 警情消除
  'selfTest', // 自检
  'acknowledge', // 确认
  'test',
] as const

/** §8.2.1.9 operation of the UITD, 1 byte: as above but bit 5 is the answer to a patrol check. */
export const UITD_OPERATION_BITS = [
  'reset',
  'silence',
  'manualAlarm',
  'alarmCleared',
  'selfTest',
  'patrolAnswer', // 查岗应答
  'test',
] as const

export type PartStatusName = (typeof PART_STATUS_BITS)[number]
export type SystemStatusName = (typeof SYSTEM_STATUS_BITS)[number]
export type UitdStatusName = (typeof UITD_STATUS_BITS)[number]
export type SystemOperationName = (typeof SYSTEM_OPERATION_BITS)[number]
export type UitdOperationName = (typeof UITD_OPERATION_BITS)[number]

/** Named bits of a raw value; `raw` keeps reserved bits too. */
export type NamedFlags<N extends string> = Record<N, boolean> & { raw: number }

export function decodeFlags<N extends string>(names: readonly N[], raw: number): NamedFlags<N> {
  const flags = { raw } as NamedFlags<N>
  names.forEach((name, bit) => {
    ;(flags as Record<string, boolean | number>)[name] = (raw & (1 << bit)) !== 0
  })
  return flags
}

/** The raw value of the named bits that are set (unnamed bits are 0). */
export function encodeFlags<N extends string>(names: readonly N[], set: readonly N[]): number {
  let raw = 0
  for (const name of set) {
    const bit = names.indexOf(name)
    if (bit < 0) throw new RangeError(`no such flag: ${name}`)
    raw |= 1 << bit
  }
  return raw
}

export const partStatus = (raw: number) => decodeFlags(PART_STATUS_BITS, raw)
export const systemStatus = (raw: number) => decodeFlags(SYSTEM_STATUS_BITS, raw)
export const uitdStatus = (raw: number) => decodeFlags(UITD_STATUS_BITS, raw)
export const systemOperation = (raw: number) => decodeFlags(SYSTEM_OPERATION_BITS, raw)
export const uitdOperation = (raw: number) => decodeFlags(UITD_OPERATION_BITS, raw)
