import type { DeviceKind, MetricFamily, RuleOverride } from '../ingest/index.ts'
import type { AlertClass } from './alert.ts'

/**
 * The default rules per device kind (docs/rules.md, "Default rules by kind"). Every value here is an
 * engineering default ([ENG] in docs/rules.md) unless its comment cites a standard; sites override
 * them per site, building and device (`rules:` in the site file, same keys as RuleParams).
 */
export interface RuleParams {
  enabled: boolean
  /** Raise level. `direction` says which side of it is bad. */
  threshold: number
  /** Clear level (hysteresis): the condition ends only beyond this level. */
  clear: number
  /** The condition must hold this long AND for `samples` consecutive readings before raising. */
  holdSec: number
  samples: number
  /** The clear condition must hold this long before the alert clears. */
  clearHoldSec: number
  /** Rate rules: the look-back window and the change that counts within it. */
  windowSec: number
  delta: number
  /** Latched alerts stay until a person resolves them. */
  latch: boolean
}

export type RuleType = 'above' | 'below' | 'drop' | 'rise' | 'flow' | 'spread' | 'event' | 'offline'

export interface RuleSpec {
  id: string
  class: AlertClass
  title: string
  type: RuleType
  /** The metric family the rule watches (threshold and rate rules). */
  family: MetricFamily | null
  defaults: RuleParams
}

const base: RuleParams = {
  enabled: true,
  threshold: 0,
  clear: 0,
  holdSec: 0,
  samples: 1,
  clearHoldSec: 0,
  windowSec: 0,
  delta: 0,
  latch: false,
}

const rule = (
  id: string,
  cls: AlertClass,
  title: string,
  type: RuleType,
  family: MetricFamily | null,
  params: Partial<RuleParams>,
): RuleSpec => ({ id, class: cls, title, type, family, defaults: { ...base, ...params } })

// Device-reported events and liveness apply to every kind.
const common: RuleSpec[] = [
  // [FIRE-RULE-1] A device's certified alarm decision is never re-thresholded or delayed; it latches.
  rule('device.fire_alarm', 'fire', 'Fire alarm (device)', 'event', null, { latch: true }),
  rule('device.fault', 'fault', 'Device fault', 'event', null, {}),
  rule('device.tamper', 'fault', 'Device tampered or removed', 'event', null, {}),
  rule('battery.low', 'fault', 'Battery low', 'below', 'battery_pct', { threshold: 15, clear: 20 }),
  // [FIRE-RULE-6] Offline after the grace period of a retained `offline`, or after missed heartbeats.
  rule('device.offline', 'offline', 'Device offline', 'offline', null, {}),
]

