import { afterEach, describe, expect, it } from 'vitest'
import { type SmtpServerUnderTest, startSmtpServer } from '../support/smtp-server.ts'
import { createScheduleHarness, type ScheduleHarness } from './schedule-harness.ts'
import { decodeReportMail, type SmtpPeer, startSmtpPeer } from './smtp-peer.ts'

const HOUR = 3_600_000

const site =
  (smtpPort: number, smtpHost = '127.0.0.1') =>
  () =>
    `
site: { name: Mail Estate, timezone: Asia/Shanghai, locale: zh-CN }
buildings:
  - { id: tower-a, name: Tower A, floors: 32 }
  - { id: tower-b, name: Tower B, floors: 20 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: s3cret-ta-12 }
schedules:
  reports:
    email:
      smtp: { host: ${smtpHost}, port: ${smtpPort}, from: firewatch@estate.test }
      to:
        - { address: li.wei@estate.test, buildings: [tower-a] }
        - { address: centre@brigade.test }
`

describe('reports by e-mail (a real SMTP server: SMTP_TEST_URL, mailpit or aiosmtpd)', () => {
  let h: ScheduleHarness
  let smtp: SmtpServerUnderTest
  afterEach(async () => {
    await h?.close()
    await smtp?.stop()
  })

  it('When the daily job runs, then each building report goes by SMTP to its addresses as a readable page, once', async () => {
    smtp = await startSmtpServer()
    h = await createScheduleHarness(site(smtp.port, smtp.host))
    h.raise('ta-12-smoke-01', 'fault', 'device.fault')
    h.advance(14 * HOUR) // 23 Nov 08:00 in Shanghai
    expect(await h.work.reports.delivery.daily(h.clock.now())).toBe(3)
    const mails = await smtp.received()
    expect(mails.map((m) => [m.from, m.to])).toEqual([
      ['firewatch@estate.test', ['li.wei@estate.test', 'centre@brigade.test']],
      ['firewatch@estate.test', ['centre@brigade.test']],
    ])
    const a = decodeReportMail(mails[0]!.data)
    expect(a.subject).toBe('消防安全日报 Tower A 2026-11-22')
    expect(a.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(a.html).toContain('<h1>消防安全日报</h1>')
    expect(a.html).toContain('<td>故障</td><td class="n">1</td>')
    expect(decodeReportMail(mails[1]!.data).subject).toBe('消防安全日报 Tower B 2026-11-22')
    expect(await h.work.reports.delivery.daily(h.clock.now())).toBe(0)
    expect(await smtp.received()).toHaveLength(2)
  })
})

// The refusal stays on the test-written peer: it answers one RCPT TO with 550, a fault that a stock
// server (aiosmtpd's Mailbox, mailpit) cannot be told to inject for one chosen address.
describe('reports by e-mail (a test-written SMTP peer over TCP, for refusals)', () => {
  let h: ScheduleHarness
  let smtp: SmtpPeer
  afterEach(async () => {
    await h?.close()
    await smtp?.close()
  })

  it('When the relay refuses a recipient, then nothing is marked sent and the next run sends it again', async () => {
    smtp = await startSmtpPeer()
    h = await createScheduleHarness(site(smtp.port))
    h.advance(14 * HOUR)
    smtp.refuseOnce('centre@brigade.test')
    // tower-a is refused (centre is among its addresses); tower-b goes through on the same run.
    expect(await h.work.reports.delivery.daily(h.clock.now())).toBe(1)
    expect(smtp.mails.map((m) => m.to)).toEqual([['centre@brigade.test']])
    expect(await h.work.reports.delivery.daily(h.clock.now())).toBe(2)
    expect(smtp.mails.map((m) => m.to)).toEqual([
      ['centre@brigade.test'],
      ['li.wei@estate.test', 'centre@brigade.test'],
    ])
  })
})
