import { execFileSync } from 'node:child_process'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

export async function connectClient(
  url: string,
  username: string,
  password: string,
  extra: IClientOptions = {},
) {
  return mqtt.connectAsync(url, { username, password, reconnectPeriod: 0, connectTimeout: 5_000, ...extra })
}

/** The granted QoS of each topic; mqtt.js rejects a SUBACK that refuses any topic, so read it from the error. */
export async function subscribeGranted(client: MqttClient, topics: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(topics)).map((g) => g.qos)
  } catch (err) {
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted
    if (!granted) throw err
    return granted
  }
}

/** Collects JSON messages on the subscribed topics; `next` waits for one that matches. */
export class Inbox {
  readonly messages: { topic: string; body: Record<string, unknown> }[] = []
  private waiters: {
    match: (m: Inbox['messages'][number]) => boolean
    resolve: (m: Inbox['messages'][number]) => void
  }[] = []

  constructor(client: MqttClient) {
    client.on('message', (topic, payload) => {
      let body: Record<string, unknown>
      try {
        body = JSON.parse(payload.toString()) as Record<string, unknown>
      } catch {
        body = { raw: payload.toString() }
      }
      const message = { topic, body }
      this.messages.push(message)
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true
        w.resolve(message)
        return false
      })
    })
  }

  /** Position to pass as `after` so that only later messages match. */
  mark(): number {
    return this.messages.length
  }

  next(
    match: (m: Inbox['messages'][number]) => boolean,
    { after = 0, timeoutMs = 5_000 }: { after?: number; timeoutMs?: number } = {},
  ): Promise<Inbox['messages'][number]> {
    const seen = this.messages.slice(after).find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs)
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
      })
    })
  }
}

/** A Debian binary the test needs; fails with how to get it rather than skipping. */
export function requireBinary(name: string, debianPackage: string): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`])
      .toString()
      .trim()
  } catch {
    throw new Error(
      `${name} not found: install Debian's ${debianPackage} (scripts/install-test-deps.sh does it)`,
    )
  }
}