export const RULES_BY_KIND: Record<DeviceKind, readonly RuleSpec[]> = {
  smoke_detector: [
    // [FIRE-RULE-2] Pre-alarm at 60 % of the alarm threshold for >= 10 s and 3 samples; clears
    // below 50 % for 60 s ([ENG]; docs/rules.md).
    rule('smoke.prealarm', 'warning', 'Smoke pre-alarm', 'above', 'smoke_dbm', {
      threshold: 0.15,
      clear: 0.125,
      holdSec: 10,
      samples: 3,
      clearHoldSec: 60,
    }),
    // Analogue alarm for detectors that report obscuration only; 0.25 dB/m sits inside the
    // certified range (EN 54-7 / GB 4715). Two samples filter a single dust spike.
    rule('smoke.alarm', 'fire', 'Smoke alarm', 'above', 'smoke_dbm', {
      threshold: 0.25,
      clear: 0.2,
      samples: 2,
      latch: true,
    }),
    ...common,
  ],
  pressure_sensor: [
    // Standby setpoint (jockey-pump cut-in) for 60 s; hysteresis 0.02 MPa ([ENG]; docs/rules.md).
    rule('pressure.low_warning', 'warning', 'Pressure below standby setpoint', 'below', 'pressure_mpa', {
      threshold: 0.15,
      clear: 0.17,
      holdSec: 60,
      clearHoldSec: 10,
    }),
    // Code minimum at the most unfavourable point: 0.10 MPa (GB 50974 §5.2.2) for 30 s.
    rule('pressure.low', 'supervisory', 'Pressure below code minimum', 'below', 'pressure_mpa', {
      threshold: 0.1,
      clear: 0.12,
      holdSec: 30,
      clearHoldSec: 10,
    }),
    // Above the design working pressure; 3 s debounce for pump-start water hammer.
    rule('pressure.high', 'supervisory', 'Pressure above design working pressure', 'above', 'pressure_mpa', {
      threshold: 1.2,
      clear: 1.18,
      holdSec: 3,
      samples: 2,
      clearHoldSec: 10,
    }),
    // A fall of more than 0.05 MPa within 10 s: possible discharge or pipe break, at once.
    rule('pressure.rapid_drop', 'supervisory', 'Rapid pressure drop', 'drop', 'pressure_mpa', {
      windowSec: 10,
      delta: 0.05,
      clearHoldSec: 60,
    }),
    // [FIRE-RULE-7] A head flowing: a rapid drop that holds (alerting/rules/flow-rule.ts). [ENG]
    // 20 s is within the 0-90 s retard of waterflow switches (NFPA 72); above 0.05 MPa, the
    // working pressure of the most unfavourable sprinkler (GB 55036 §4.0.5), water still flows.
    rule('sprinkler.flow', 'fire', 'Sprinkler waterflow', 'flow', 'pressure_mpa', {
      windowSec: 10,
      delta: 0.05,
      holdSec: 20,
      threshold: 0.05,
      latch: true,
    }),
    rule('sensor.range', 'fault', 'Sensor reading out of range', 'above', 'pressure_mpa', {
      threshold: 2.5,
      clear: 2.4,
    }),
    ...common,
  ],
  level_sensor: [
    // 110 % of the level that gives the required effective volume; confirm over 60 s against
    // sloshing; hysteresis 2 cm ([ENG]; docs/rules.md). Levels depend on the tank: set them per device.
    rule('level.low_warning', 'warning', 'Tank level low', 'below', 'level_m', {
      threshold: 1.1,
      clear: 1.12,
      holdSec: 60,
      clearHoldSec: 10,
    }),
    rule('level.low', 'supervisory', 'Tank below required volume', 'below', 'level_m', {
      threshold: 1.0,
      clear: 1.02,
      holdSec: 60,
      clearHoldSec: 10,
    }),
    rule('level.high', 'supervisory', 'Tank level high (overflow)', 'above', 'level_m', {
      threshold: 3.95,
      clear: 3.93,
      holdSec: 60,
      clearHoldSec: 10,
    }),
    ...common,
  ],
  electrical_monitor: [
    // Warning at 0.8 x the 300 mA alarm setting for >= 10 s; clears below 0.9 x for 60 s.
    rule('residual_current.warning', 'warning', 'Residual current high', 'above', 'residual_current_ma', {
      threshold: 240,
      clear: 216,
      holdSec: 10,
      samples: 3,
      clearHoldSec: 60,
    }),
    // Design alarm value 300-500 mA (GB 50116-2013 §9.2); 3 samples; latches (GB 14287.5 §5.3.4).
    rule('residual_current.alarm', 'supervisory', 'Residual current alarm', 'above', 'residual_current_ma', {
      threshold: 300,
      clear: 270,
      samples: 3,
      latch: true,
    }),
    // [ENG] Leakage stepping up by 100 mA within a minute: insulation failing in heat or water
    // (a fire reaching the circuit), unlike the slow drift the warning and alarm levels watch.
    rule('residual_current.jump', 'warning', 'Residual current jump', 'rise', 'residual_current_ma', {
      windowSec: 60,
      delta: 100,
      clearHoldSec: 120,
    }),
    // PVC insulation (70 °C rated): warning 60 °C, alarm 70 °C; 3 samples; warning clears 5 °C below.
    rule('cable_temp.warning', 'warning', 'Cable temperature high', 'above', 'temperature_c', {
      threshold: 60,
      clear: 55,
      holdSec: 10,
      samples: 3,
      clearHoldSec: 60,
    }),
    rule('cable_temp.alarm', 'supervisory', 'Cable temperature alarm', 'above', 'temperature_c', {
      threshold: 70,
      clear: 65,
      samples: 3,
      latch: true,
    }),
    // A rise of >= 10 °C within 10 min.
    rule('cable_temp.rise', 'warning', 'Cable temperature rising fast', 'rise', 'temperature_c', {
      windowSec: 600,
      delta: 10,
      clearHoldSec: 60,
    }),
    // Phase-to-phase difference >= 20 °C between channels of one monitor.
    rule(
      'cable_temp.imbalance',
      'warning',
      'Cable temperature imbalance between phases',
      'spread',
      'temperature_c',
      {
        delta: 20,
        clear: 15,
        samples: 3,
        clearHoldSec: 60,
      },
    ),
    ...common,
  ],
  // A part of the building's own fire panel: each status bit its UITD reports (GB/T 26875.3
  // §8.2.1.2) is a rule; set raises, clear clears (docs/gbt26875.md "Bits and rules"). No offline
  // rule: a component's liveness is its UITD's (uitd.offline). The `disabled` bit (屏蔽) raises
  // nothing: the wall shows the component grey.
  panel_component: [
    // [FIRE-RULE-1] The certified panel's decision, as a device's fire_alarm: raised at once,
    // never held or re-thresholded; latched until a person resolves it (a panel reset does not).
    rule('panel.fire', 'fire', 'Fire alarm (panel)', 'event', null, { latch: true }),
    rule('panel.fault', 'fault', 'Panel component fault', 'event', null, {}),
    rule('panel.power_fault', 'fault', 'Panel component power fault', 'event', null, {}),
    rule('panel.supervisory', 'supervisory', 'Supervisory signal (panel)', 'event', null, {}),
    // Started (启动) or feedback (反馈): a pump or fan running, a water-flow indicator operating, a
    // fire door closed. Supervisory: people must know, the panel itself raises the fire.
    rule('panel.operated', 'supervisory', 'Started or feedback (panel)', 'event', null, {}),
    // 延时: a delayed action counting down, e.g. a gas extinguishing discharge.
    rule('panel.delayed', 'supervisory', 'Delay running (panel)', 'event', null, {}),
  ],
}

