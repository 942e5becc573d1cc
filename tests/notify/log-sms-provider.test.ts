import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { formatEntry } from '../../gateway/pretty-log.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

// A site whose fire policy texts a manager at once (and the monitoring centre last, as the schema
// asks of fire policies).
const SITE = `
site: { name: Log SMS Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 20 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: s3cret-ta-12 }
apiTokens:
  - { name: brigade, token: brigade-token, role: brigade }
contacts:
  - { id: li-wei, name: Li Wei, role: manager, phone: "+8613800138001", channels: [sms] }
  - { id: centre, name: Monitoring centre, role: monitoring_centre, phone: "+8610119000119", channels: [sms] }
escalation:
  - classes: [fire]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 600 }
      - { targets: [centre], ackTimeoutSec: 600 }
`

interface SmsEntry {
  msg: string
  module?: string
  sms: { to: string; recipient: string | null; locale: string; text: string; link: string }
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** The gateway's JSON log lines, kept in memory as the process would write them to stdout. */
function memoryLog() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  return { log: pino({ level: 'info' }, stream), lines }
}

describe('SMS_PROVIDER=log', () => {
  it('When a fire alarm notifies a contact by SMS, then the log has the text, the recipient and the ack link, and the outbox records the text as sent', async () => {
    const dir = tempDataDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const siteFile = join(dir, 'site.yaml')
    writeFileSync(siteFile, SITE)
    const { log, lines } = memoryLog()
    const gw = await startTestGateway({ FIREWATCH_SITE: siteFile, SMS_PROVIDER: 'log' }, { log })
    cleanups.push(() => gw.stop())
    const device = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    cleanups.push(() => device.endAsync(true))
    await device.publishAsync('fw/tower-a/ta-12-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })

    const line = await waitFor(() => lines.find((l) => l.includes('"SMS to Li Wei +8613800138001"')))
    const entry = JSON.parse(line) as SmsEntry
    const port = new URL(gw.httpUrl).port
    expect(entry.sms).toMatchObject({ to: '+8613800138001', recipient: 'Li Wei', locale: 'en' })
    expect(entry.sms.link).toMatch(new RegExp(`^http://localhost:${port}/a/[A-Za-z0-9_-]{18}$`))
    expect(entry.sms.text).toMatch(/^FIRE \d\d:\d\d: .*Tower A 12F 12-east/)
    expect(entry.sms.text).toContain(entry.sms.link)

    // Through the real outbox and dispatcher: the job is recorded as sent, in the alert's history.
    const api = apiClient(gw.httpUrl, 'brigade-token')
    const [alert] = (await api.get('/api/v1/alerts?state=active')).body.alerts
    const history = await waitFor(async () => {
      const h = (await api.get(`/api/v1/alerts/${alert.id}`)).body.history as {
        action: string
        note: string
      }[]
      return h.find((e) => e.action === 'notified' && e.note.includes('sms to li-wei'))
    })
    expect(history.note).toMatch(/sent, provider id log:/)

    // The link in the log is a working link: it acknowledges the alert as the contact.
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const url = gw.httpUrl + new URL(entry.sms.link).pathname
    expect((await fetch(url, { method: 'POST', headers: form, body: '' })).status).toBe(200)
    expect((await api.get(`/api/v1/alerts/${alert.id}`)).body.state).toBe('acknowledged')

    // On a terminal the same entry reads as one block: who, then the text and the link.
    const pretty = formatEntry(line, { colours: false }, () => '10:00:00').split('\n')
    expect(pretty[0]).toBe('10:00:00 INFO  [channels] SMS to Li Wei +8613800138001')
    expect(pretty.slice(1, 4)).toEqual([
      '    locale: en',
      `    text: ${entry.sms.text}`,
      `    link: ${entry.sms.link}`,
    ])
  })
})
