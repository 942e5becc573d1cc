import type { MetricFamily } from '../../ingest/index.ts'
import type { AlertClass, AlertState } from '../alert.ts'

/** The wall's colours (gateway/live/live-state.ts WALL_STATUSES; alerting/ may not import gateway/). */
export const WALL_COLOURS = ['green', 'grey', 'yellow', 'red'] as const
export type WallColour = (typeof WALL_COLOURS)[number]

/**
 * The rule ids of alerting/rule-catalog.ts, the fire-aware layer and the patrol check, listed again
 * so that a title missing from one language is a compile error; tests/i18n/catalogue.test.ts
 * checks this list against those sources.
 */
export const RULE_IDS = [
  'device.fire_alarm',
  'device.fault',
  'device.tamper',
  'battery.low',
  'device.offline',
  'smoke.prealarm',
  'smoke.alarm',
  'pressure.low_warning',
  'pressure.low',
  'pressure.high',
  'pressure.rapid_drop',
  'sensor.range',
  'level.low_warning',
  'level.low',
  'level.high',
  'residual_current.warning',
  'residual_current.alarm',
  'cable_temp.warning',
  'cable_temp.alarm',
  'cable_temp.rise',
  'cable_temp.imbalance',
  'residual_current.jump',
  'sprinkler.flow',
  'panel.fire',
  'panel.fault',
  'panel.power_fault',
  'panel.supervisory',
  'panel.operated',
  'panel.delayed',
  'uitd.offline',
  'uitd.patrol_missed',
  'uitd.fault',
  // Not per device: the fire-aware layer (alerting/fire/fire-rule-ids.ts), the patrol check and the
  // gateway's self-test (alerting/self-test-rule.ts).
  'fire.confirmed',
  'fire.spread',
  'floor.offline',
  'duty.patrol_missed',
  'self_test.failed',
] as const
export type RuleId = (typeof RULE_IDS)[number]

/** The HTTP error codes whose `message` a person reads (ingest/error-codes.ts has the English). */
export const HTTP_ERROR_CODES = [
  'FGW_ERR_HTTP_VALIDATION',
  'FGW_ERR_HTTP_UNAUTHORIZED',
  'FGW_ERR_HTTP_FORBIDDEN',
  'FGW_ERR_HTTP_NOT_FOUND',
  'FGW_ERR_HTTP_TOO_LARGE',
  'FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE',
  'FGW_ERR_HTTP_INTERNAL',
  'FGW_ERR_STORAGE_QUERY',
  'FGW_ERR_PUSH_CONTACT',
  'FGW_ERR_PUSH_UNAVAILABLE',
] as const
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number]

/** Channels (the `:l1` of `temperature_c:l1`) with a name of their own; others read as written. */
export const NAMED_CHANNELS = ['main'] as const
export type NamedChannel = (typeof NAMED_CHANNELS)[number]

/** Where an alert is: already-named parts, joined by local habit. */
export interface PlaceParts {
  building: string
  floor: string
  zone: string
}

/** One SMS / push text; null parts are left out (to fit its segments). */
export interface SmsParts {
  type: string
  /** Site time of the alert, "14:05". */
  time: string | null
  title: string | null
  place: string
  label: string | null
  measured: string | null
  link: string
}

/**
 * Every word a person reads, in one language. Both catalogues are typed with this interface, so a
 * key missing from one language (or one it has extra) is a compile error. Words keyed by a closed
 * set (classes, colours, states, error codes) are Records over that set for the same reason.
 * tests/i18n/catalogue.test.ts renders every key in both languages and finds each one used.
 */