/**
 * Rules of a UITD itself (alerting/rules/uitd-link.ts), not of a device kind: raised on the UITD's
 * id. Overridable at site and building level.
 */
export const UITD_RULES: readonly RuleSpec[] = [
  // No valid frame for UITD_SILENCE_TIMEOUT_SEC: the whole panel is unheard. Clears when it speaks.
  rule('uitd.offline', 'offline', 'Fire panel link (UITD) offline', 'offline', null, {}),
  // A patrol check (查岗) unanswered by its deadline: nobody on duty in the fire control room
  // (GB 50440, the remote monitoring code, has the centre check it). Latched: a person looks at it.
  rule('uitd.patrol_missed', 'supervisory', 'Fire control room patrol check missed', 'event', null, {
    latch: true,
  }),
  // The UITD's own status (type 21): its fault, power, centre link or monitored line.
  rule('uitd.fault', 'fault', 'Fire panel link (UITD) fault', 'event', null, {}),
]

const byId = new Map<string, RuleSpec>()
for (const specs of Object.values(RULES_BY_KIND)) for (const s of specs) byId.set(s.id, s)
for (const s of UITD_RULES) byId.set(s.id, s)

export function ruleSpec(id: string): RuleSpec | undefined {
  return byId.get(id)
}

export const ALL_RULE_IDS: readonly string[] = [...byId.keys()]

/** Effective params: built-in defaults < site `rules` < building `rules` < device `rules`. */
export function resolveParams(
  spec: RuleSpec,
  ...overrides: (Record<string, RuleOverride> | undefined)[]
): RuleParams {
  const params = { ...spec.defaults }
  for (const layer of overrides) {
    const o = layer?.[spec.id]
    if (o) Object.assign(params, o)
  }
  return params
}
