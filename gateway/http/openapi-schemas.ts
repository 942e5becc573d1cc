import { ALERT_CLASSES, ALERT_STATES, HISTORY_ACTIONS } from '../../alerting/alert.ts'
import { DEVICE_KINDS } from '../../ingest/site/site-schema.ts'
import { WALL_STATUSES } from '../live/live-state.ts'
import { ALERT_INCIDENT_FIELD } from './openapi-incidents.ts'
import { ALERT_FIRE_FIELDS, BUILDING_WINDOWS_FIELD, Window } from './openapi-windows.ts'

// Response schemas, written by hand from the TypeScript types (alerting/alert.ts, gateway/live/live-state.ts):
// the responses are not zod-validated, so there is no zod schema to generate them from.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const str = { type: 'string' }
const int = { type: 'integer' }
const num = { type: 'number' }
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra })
const epochMs = { type: 'integer', description: 'epoch milliseconds' }
const isoTime = { type: 'string', format: 'date-time' }
const object = (properties: Record<string, object>, extra: object = {}) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
  ...extra,
})

const Alert = object({
  id: str,
  building: str,
  floor: { ...int, description: 'negative for basements (-1 = B1)' },
  zone: str,
  device: nullable('string', {
    description: 'device id; null for zone, floor and building alerts (see scope)',
  }),
  class: { type: 'string', enum: [...ALERT_CLASSES] },
  rule: { ...str, examples: ['smoke.alarm'] },
  metric: nullable('string'),
  value: nullable('number'),
  threshold: nullable('number'),
  state: { type: 'string', enum: [...ALERT_STATES] },
  openedAt: isoTime,
  acknowledgedAt: nullable('string', { format: 'date-time' }),
  resolvedAt: nullable('string', { format: 'date-time' }),
  message: { ...str, description: "for people, in the site's language (site.locale: zh-CN or en)" },
  latched: { type: 'boolean', description: 'stays until a person resolves it' },
  repeats: { ...int, description: 'reports of the condition while the alert was active' },
  updatedAt: isoTime,
  ...ALERT_FIRE_FIELDS,
  ...ALERT_INCIDENT_FIELD,
})

const AlertHistoryEntry = object({
  at: isoTime,
  action: { type: 'string', enum: [...HISTORY_ACTIONS] },
  actor: { ...str, description: '`system` for the engine, otherwise the API token name' },
  note: nullable('string'),
  value: nullable('number'),
})

const ActiveAlertRef = object({
  id: str,
  class: { type: 'string', enum: [...ALERT_CLASSES] },
  rule: str,
  state: { type: 'string', enum: ['open', 'acknowledged'] },
})

const WallStatus = {
  type: 'string',
  enum: [...WALL_STATUSES],
  description:
    'red = active fire alert; yellow = warning, supervisory or fault; grey = offline or disabled; ' +
    'unknown = no alert, but no recent word either (never heard from, or silent for longer than ' +
    'heartbeatSec x offlineAfterMissed): never green without data. A building is unknown while any ' +
    'device is unknown and none is worse, or when it has no device at all',
}

const BuildingCounts = object({
  red: int,
  yellow: int,
  grey: int,
  green: int,
  unknown: { ...int, description: 'devices with no recent word (never heard, or silent too long)' },
  alerts: { ...int, description: 'active alerts, including building-level ones' },
})

const BuildingSummary = object({
  id: str,
  name: str,
  status: ref('WallStatus'),
  counts: ref('BuildingCounts'),
  watch: {
    oneOf: [
      object({
        ids: { type: 'array', items: str },
        names: { type: 'array', items: str },
        since: isoTime,
        until: isoTime,
      }),
      { type: 'null' },
    ],
    description: 'the heightened watch on now (schedules.watches of the site file), or null',
  },
})
// Not required: served only with the windows API (docs/rules.md, "Test and maintenance windows").
Object.assign(BuildingSummary.properties, BUILDING_WINDOWS_FIELD)

const LatestValue = object({ value: num, ts: { ...epochMs, description: 'measurement time, epoch ms' } })

const Device = object({
  id: str,
  building: str,
  kind: { type: 'string', enum: [...DEVICE_KINDS] },
  label: str,
  zone: str,
  floor: int,
  status: ref('WallStatus'),
  disabled: { type: 'boolean' },
  online: nullable('boolean', { description: 'null until the gateway has heard from the device' }),
  lastSeenAt: nullable('integer', {
    description: 'receipt time of the last reading, event or online status, epoch ms',
  }),
  silenceAllowedMs: {
    ...int,
    description: 'heartbeatSec x offlineAfterMissed: with no alert, a device silent for longer is unknown',
  },
  latest: { type: 'object', additionalProperties: ref('LatestValue'), description: 'by metric name' },
  activeAlerts: { type: 'array', items: ref('ActiveAlertRef') },
})

const Floor = object({
  floor: int,
  label: { ...str, examples: ['12F', 'B1'] },
  zones: { type: 'array', items: object({ zone: str, devices: { type: 'array', items: ref('Device') } }) },
})

const BuildingDetail = {
  allOf: [
    ref('BuildingSummary'),
    object({
      floors: { type: 'array', items: ref('Floor'), description: 'top floor first, basements last' },
    }),
  ],
}

const DeviceReadings = object({
  device: str,
  source: { type: 'string', enum: ['sqlite', 'influxdb'], description: 'the readings store that answered' },
  from: epochMs,
  to: epochMs,
  step: nullable('integer', {
    description: 'null: raw readings; else each value is the mean over so many ms',
  }),
  truncated: { type: 'boolean', description: 'a raw answer was cut at 100,000 readings (oldest kept)' },
  readings: {
    type: 'array',
    description: 'in time order; with a step, `ts` is the start of the step',
    items: object({ metric: str, value: num, ts: epochMs }),
  },
})

const ErrorBody = object(
  {
    error: { ...str, description: 'FGW_ERR_* code', examples: ['FGW_ERR_HTTP_NOT_FOUND'] },
    message: { ...str, description: 'for people: Chinese when Accept-Language prefers it, else English' },
    requestId: str,
  },
  { additionalProperties: true },
)

const ValidationError = {
  allOf: [
    ref('Error'),
    object({ issues: { type: 'array', items: { type: 'object' }, description: 'zod issues' } }),
  ],
}

export const RESPONSE_SCHEMAS: Record<string, object> = {
  Alert,
  AlertWithHistory: {
    allOf: [ref('Alert'), object({ history: { type: 'array', items: ref('AlertHistoryEntry') } })],
  },
  AlertHistoryEntry,
  AlertList: object({ alerts: { type: 'array', items: ref('Alert') } }),
  ActiveAlertRef,
  WallStatus,
  BuildingCounts,
  BuildingSummary,
  BuildingList: object({
    buildings: { type: 'array', items: ref('BuildingSummary') },
    site: ref('SiteInfo'),
  }),
  SiteInfo: object({
    name: str,
    timezone: { ...str, description: 'IANA time zone of the site, e.g. Asia/Shanghai' },
    locale: { type: 'string', enum: ['zh-CN', 'en'], description: 'the site default language' },
  }),
  BuildingDetail,
  Floor,
  Device,
  LatestValue,
  DeviceReadings,
  Health: object({ status: { type: 'string', enum: ['ok', 'unavailable'] }, time: epochMs }),
  Error: ErrorBody,
  ValidationError,
  Window,
}
