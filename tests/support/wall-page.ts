import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { connectClient } from './mqtt-peers.ts'

/** Signs the wall in with an API token and waits until its live stream is up. */
export async function signInWall(page: Page, url: string, token = 'brigade-token'): Promise<void> {
  await page.goto(url)
  await page.fill('#token', token)
  await page.click('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')
  await page.waitForSelector('.tile')
}

/** One device message over real MQTT, as the device itself. */
export async function publishAs(
  mqttUrl: string,
  device: { id: string; building: string; secret: string },
  kind: 'telemetry' | 'event',
  payload: unknown,
): Promise<void> {
  const client = await connectClient(mqttUrl, device.id, device.secret)
  await client.publishAsync(`fw/${device.building}/${device.id}/${kind}`, JSON.stringify(payload), { qos: 1 })
  await client.endAsync()
}

export const QUIET = {
  a1: { id: 'qa-01-smoke-01', building: 'quiet-a', secret: 's3cret-qa-01' },
  a2: { id: 'qa-02-smoke-01', building: 'quiet-a', secret: 's3cret-qa-02' },
  b1: { id: 'qb-01-smoke-01', building: 'quiet-b', secret: 's3cret-qb-01' },
}

/**
 * A site where nothing reports until a test makes it: the default heartbeat (60 s x 3), so no
 * offline alert turns a tile grey while a test runs.
 */
export function writeQuietSite(dir: string): string {
  const device = (d: { id: string; building: string; secret: string }, floor: number, label: string) =>
    `  - { id: ${d.id}, building: ${d.building}, floor: ${floor}, zone: ${floor}-east, kind: smoke_detector, label: "${label}", secret: ${d.secret} }`
  const yaml = [
    'site: { name: Quiet Estate, timezone: Asia/Shanghai, offlineGraceSec: 60 }',
    'buildings:',
    '  - { id: quiet-a, name: Quiet A, floors: 4 }',
    '  - { id: quiet-b, name: Quiet B, floors: 2 }',
    'devices:',
    device(QUIET.a1, 1, 'Lobby 1F'),
    device(QUIET.a2, 2, 'Corridor 2F'),
    device(QUIET.b1, 1, 'Hall 1F'),
    'apiTokens:',
    '  - { name: brigade, token: brigade-token, role: brigade }',
    '',
  ].join('\n')
  const file = join(dir, 'quiet-site.yaml')
  writeFileSync(file, yaml)
  return file
}
