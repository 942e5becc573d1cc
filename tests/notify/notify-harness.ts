import { mkdtempSync, rmSync } from 'node:fs'
import { Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AlarmPath, createAlarmPath } from '../../alerting/alarm-path.ts'
import type { Alert, AlertClass } from '../../alerting/alert.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import { IncidentJobs } from '../../alerting/notify/incident-jobs.ts'
import { createNotifier, type Notifier } from '../../alerting/notify/notifier.ts'
import type { JobOutcome, NotifyMetrics } from '../../alerting/notify/notify-context.ts'
import type { OutboxJob } from '../../alerting/notify/outbox-store.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { deviceSignal, T0, TestClock } from '../alerting/fixtures/alert-test-site.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'
import { type PushServicePeer, startPushServicePeer } from '../support/peers/push-service-peer.ts'
import { startTwilioPeer, type TwilioPeer } from '../support/peers/twilio-peer.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'

// The real notifier on a temp-dir SQLite file, in virtual time, sending through the real channels
// (webhook, and Twilio SMS) to real local HTTP peers. It observes the gateway's own alarm path
// (alerting/alarm-path.ts: lifecycle with the incident keeper), as gateway.ts wires it; signals go
// straight into that lifecycle. Escalation and dispatch run when the test says so: `escalate()`
// and `dispatch()`.

export const WEBHOOK_SECRET = 'whsec-0123456789abcdef'
const TWILIO = { accountSid: `AC${'a1'.repeat(16)}`, authToken: 'twilio-test-token', from: '+15005550006' }

export { T0 }

export interface Endpoints {
  webhookUrl: string
}

export interface NotifyHarness {
  dataDir: string
  site: SiteModel
  store: AlertStore
  alarm: AlarmPath
  lifecycle: AlertLifecycle
  notifier: Notifier
  clock: TestClock
  webhook: WebhookReceiver
  sms: TwilioPeer
  /** The local Web Push service, when the harness was made with `{ push: true }`. */
  push: PushServicePeer | null
  log: MemoryLogger
  /** Every metric the notifier counted, as "channel outcome" strings. */
  outcomes: string[]
  firstRequests: number[]
  acks: number[]
  /** Raises an alert of a site device (the class and rule as given); returns it. */
  raise(device: string, cls: AlertClass, rule?: string): Alert
  /** The engine's clear of that (device, rule): resolves non-latched alerts. */
  clear(device: string, cls: AlertClass, rule?: string): void
  advance(ms: number): void
  escalate(): number
  /** Runs the dispatcher until no job is due now. */
  dispatch(): Promise<number>
  /** The jobs that carry an alert (as the lead alert of their incident). */
  jobs(alertId: string): OutboxJob[]
  /** The jobs of an incident (digests belong to none). */
  incidentJobs(incidentId: string): OutboxJob[]
  close(): Promise<void>
}

export async function createNotifyHarness(
  siteYaml: (e: Endpoints) => string,
  options: { push?: boolean } = {},
): Promise<NotifyHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-notify-'))
  const clock = new TestClock(T0)
  const webhook = await startWebhookReceiver({ secret: WEBHOOK_SECRET, now: () => clock.now() })
  const sms = await startTwilioPeer(TWILIO)
  const push = options.push ? await startPushServicePeer(() => clock.now()) : null
  const site = parseSite(siteYaml({ webhookUrl: webhook.url }), 'notify-test-site')
  const store = AlertStore.open(join(dir, 'alerts.db'), { synchronous: 'normal' })
  const log = new MemoryLogger()
  const outcomes: string[] = []
  const firstRequests: number[] = []
  const acks: number[] = []
  const metrics: NotifyMetrics = {
    job: (channel: string, outcome: JobOutcome, count = 1) => {
      for (let i = 0; i < count; i++) outcomes.push(`${channel} ${outcome}`)
    },
    firstRequest: (_cls, s) => firstRequests.push(s),
    acknowledged: (_cls, s) => acks.push(s),
    heldReport: (channel, outcome, count = 1) => {
      for (let i = 0; i < count; i++) outcomes.push(`${channel} report-${outcome}`)
    },
  }
  const env = ChannelsEnvChecked.parse({
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: TWILIO.authToken,
    TWILIO_FROM: TWILIO.from,
    TWILIO_BASE_URL: sms.baseUrl,
    // The local push service listens on loopback, which only an explicit entry allows.
    ...(push ? { VAPID_SUBJECT: 'mailto:ops@firewatch.test', PUSH_SERVICE_HOSTS: '127.0.0.1' } : {}),
  })
  const pushAgent = push ? { pushAgent: new Agent({ ca: push.ca }) } : {}
  const channels = createChannels(env, { dataDir: dir, clock, log, ...pushAgent })
  const alarm = createAlarmPath({ site, store, clock, log })
  const lifecycle = alarm.alerts
  const notifier = createNotifier({
    store,
    site,
    channels,
    clock,
    log,
    metrics,
    dataDir: dir,
    publicUrl: () => 'http://firewatch.test',
    acknowledge: (id, actor, note) => lifecycle.acknowledge(id, actor, note),
    acknowledgeIncident: (id, actor, note) => lifecycle.incidents.acknowledge(id, actor, note),
    random: () => 0.5,
  })
  alarm.observe(notifier)
  const signalOf = (type: 'raise' | 'clear', device: string, cls: AlertClass, rule: string) =>
    deviceSignal(site, type, device, cls, rule, clock.now())
  return {
    dataDir: dir,
    site,
    store,
    alarm,
    lifecycle,
    notifier,
    clock,
    webhook,
    sms,
    push,
    log,
    outcomes,
    firstRequests,
    acks,
    raise(device, cls, rule = `test.${cls}`) {
      const t = lifecycle.apply(signalOf('raise', device, cls, rule))
      if (!t) throw new Error('raise changed nothing')
      return t.alert
    },
    clear(device, cls, rule = `test.${cls}`) {
      lifecycle.apply(signalOf('clear', device, cls, rule))
    },
    advance(ms) {
      clock.ms += ms
    },
    escalate: () => notifier.escalation.escalate(clock.now()),
    async dispatch() {
      let total = 0
      // Bounded: a round that sends nothing means nothing is due now.
      for (let i = 0; i < 20; i++) {
        const n = await notifier.dispatcher.runOnce()
        total += n
        if (n === 0) break
      }
      return total
    },
    jobs: (alertId) => notifier.outbox.jobsOf(alertId),
    incidentJobs: (incidentId) => new IncidentJobs(store.db).jobsOf(incidentId),
    async close() {
      await notifier.stop()
      await webhook.close()
      await sms.close()
      await push?.close()
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The token of an ack link (`…/ack/<token>`). */
export function tokenOf(ackUrl: string): string {
  return ackUrl.slice(ackUrl.lastIndexOf('/') + 1)
}

/** Two buildings with one smoke detector each: the site YAML of the notification and schedule tests. */
export const TWO_TOWERS = `buildings:
  - { id: tower-a, name: Tower A, floors: 32 }
  - { id: tower-b, name: Tower B, floors: 20 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: s3cret-ta-12 }
  - { id: tb-03-smoke-01, building: tower-b, floor: 3, zone: 3-east, kind: smoke_detector, label: Lobby, secret: s3cret-tb-03 }
`

/** A site with two buildings, one device each, and the contacts and policies given. */
export function siteWith(notify: string): string {
  return `
site: { name: Notify Estate, timezone: Asia/Shanghai }
${TWO_TOWERS}apiTokens:
  - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
${notify}`
}
