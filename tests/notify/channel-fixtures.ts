// Shared by the channel tests: a site with long and Chinese names, alerts, messages, a clock the
// test moves by hand, and a logger that keeps what it was told.
import type { Alert } from '../../alerting/alert.ts'
import type { Logger } from '../../alerting/deps.ts'
import type { NotificationMessage } from '../../alerting/notify/channel.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'

/** 2026-11-22T10:00:00.000Z, the time of the example alert in docs/protocol.md. */
export const T0 = 1_795_341_600_000

export class TestClock {
  constructor(public ms: number = T0) {}
  now(): number {
    return this.ms
  }
}

const LONG_LABEL =
  'Kitchen corridor between the service lift lobby and the east stair, opposite the linen store and the ' +
  'staff canteen, beside fire door FD-12-07'

const SITE_YAML = `
site: { name: Test Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 32, basements: 2 }
  - { id: jinmao, name: 金茂大厦A座, floors: 88 }
  - { id: long-cn, name: 上海市浦东新区陆家嘴环路一千零八十八号国际金融中心二期北塔楼商务办公区, floors: 60 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: secret-1 }
  - { id: ta-12-smoke-02, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: "${LONG_LABEL}", secret: secret-2 }
  - { id: ta-b2-elec-01, building: tower-a, floor: -2, zone: switch-room, kind: electrical_monitor, label: Main switchboard, secret: secret-3 }
  - { id: jm-30-smoke-01, building: jinmao, floor: 30, zone: 30-north, kind: smoke_detector, label: 厨房走廊, secret: secret-4 }
  - { id: lc-45-smoke-01, building: long-cn, floor: 45, zone: 45-west, kind: smoke_detector, label: 电梯厅, secret: secret-5 }
`

export function notifySite(): SiteModel {
  return parseSite(SITE_YAML, 'channel-test-site')
}

/** The example alert of docs/protocol.md ("The Alert"), with overrides. */
export function alertFor(overrides: Partial<Alert> = {}): Alert {
  return {
    id: '01KAP2Q8M4Z6X7Y8W9V0T1S2R3',
    building: 'tower-a',
    floor: 12,
    zone: '12-east',
    device: 'ta-12-smoke-01',
    class: 'fire',
    rule: 'smoke.alarm',
    metric: 'smoke_dbm',
    value: 0.31,
    threshold: 0.25,
    state: 'open',
    openedAt: '2026-11-22T10:00:00.000Z',
    acknowledgedAt: null,
    resolvedAt: null,
    message: 'Smoke alarm: Tower A 12F 12-east, Kitchen corridor (0.31 dB/m)',
    latched: true,
    repeats: 0,
    updatedAt: '2026-11-22T10:00:00.000Z',
    scope: 'device',
    evidence: [],
    tags: [],
    groupedUnder: null,
    incident: null,
    ...overrides,
  }
}

export const ACK_URL = 'https://fw.example.com/a/7Q2M9XD4KP3T'

export function messageFor(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  const alert = alertFor()
  return {
    idempotencyKey: `${alert.id}:mgr-a:sms:0:0`,
    alertId: alert.id,
    locale: 'en',
    title: 'FIRE - Tower A',
    text: `FIRE: Smoke alarm, Tower A 12F 12-east, Kitchen corridor (0.31 dB/m). Ack: ${ACK_URL}`,
    template: 'FW_ALERT',
    params: {
      type: 'FIRE',
      building: 'Tower A',
      floor: '12F',
      zone: '12-east',
      device: 'Kitchen corridor',
      link: ACK_URL,
    },
    ackUrl: ACK_URL,
    alert: { ...alert },
    urgent: true,
    ...overrides,
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug'
  obj: object
  msg: string | undefined
}

export function collectingLog(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const at = (level: LogEntry['level']) => (obj: object, msg?: string) => {
    entries.push({ level, obj, msg })
  }
  return { entries, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }
}
