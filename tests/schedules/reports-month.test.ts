import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertStore } from '../../alerting/alert-store.ts'
import { createTestRecorder } from '../../alerting/schedules/device-tests.ts'
import { renderReportHtml } from '../../alerting/schedules/report-html.ts'
import { createScheduleTables } from '../../alerting/schedules/schedule-tables.ts'
import { createScheduledWork, type ScheduledWork } from '../../alerting/schedules/scheduled-work.ts'
import { SiteModel } from '../../ingest/site/site-model.ts'
import type { RunResult } from '../../simulators/runner/run-result.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'

// October 2026 of tests/schedules/fixtures/october-month.yaml, replayed in virtual time through
// the real ingest path, engine and lifecycle into an alert database on disk; the reports are then
// read from that database, as the gateway reads its own.

const utc = (iso: string) => Date.parse(iso)
const NOV_2 = utc('2026-11-02T08:00:00Z')

describe('daily and monthly reports of a month replayed in virtual time (Europe/Berlin)', () => {
  let dir: string
  let run: RunResult
  let store: AlertStore
  let work: ScheduledWork

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-reports-'))
    const alertDb = join(dir, 'alerts.db')
    run = await runScenarioVirtual('tests/schedules/fixtures/october-month.yaml', {
      alertDb,
      sinks: (s) => {
        createScheduleTables(s.db)
        return [{ eventAccepted: createTestRecorder(s.db) }]
      },
    })
    store = AlertStore.open(alertDb, { synchronous: 'normal' })
    const site = new SiteModel(run.scenario.site.file)
    work = createScheduledWork({
      site,
      alerts: store,
      raise: () => null,
      retune() {},
      channels: new Map(),
      clock: { now: () => NOV_2 },
      log: new MemoryLogger(),
      dataDir: dir,
      publicUrl: () => 'http://firewatch.test',
    })
  }, 120_000)

  afterAll(() => {
    store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const daily = (date: string) => work.reports.build('daily', 'tower-a', date, NOV_2)

  it('When the month is over, then the monthly report counts every alert opened, the open fault, the device still offline, the tests and the overdue pump fault', () => {
    expect(run.missed).toEqual([])
    const r = work.reports.build('monthly', 'tower-a', '2026-10', NOV_2)
    expect(r.period).toEqual({
      label: '2026-10',
      from: '2026-09-30T22:00:00.000Z',
      to: '2026-10-31T23:00:00.000Z',
      timezone: 'Europe/Berlin',
    })
    expect(r.complete).toBe(true)
    expect(r.alertsByClass).toEqual({ fire: 1, warning: 0, supervisory: 0, fault: 2, offline: 2 })
    // The same counts as the run's own alert list.
    expect(run.alerts).toHaveLength(5)
    // Open since 9 Oct 09:00 CEST until the end of the month, 1 Nov 00:00 CET: 22 days 16 hours.
    expect(r.openFaults.map((f) => [f.device, f.openedAt, f.openHours])).toEqual([
      ['press-1', '2026-10-09T07:00:00.000Z', 544],
    ])
    expect(r.devicesOffline.map((d) => d.device)).toEqual(['smoke-2'])
    expect(r.testsDone).toBe(3)
    expect(r.overdue.map((o) => [o.device, o.deadlineAt])).toEqual([['press-1', '2026-10-12T07:00:00.000Z']])
  })

  it('When daily reports are read, then each day holds its own alerts, faults open at its end and tests', () => {
    expect(daily('2026-10-02')).toMatchObject({
      alertsByClass: { fire: 0, warning: 0, supervisory: 0, fault: 1, offline: 0 },
      testsDone: 0,
    })
    expect(daily('2026-10-02').openFaults.map((f) => [f.device, f.openHours])).toEqual([['smoke-2', 14]])
    expect(daily('2026-10-04').openFaults).toEqual([])
    const oct12 = daily('2026-10-12')
    expect(oct12.testsDone).toBe(2)
    expect(oct12.openFaults.map((f) => [f.device, f.openHours])).toEqual([['press-1', 87]])
    expect(oct12.overdue.map((o) => o.device)).toEqual(['press-1'])
    expect(daily('2026-10-11').overdue).toEqual([])
    const oct15 = daily('2026-10-15')
    expect(oct15.alertsByClass.offline).toBe(1)
    expect(oct15.devicesOffline).toEqual([])
    expect(daily('2026-10-31').devicesOffline.map((d) => [d.device, d.openHours])).toEqual([['smoke-2', 3]])
  })

  it('When daylight saving ends on 25 Oct, then that day is 25 hours long and holds the fire alarm', () => {
    const oct25 = daily('2026-10-25')
    expect(oct25.period.from).toBe('2026-10-24T22:00:00.000Z')
    expect(oct25.period.to).toBe('2026-10-25T23:00:00.000Z')
    expect(oct25.alertsByClass.fire).toBe(1)
  })

  it('When all 31 daily reports are added up, then they give the monthly counts (no day lost or doubled)', () => {
    const sum = { fire: 0, warning: 0, supervisory: 0, fault: 0, offline: 0 }
    let tests = 0
    for (let d = 1; d <= 31; d++) {
      const r = daily(`2026-10-${String(d).padStart(2, '0')}`)
      for (const [k, n] of Object.entries(r.alertsByClass)) sum[k as keyof typeof sum] += n
      tests += r.testsDone
    }
    const month = work.reports.build('monthly', 'tower-a', '2026-10', NOV_2)
    expect(sum).toEqual(month.alertsByClass)
    expect(tests).toBe(month.testsDone)
  })

  it('When the report is rendered as HTML, then it is a readable page in the site locale with the counts', () => {
    const r = work.reports.build('monthly', 'tower-a', '2026-10', NOV_2)
    const en = renderReportHtml(r)
    expect(en).toContain('<h1>Monthly fire-safety report</h1>')
    expect(en).toContain('loop current below 3.8 mA')
    expect(en).toContain('<td>fault</td><td class="n">2</td>')
    const zh = renderReportHtml({ ...r, locale: 'zh-CN' })
    expect(zh).toContain('<h1>消防安全月报</h1>')
    expect(zh).toContain('<td>故障</td><td class="n">2</td>')
    expect(zh).not.toContain('Monthly')
  })

  it('When the report is rendered as HTML, then its times are site-local (Europe/Berlin) in the page language, not UTC', () => {
    const r = work.reports.build('monthly', 'tower-a', '2026-10', NOV_2)
    // asOf is the end of October, 1 Nov 00:00 CET (a midnight: 00, never 24); press-1's fault opened
    // 9 Oct 09:00 CEST. The JSON keeps the UTC ISO times.
    expect([r.asOf, r.openFaults[0]?.openedAt]).toEqual([
      '2026-10-31T23:00:00.000Z',
      '2026-10-09T07:00:00.000Z',
    ])
    const en = renderReportHtml(r)
    expect(en).toContain('Generated: 1 Nov 2026, 00:00:00 CET</p>')
    expect(en).toContain('<td>9 Oct 2026, 09:00:00 CEST</td>')
    const zh = renderReportHtml({ ...r, locale: 'zh-CN' })
    expect(zh).toContain('生成时间: 2026年11月1日 00:00:00（GMT+1）</p>')
    expect(zh).toContain('<td>2026年10月9日 09:00:00（GMT+2）</td>')
    for (const html of [en, zh]) expect(html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/)
  })
})
