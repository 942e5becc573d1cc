import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChannelsEnvChecked, createChannels } from '../../alerting/notify/channels/index.ts'
import { monthlyPeriod } from '../../alerting/schedules/report-period.ts'
import { createScheduledWork, type ScheduledWork } from '../../alerting/schedules/scheduled-work.ts'
import { monthlyHtml } from '../../register/monthly-html.ts'
import { type MonthlyReport, monthlyReport } from '../../register/monthly-report.ts'
import { createPdfPrinter, findBrowser } from '../../register/pdf-printer.ts'
import { MemoryLogger } from '../alerting/fixtures/lifecycle-harness.ts'
import { ROOT } from '../support/paths.ts'
import { type RegisterRun, runWithRegister, WEBHOOK_SECRET } from './register-run.ts'

// October 2026 (and the day before, for September's grades) of two towers in Shanghai, in virtual time through the alarm path, the incident
// keeper, the patrol checks and the register: three fire alarms (acknowledged after 45 s, 2 min
// and 30 s; two false, one real), a detector's two-hour power cut, patrol checks of which one a
// day is confirmed, three hazards (one closed, one overdue and supervised after the make-up
// working day of 10 October). The monthly report's figures are checked against the run's own.

const site = (u: string) => `
  site: { name: 月报小区, timezone: Asia/Shanghai, locale: zh-CN }
  buildings:
    - { id: tower-a, name: A座, floors: 20 }
    - { id: tower-b, name: B座, floors: 20 }
  devices:
    - { id: smoke-a1, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: 3层东侧走廊, secret: s3cret-a1, heartbeatSec: 300 }
    - { id: smoke-a2, building: tower-a, floor: 8, zone: 8-west, kind: smoke_detector, label: 8层西侧走廊, secret: s3cret-a2, heartbeatSec: 300 }
    - { id: smoke-b1, building: tower-b, floor: 5, zone: 5-east, kind: smoke_detector, label: 5层东侧走廊, secret: s3cret-b1, heartbeatSec: 300 }
  apiTokens:
    - { name: brigade, token: brigade-token, role: brigade }
    - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
    - { name: admin, token: admin-token, role: admin }
  contacts:
    - { id: duty-b, name: B座值班员, role: security, buildings: [tower-b], channels: [webhook], webhook: { url: "${u}?to=duty-b", secret: ${WEBHOOK_SECRET} } }
  schedules:
    patrols:
      - { id: desk-b, building: tower-b, everyMin: 120, confirmWithinSec: 600, contacts: [duty-b] }
  register:
    escalation: { graceWorkingDays: 1 }
    grade:
      weights: { escalated: 20, overdueMajor: 15, openGeneral: 2, fire: 10, falseAlarm: 1, missedPatrol: 2 }
      thresholds: { yellow: 10, red: 30 }
      incidentDays: 30
      patrolDays: 7`

const scenario = (u: string) => `
name: october-register
description: a month of two towers for the monthly report
site:${site(u)}
start: "2026-09-30T00:00:00+08:00"
duration: 32d30m
devices:
  - { id: smoke-a1, params: { reportSec: 300 } }
  - { id: smoke-a2, params: { reportSec: 300 } }
  - { id: smoke-b1, params: { reportSec: 300 } }
timeline:
  - { at: 3d12h, device: smoke-a1, do: event, event: fire_alarm, detail: pan on the stove }
  - { at: 14d20h, device: smoke-a1, do: event, event: fire_alarm, detail: waste bin fire }
  - { at: 15d3h, device: smoke-b1, do: disconnect, for: 2h }
  - { at: 25d8h, device: smoke-a2, do: event, event: fire_alarm, detail: shower steam }
actions:
  - { at: 3d12h45s, ack: { device: smoke-a1, rule: device.fire_alarm }, as: mgr-a }
  - { at: 3d12h10m, resolveIncident: { device: smoke-a1 }, as: mgr-a, disposition: false_alarm, cause: cooking }
  - { at: 14d20h2m, ack: { device: smoke-a1, rule: device.fire_alarm }, as: brigade }
  - { at: 14d20h30m, resolveIncident: { device: smoke-a1 }, as: brigade, disposition: real_fire }
  - { at: 25d8h30s, ack: { device: smoke-a2, rule: device.fire_alarm }, as: mgr-a }
  - { at: 25d8h15m, resolveIncident: { device: smoke-a2 }, as: mgr-a, disposition: false_alarm, cause: steam }
`