export interface Catalogue {
  /** The `lang` of HTML pages. */
  htmlLang: string
  /** Alert classes as fire-safety staff say them (docs/rules.md, "Signal classes"). */
  classNames: Record<AlertClass, string>
  /** The class as the first word of an SMS: short and loud. */
  classWords: Record<AlertClass, string>
  /** The standard colour words of the wall (GB 14287.4 red / yellow / green; grey = offline). */
  colourWords: Record<WallColour, string>
  /** What a colour means on the wall. */
  statusWords: Record<WallColour, string>
  stateNames: Record<AlertState, string>
  /** Rule titles by rule id; read them through `ruleTitle` (messages.ts), which takes any id. */
  ruleTitles: Record<RuleId, string>
  /** Floor n of a building: basements are negative (-1 is the first basement), there is no 0. */
  floor(n: number): string
  place(p: PlaceParts): string
  /** What each metric family measures, as people call it: `smoke_dbm` is smoke obscuration. */
  metricNames: Record<MetricFamily, string>
  /**
   * The same, for one of several sensors of a device (`temperature_c:l1`): an electrical monitor's
   * temperatures are those of its cables, one per phase.
   */
  channelMetricNames: Record<MetricFamily, string>
  /** Channels with a name (`residual_current_ma:main`); phases and others read upper-case (L1). */
  channelNames: Record<NamedChannel, string>
  /** A metric, named: "cable temperature L1" / "线缆温度（L1）"; `channel` null for a plain one. */
  metricLabel(p: { quantity: string; channel: string | null }): string
  /**
   * A measured value with its unit, and what was measured where the text needs it ("0.31 dB/m",
   * "cable temperature L1 72.5 °C" / "烟雾浓度 0.31 dB/m", "线缆温度（L1）72.5 °C"). `quantity` is
   * null when the metric is unknown; `channel` names one of several sensors of a device.
   */
  measured(p: { value: string; unit: string; quantity: string | null; channel: string | null }): string
  /** The alert's `message` (docs/protocol.md): "Smoke alarm: Tower A 12F 12-east, Kitchen corridor". */
  alertMessage(p: {
    title: string
    place: string
    /** null for zone, floor and building alerts. */
    label: string | null
    measured: string | null
    detail: string | null
  }): string
  /** An incident's title while it is in one place: its class, where, and its first device's label. */
  incidentTitle(p: { type: string; place: string; label: string }): string
  /** An incident's title once it spans several floors: `floors` in the order reached (floorPath). */
  incidentTitleFloors(p: { type: string; building: string; floors: string }): string
  /** Floors in the order a situation reached them: "12F > 13F" / "12层→13层". */
  floorPath(p: { floors: string[] }): string
  /** What a building-wide alert covers, in place of a device label: the floors, in order. */
  scopeFloors(p: { floors: string[] }): string
  /** What a zone or floor alert covers, in place of a device label. */
  scopeDevices(p: { count: number }): string
  /** What marks a device label cut short to fit one SMS. */
  ellipsis: string
  smsAlert(p: SmsParts): string
  /** After a resolve (at `time`): what it was and where; `label` is left out when it does not fit. */
  smsAllClear(p: { type: string; place: string; label: string | null; time: string | null }): string
  /** The `type` template parameter of an all-clear. */
  allClearType(p: { type: string }): string
  /**
   * An incident grew (a new floor, a confirmation, spread, a more severe class), at `time`: `news`
   * is what it is now (the rule of its newest material alert), `place` where it is now.
   */
  smsUpdate(p: {
    type: string
    time: string
    news: string | null
    place: string
    label: string | null
    link: string
  }): string
  /** Where a multi-floor incident is, in an update: "Tower A, floors 12F > 13F" / "A座，已涉及12层→13层". */
  updatePlace(p: { building: string; floors: string }): string
  /** The `type` template parameter of an update (sent with the alert template). */
  updateType(p: { type: string }): string
  /** Where an incident is once it spans several floors: the building and the floors in order. */
  incidentPlace(p: { building: string; floors: string }): string
  pushTitle(p: { type: string; building: string }): string
  digestHeader(p: { count: number; max: number; minutes: number }): string
  digestLine(p: { type: string; message: string; state: string }): string
  digestMore(p: { count: number }): string
  digestAck(p: { link: string }): string
  ackPageTitle: string
  ackAlertTitle: string
  ackFor(p: { name: string }): string
  ackAlready(p: { state: string }): string
  ackStopsEscalation: string
  ackNoteLabel: string
  ackButton: string
  ackDoneTitle: string
  ackThanks(p: { name: string }): string
  ackAlreadyTitle: string
  ackNothingChanged(p: { state: string }): string
  ackSpentTitle: string
  ackSpentLine: string
  ackExpiredTitle: string
  ackExpiredLine: string
  ackInvalidTitle: string
  ackInvalidLine: string
  fieldClass: string
  fieldState: string
  fieldBuilding: string
  fieldFloor: string
  fieldZone: string
  fieldDevice: string
  fieldOpened: string
  fieldAcknowledged: string
  /** The one-tap page of an incident: what it is, its floors, its alerts, who acknowledged it. */
  fieldIncident: string
  fieldFloors: string
  fieldAlerts: string
  fieldAcknowledgedBy: string
  httpErrors: Record<HttpErrorCode, string>
  noRoute(p: { method: string; path: string }): string
}
