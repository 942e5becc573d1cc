import { TARGET_NAMES, type TargetName } from './broker-targets.ts'

export interface BenchConfig {
  repeats: number
  seconds: number
  rate: number
  devices: number
  siteDevices: number
  alertRate: number
  alertDevices: number
  maxInflight: number
  targets: TargetName[]
  overload: {
    seconds: number
    /** QoS 1 offer: are PUBACKs, and so the publishers, slowed down? */
    rate: number
    /** QoS 0 flood: nothing slows the sender but socket buffers; does the broker survive? */
    qos0Rate: number
    qos: (0 | 1)[]
    devices: number
    maxInflight: number
    targets: TargetName[]
  }
}

/** Bench settings from BENCH_* variables; defaults give a ~8 minute run on two cores. */
export function benchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const num = (name: string, fallback: number, min = 0): number => {
    const text = env[name]
    if (text === undefined || text === '') return fallback
    const value = Number(text)
    if (!Number.isFinite(value) || value < min)
      throw new Error(`${name} must be a number >= ${min}, not ${text}`)
    return value
  }
  const list = (name: string, fallback: readonly TargetName[]): TargetName[] => {
    const text = env[name]
    if (!text) return [...fallback]
    const names = text.split(',').map((s) => s.trim())
    for (const n of names) {
      if (!(TARGET_NAMES as readonly string[]).includes(n)) {
        throw new Error(`${name}: unknown target ${n} (use ${TARGET_NAMES.join(', ')})`)
      }
    }
    return names as TargetName[]
  }
  const qos = (env.BENCH_OVERLOAD_QOS ?? '1,0').split(',').map((s) => Number(s.trim()))
  if (qos.some((q) => q !== 0 && q !== 1)) throw new Error('BENCH_OVERLOAD_QOS must list 0 and/or 1')
  return {
    repeats: num('BENCH_REPEATS', 3, 1),
    seconds: num('BENCH_SECONDS', 20, 1),
    rate: num('BENCH_RATE', 10_000, 1),
    devices: num('BENCH_DEVICES', 800, 1),
    siteDevices: num('BENCH_SITE_DEVICES', 1000, 1),
    alertRate: num('BENCH_ALERT_RATE', 20),
    alertDevices: num('BENCH_ALERT_DEVICES', 10, 1),
    maxInflight: num('BENCH_MAX_INFLIGHT', 16, 1),
    targets: list('BENCH_TARGETS', TARGET_NAMES),
    overload: {
      seconds: num('BENCH_OVERLOAD_SECONDS', 30, 1),
      // Twice the gateway's default ingress limit (INGRESS_MAX_MESSAGES_PER_SEC, 20,000/s), which
      // it sustains; four times the steady rate.
      rate: num('BENCH_OVERLOAD_RATE', 40_000, 1),
      qos0Rate: num('BENCH_OVERLOAD_QOS0_RATE', 40_000, 1),
      qos: qos as (0 | 1)[],
      devices: num('BENCH_OVERLOAD_DEVICES', 100, 1),
      maxInflight: num('BENCH_OVERLOAD_MAX_INFLIGHT', 32, 1),
      targets: list('BENCH_OVERLOAD_TARGETS', ['gateway', 'aedes']),
    },
  }
}
