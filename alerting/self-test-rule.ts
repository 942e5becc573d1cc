import type { AlertSignal } from './alert.ts'
import { buildingKey } from './fire/scope-key.ts'
import type { Locale } from './i18n/locale.ts'

/**
 * The gateway's own fault: its scheduled self-test (docs/self-watch.md) could not carry a test
 * fire alarm through the alarm path within the bound of GB 26875.1 (10 s). Not per device, so not
 * in the rule catalogue; raised for every building, because the watch over each is at stake.
 */
export const SELF_TEST_FAILED_RULE = 'self_test.failed'
export const SELF_TEST_FAILED_TITLE = 'Gateway self-test failed'

/**
 * The raise (or clear) of the self-test fault for one building: class `fault`, building scope,
 * not latched (the next passing self-test clears it).
 */
export function selfTestFailedSignal(
  type: 'raise' | 'clear',
  building: { id: string; floors: number },
  at: number,
  detail: string | null,
): AlertSignal {
  return {
    type,
    device: buildingKey(building.id),
    building: building.id,
    floor: 1,
    zone: '',
    rule: SELF_TEST_FAILED_RULE,
    class: 'fault',
    metric: null,
    value: null,
    threshold: null,
    at,
    receivedAt: at,
    latched: false,
    detail,
    scope: 'building',
  }
}

/** GB 26875.1: a fire alarm reaches the monitoring centre within 10 s of the device's signal. */
export const DEVICE_TO_ALERT_BOUND_MS = 10_000

/** Why a self-test failed: no alert, one too late, or the probe never got its alarm in. */
export type SelfTestFailure =
  | { kind: 'no_alert' }
  | { kind: 'too_slow'; ms: number }
  | { kind: 'probe'; error: string }

const seconds = (ms: number) => (ms / 1000).toFixed(1)

/** The detail of the self_test.failed alert, in the site's language. */
export function selfTestFailureText(locale: Locale, f: SelfTestFailure): string {
  const bound = seconds(DEVICE_TO_ALERT_BOUND_MS)
  if (locale === 'zh-CN') {
    if (f.kind === 'no_alert') return `测试火警 ${bound} 秒内未生成告警`
    if (f.kind === 'too_slow') return `测试火警用时 ${seconds(f.ms)} 秒才生成告警（上限 ${bound} 秒）`
    return `测试设备未能把火警送入网关：${f.error}`
  }
  if (f.kind === 'no_alert') return `test fire alarm gave no alert within ${bound} s`
  if (f.kind === 'too_slow')
    return `test fire alarm took ${seconds(f.ms)} s to become an alert (bound ${bound} s)`
  return `test device could not get its fire alarm into the gateway: ${f.error}`
}
