import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import { createScheduledWork, type ScheduledWork } from '../../alerting/schedules/scheduled-work.ts'
import {
  createNotifyHarness,
  type Endpoints,
  type NotifyHarness,
  WEBHOOK_SECRET,
} from '../notify/notify-harness.ts'

// The scheduled work on the real notifier harness (temp-dir SQLite, real lifecycle, outbox and
// escalation, webhook channel to a real local receiver), in virtual time: jobs run when the test
// calls them with the harness clock.

export interface ScheduleHarness extends NotifyHarness {
  work: ScheduledWork
  /** A second ScheduledWork on the same database, as after a gateway restart. */
  restart(): ScheduledWork
}

export async function createScheduleHarness(siteYaml: (e: Endpoints) => string): Promise<ScheduleHarness> {
  const h = await createNotifyHarness(siteYaml)
  const make = () =>
    createScheduledWork({
      site: h.site,
      alerts: h.store,
      raise: (s) => h.lifecycle.apply(s),
      retune() {},
      // Webhook only: the channel every gateway has (SMS and push are the notifier's tests' business).
      channels: createChannels(ChannelsEnvChecked.parse({}), {
        dataDir: h.dataDir,
        clock: h.clock,
        log: h.log,
      }),
      push: h.notifier.pushSubscriptions,
      clock: h.clock,
      log: h.log,
      dataDir: h.dataDir,
      publicUrl: () => 'http://firewatch.test',
    })
  return Object.assign(h, { work: make(), restart: make })
}

/** Contacts reached by webhook at the harness receiver, `?to=<id>` telling them apart. */
export function webhookContact(e: Endpoints, id: string, role: string, extra = ''): string {
  return `  - { id: ${id}, name: ${id}, role: ${role}, channels: [webhook], webhook: { url: "${e.webhookUrl}?to=${id}", secret: ${WEBHOOK_SECRET} }${extra} }`
}
