import type { Problem } from '../../ingest/decoder.ts'
import type { LimitName } from './limit-reporter.ts'
import { RateBuckets } from './rate-buckets.ts'

export interface DeviceMessageLimitOptions {
  eventsPerMin: number
  fireAlarmsPerMin: number
  statusPerMin: number
  /** INGEST_MAX_PAYLOAD_BYTES: a larger event is refused by the decoder, so it is no fire alarm. */
  maxPayloadBytes: number
  clock: { now(): number }
}

/** Why a device message was not let in: the limit hit (for the counter) and what the device is told. */
export interface DeviceMessageRefusal {
  limit: Extract<LimitName, 'mqtt_event_rate' | 'mqtt_fire_alarm_repeat' | 'mqtt_status_rate'>
  problem: Problem
}

const FIRE_ALARM = Buffer.from('fire_alarm')
const BACKSLASH = 0x5c

/**
 * Budgets per device for events and status messages (README "Limits"). These are never held back
 * behind telemetry, so without a budget of their own a device could raise and clear alerts as
 * fast as it can send. fire_alarm has a budget of its own that nothing else spends: a device's
 * first fire alarm always goes in, however many faults it sent before; only repeats of it beyond
 * the budget are dropped (its alert is already raised by then, one per device and rule).
 */
export class DeviceMessageLimits {
  private readonly events: RateBuckets<string>
  private readonly fireAlarms: RateBuckets<string>
  private readonly statuses: RateBuckets<string>

  constructor(private readonly opts: DeviceMessageLimitOptions) {
    const perMinute = (n: number) => new RateBuckets<string>(n / 60, n, opts.clock)
    this.events = perMinute(opts.eventsPerMin)
    this.fireAlarms = perMinute(opts.fireAlarmsPerMin)
    this.statuses = perMinute(opts.statusPerMin)
  }

  /** Null when the event may go in; otherwise why not. */
  event(deviceId: string, payload: Buffer): DeviceMessageRefusal | null {
    if (isFireAlarm(payload, this.opts.maxPayloadBytes)) {
      if (this.fireAlarms.take(deviceId)) return null
      return {
        limit: 'mqtt_fire_alarm_repeat',
        problem: {
          code: 'FGW_ERR_LIMIT_FIRE_ALARM_REPEAT',
          detail: `more than ${this.opts.fireAlarmsPerMin} fire_alarm a minute: this repeat is dropped`,
        },
      }
    }
    if (this.events.take(deviceId)) return null
    return {
      limit: 'mqtt_event_rate',
      problem: {
        code: 'FGW_ERR_LIMIT_EVENT_RATE',
        detail: `more than ${this.opts.eventsPerMin} events a minute: dropped`,
      },
    }
  }

  status(deviceId: string): DeviceMessageRefusal | null {
    if (this.statuses.take(deviceId)) return null
    return {
      limit: 'mqtt_status_rate',
      problem: {
        code: 'FGW_ERR_LIMIT_STATUS_RATE',
        detail: `more than ${this.opts.statusPerMin} status messages a minute: dropped`,
      },
    }
  }
}

/**
 * True when the decoder would read this payload as a fire_alarm event. JSON can only spell
 * "fire_alarm" without those bytes by escaping characters, so a payload with neither is not one
 * and is not parsed here; the others are parsed exactly as the decoder does.
 */
export function isFireAlarm(payload: Buffer, maxPayloadBytes: number): boolean {
  if (payload.length > maxPayloadBytes) return false
  if (!payload.includes(FIRE_ALARM) && !payload.includes(BACKSLASH)) return false
  try {
    const json: unknown = JSON.parse(payload.toString('utf8'))
    return typeof json === 'object' && json !== null && (json as { event?: unknown }).event === 'fire_alarm'
  } catch {
    return false
  }
}