const mgrA = { name: 'mgr-a', role: 'manager' as const, buildings: new Set(['tower-a']) }
const brigade = { name: 'brigade', role: 'brigade' as const, buildings: null }
const finding = (building: string, severity: 'general' | 'major', more: object = {}) => ({
  building,
  category: 'evacuation_routes',
  severity,
  description: `${building} ${severity} finding`,
  source: 'inspection' as const,
  devices: [],
  rules: [],
  ...more,
})
const assigned = { responsible: '李伟', watcher: '保安王师傅' }

let r: RegisterRun
let work: ScheduledWork
let report: MonthlyReport
let after: ScheduledWork
const confirmDays = Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}T10:05`)

beforeAll(async () => {
  r = await runWithRegister(
    scenario,
    [
      {
        at: '2026-10-05T10:00',
        name: 'h1',
        act: (reg, now) =>
          reg.desk.report(
            finding('tower-a', 'general', { ...assigned, deadline: '2026-10-12' }),
            'mgr-a',
            now,
          ),
      },
      {
        at: '2026-10-06T10:00',
        name: 'h2',
        act: (reg, now) =>
          reg.desk.report(finding('tower-a', 'major', { ...assigned, deadline: '2026-10-09' }), 'mgr-a', now),
      },
      {
        at: '2026-10-08T10:00',
        name: 'h1-start',
        act: (reg) => reg.hazards.step(mgrA, 1, 'start', { plan: 'clear the stairs' }),
      },
      { at: '2026-10-08T10:30', name: 'h1-submit', act: (reg) => reg.hazards.step(mgrA, 1, 'submit', {}) },
      { at: '2026-10-09T10:00', name: 'h1-verify', act: (reg) => reg.hazards.step(brigade, 1, 'verify', {}) },
      {
        at: '2026-10-20T10:00',
        name: 'h3',
        act: (reg, now) => reg.desk.report(finding('tower-b', 'general'), 'admin', now),
      },
      ...confirmDays.map((at) => ({
        at,
        name: `confirm ${at}`,
        act: (_reg: unknown, now: number) =>
          work.patrols.confirm(work.patrolStore.latest('desk-b')!.id, 'duty-b', now),
      })),
    ],
    {
      extraJobs: ({ site, register, store, alarm, clock, dir, log }) => {
        work = createScheduledWork({
          site,
          alerts: store,
          raise: (s) => alarm.alerts.apply(s),
          retune() {},
          channels: createChannels(ChannelsEnvChecked.parse({}), { dataDir: dir, clock, log }),
          clock,
          log,
          dataDir: dir,
          publicUrl: () => 'http://firewatch.test',
          reportAddendum: register.dailyAddendum,
        })
        return work.jobs.filter((j) => j.name === 'patrol')
      },
    },
  )
  report = await monthlyReport(
    r.monthlyDeps,
    '2026-10',
    null,
    r.run.scenario.start + 32 * 86_400_000 + 30 * 60_000,
  )
  // The run's own connection is closed: the scheduled work again, on the alert file opened anew.
  const dir = mkdtempSync(join(tmpdir(), 'fw-month-work-'))
  after = createScheduledWork({
    site: r.run.scenario.site,
    alerts: r.alerts,
    raise: () => null,
    retune() {},
    channels: new Map(),
    clock: { now: () => Date.parse('2026-11-02T00:00:00Z') },
    log: new MemoryLogger(),
    dataDir: dir,
    publicUrl: () => 'http://firewatch.test',
    reportAddendum: r.register.dailyAddendum,
  })
}, 600_000)
afterAll(async () => r?.close())

describe('the monthly report of a month in virtual time', () => {
  it('When October is over, then the alarm figures are those of the run: three alarms, p50 45 s, p90 120 s, two of three false', () => {
    expect(r.run.missed).toEqual([])
    expect(r.run.notes).toEqual([])
    expect(r.run.actions.every((a) => a.ok)).toBe(true)
    const a = report.buildings.find((b) => b.building.id === 'tower-a')!.alarms
    expect(a).toMatchObject({
      source: 'incidents',
      alarms: 3,
      fires: 1,
      falseAlarms: 2,
      tests: 0,
      unexplained: 0,
    })
    expect([a.ackP50, a.ackP90]).toEqual([45, 120])
    expect(a.falseAlarmRate).toBeCloseTo(2 / 3)
    expect(report.totals.alarms.alarms).toBe(3)
    expect(report).toMatchObject({ month: '2026-10', complete: true, due: '2026-11-20T01:00:00.000Z' })
  })

  it('When the hazards are counted, then opened, closed, overdue, supervised and open at the end are what the steps did', () => {
    const byId = (id: string) => report.buildings.find((b) => b.building.id === id)!.hazards
    expect(byId('tower-a')).toEqual({ opened: 2, closed: 1, overdue: 1, escalated: 1, openAtEnd: 1 })
    expect(byId('tower-b')).toEqual({ opened: 1, closed: 0, overdue: 0, escalated: 0, openAtEnd: 1 })
    expect(report.totals.hazards).toEqual({ opened: 3, closed: 1, overdue: 1, escalated: 1, openAtEnd: 2 })
    // Due 9 Oct; 10 Oct (a Saturday) is a make-up working day, so it is the day of grace: 12 Oct 09:00.
    const supervised = r.register.store.trailOf(2).find((l) => l.action === 'escalated')!
    expect(new Date(supervised.at).toISOString()).toBe('2026-10-12T01:00:00.000Z')
  })

  it('When intactness and patrols are counted, then they follow from the run: the offline hours of smoke-b1, one confirmed check a day', () => {
    const { from, to } = monthlyPeriod('2026-10', 'Asia/Shanghai')
    const offlineMs = r.run.alerts
      .filter((a) => a.device === 'smoke-b1' && a.class === 'offline')
      .reduce((ms, a) => ms + (Date.parse(a.resolvedAt!) - Date.parse(a.openedAt)), 0)
    expect(offlineMs).toBeGreaterThan(90 * 60_000)
    const b = report.buildings.find((x) => x.building.id === 'tower-b')!
    expect(b.intactness).toMatchObject({ devices: 1, reporting: 1, readingsChecked: true })
    expect(b.intactness.share).toBeCloseTo(1 - offlineMs / (to - from), 6)
    expect(report.buildings.find((x) => x.building.id === 'tower-a')!.intactness.share).toBe(1)
    expect(b.patrols.confirmed).toBe(31)
    expect(b.patrols.sent).toBe(after.patrolStore.counts('tower-b', from, to).sent)
    expect(b.patrols.sent).toBe(12 * 31)
    expect(b.patrols.missed).toBe(b.patrols.sent - 31)
  })

  it('When the grades are read, then the month end grade follows from the run: points of the weights, red; worse than September', () => {
    const a = report.buildings.find((b) => b.building.id === 'tower-a')!
    // At the month's end tower-a has one supervised hazard (h2), one real fire and two false alarms
    // in the 30 days looked back over, and nothing else: 20 + 10 + 2 × 1 = 32 points, red at 30.
    const factorsA = Object.fromEntries(a.grade.atEnd!.factors.map((f) => [f.key, [f.count, f.points]]))
    expect(factorsA).toEqual({ escalated: [1, 20], fire: [1, 10], false_alarm: [2, 2] })
    expect(a.grade.atEnd).toMatchObject({ grade: 'red', score: 32, intactness: 1 })
    // The day before October nothing was known against it: green, so the month made it worse.
    expect(a.grade.previous).toMatchObject({ grade: 'green', score: 0, factors: [] })
    expect(a.grade.change).toBe('worse')
    // The last grade of the month is the daily one of 31 October 00:10, over the 7 days before it.
    expect(a.grade.atEnd).toMatchObject({ at: '2026-10-30T16:10:00.000Z', reason: 'daily' })
    // tower-b: h3 open (2 points) and the missed checks of those 7 days (2 each): 02:00 to 22:00 of
    // 24 October (11, one confirmed), 25 to 30 October (12 a day, one confirmed), while the check
    // of 31 October 00:00 still has its ten minutes: 10 + 6 × 11 = 76.
    const b = report.buildings.find((x) => x.building.id === 'tower-b')!
    const factorsB = Object.fromEntries(b.grade.atEnd!.factors.map((f) => [f.key, [f.count, f.points]]))
    expect(factorsB).toEqual({ open_general: [1, 2], missed_patrol: [76, 152] })
    expect(b.grade.atEnd).toMatchObject({ grade: 'red', score: 154 })
    expect(b.grade.previous).toMatchObject({ grade: 'green', score: 0, at: '2026-09-29T16:10:00.000Z' })
    expect(b.grade.change).toBe('worse')
  })

  it('When the daily report is made, then it carries the register in short: the hazards of the day and the grade', () => {
    const daily = after.reports.build(
      'daily',
      'tower-a',
      '2026-10-12',
      r.run.scenario.start + 33 * 86_400_000,
    )
    expect(daily.sections.map((s) => s.title)).toEqual(['隐患', '风险等级'])
    expect(daily.sections[0]!.rows).toContainEqual(['挂牌督办', '1'])
    expect(daily.sections[1]!.rows[0]![0]).toBe('风险等级')
  })

  it('When the report is rendered, then the page (zh-CN and en) and its PDF carry the figures; the PDF renders Chinese', async () => {
    const zh = monthlyHtml(report)
    expect(zh).toContain('<h1>消防安全工作月报</h1>')
    expect(zh).toContain('<tr><th>中位数（p50）</th><td>45 秒</td></tr>')
    expect(zh).toContain('2026年11月20日 09:00:00（GMT+8）')
    // The site page has every building's grade against last month; a building's page, its factors.
    expect(zh).toContain(
      '<h3>各建筑风险等级</h3><table><tr><th>A座</th><td><span class="grade red">红</span>（32） · 上月 <span class="grade green">绿</span>（0） · 变差</td></tr>',
    )
    expect(zh).toContain('挂牌督办隐患 1（+20 分）；真实火灾 1（+10 分）；误报 2（+2 分）')
    expect(zh).toContain('<tr><th>隐患：挂牌督办</th><td>1</td></tr>')
    const en = monthlyHtml({ ...report, locale: 'en' })
    expect(en).toContain('<tr><th>False-alarm rate</th><td>66.7 %</td></tr>')
    const out = join(ROOT, 'tests/e2e/out')
    mkdirSync(out, { recursive: true })
    const dir = mkdtempSync(join(tmpdir(), 'fw-pdf-'))
    try {
      const printer = createPdfPrinter(findBrowser('auto'), dir, 60_000)
      expect(printer.browser, 'Debian chromium (scripts/install-test-deps.sh)').not.toBeNull()
      const pdf = await printer.print(zh)
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
      const file = join(dir, 'monthly.pdf')
      writeFileSync(file, pdf)
      // poppler-utils (scripts/install-test-deps.sh): the PDF as PNG pages, for a person to look at.
      execFileSync('pdftoppm', ['-png', '-r', '100', file, join(out, 'monthly-report-zh')])
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
      expect(text).toContain('消防安全工作月报')
      expect(text).toMatch(/中位数（p50）\s+45 秒/)
      expect(readdirSync(out).some((f) => f.startsWith('monthly-report-zh') && f.endsWith('.png'))).toBe(true)
      // Nothing of the print is left behind.
      expect(existsSync(join(dir, 'pdf-tmp')) ? readdirSync(join(dir, 'pdf-tmp')) : []).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
