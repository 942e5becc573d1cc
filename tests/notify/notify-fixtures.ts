import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { systemClock } from '../../gateway/clock.ts'
import { ROOT } from '../support/paths.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'

/** The secret every contact of tests/fixtures/notify-site.yaml signs its webhooks with. */
export const FIXTURE_WEBHOOK_SECRET = 'whsec-li-wei-0123456789'

/** A receiver on the wall clock, for tests against a real gateway. */
export function startFixtureReceiver(): Promise<WebhookReceiver> {
  return startWebhookReceiver({ secret: FIXTURE_WEBHOOK_SECRET, now: systemClock.now })
}

/** tests/fixtures/notify-site.yaml with the receiver's URL, written into `dir`; returns its path. */
export function writeNotifySite(dir: string, webhookUrl: string): string {
  const template = readFileSync(join(ROOT, 'tests/fixtures/notify-site.yaml'), 'utf8')
  const file = join(dir, 'notify-site.yaml')
  writeFileSync(file, template.replaceAll('__WEBHOOK_URL__', webhookUrl))
  return file
}
