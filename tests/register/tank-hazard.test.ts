import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StepOutcome } from '../../register/hazard-desk.ts'
import { type RegisterRun, runWithRegister, WEBHOOK_SECRET } from './register-run.ts'

// A roof tank that drains before the Mid-Autumn and National Day holidays of 2026 and is refilled
// only after them, in virtual time through the gateway's alarm path and the register's jobs. The
// low level outlives its 24 h: it becomes a hazard (major, 4 days to rectify); its reminders come
// at 09:00 Shanghai time; it is overdue from the end of its deadline day; with one working day of
// grace it goes under supervision at 09:00 on the first working day after the holiday week. Once
// refilled, the brigade may close it only after the level held above its line for 24 h.

const site = (webhookUrl: string) => `
  site: { name: Tank Estate, timezone: Asia/Shanghai, locale: zh-CN }
  buildings: [{ id: tower-a, name: A座, floors: 32 }]
  devices:
    - { id: tank, building: tower-a, floor: 32, zone: roof, kind: level_sensor, label: 屋顶水箱, secret: s3cret-tank, heartbeatSec: 600 }
  apiTokens:
    - { name: brigade, token: brigade-token, role: brigade }
    - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
    - { name: mgr-a2, token: manager-a2-token, role: manager, buildings: [tower-a] }
  contacts:
    - { id: li-wei, name: 李伟, role: manager, buildings: [tower-a], channels: [webhook], apiTokens: [mgr-a], webhook: { url: "${webhookUrl}?to=li-wei", secret: ${WEBHOOK_SECRET} } }
    - { id: zhou-min, name: 周敏, role: engineer, buildings: [tower-a], channels: [webhook], apiTokens: [mgr-a2], webhook: { url: "${webhookUrl}?to=zhou-min", secret: ${WEBHOOK_SECRET} } }
    - { id: brigade-desk, name: 大队值班室, role: brigade, channels: [webhook], webhook: { url: "${webhookUrl}?to=brigade-desk", secret: ${WEBHOOK_SECRET} } }
  register:
    fromAlerts:
      - { rules: [level.low, level.low_warning], afterHours: 24, category: automatic_facilities, severity: major, deadlineDays: 4 }
    verify:
      - { rules: [level.low, level.low_warning], holdHours: 24, metric: level_m, above: 1.1 }
    escalation: { graceWorkingDays: 1, supervisor: 浦东新区消防救援支队, notify: [brigade-desk] }`

const scenario = (webhookUrl: string) => `
name: tank-hazard
description: a roof tank drained before the holidays, refilled after them
site:${site(webhookUrl)}
start: "2026-09-24T10:00:00+08:00"
duration: 16d3h
devices:
  - { id: tank, params: { reportSec: 600, activeSec: 600 } }
timeline:
  - { at: 1h, device: tank, do: drain, rate: 2, to: 0.8 }
  # 8 Oct 10:00: the refill valve is fixed.
  - { at: 14d, device: tank, do: fill, rate: 1.5, to: 2.6 }
expect:
  - opens: { class: warning, rule: level.low_warning, device: tank }
    within: [1h30m, 2h30m]
`

const actor = (name: string, role: 'brigade' | 'manager') => ({
  name,
  role,
  buildings: role === 'brigade' ? null : new Set(['tower-a']),
})
const mgrA = actor('mgr-a', 'manager')
const mgrA2 = actor('mgr-a2', 'manager')
const brigade = actor('brigade', 'brigade')
const iso = (ms: number) => new Date(ms).toISOString()

let r: RegisterRun

beforeAll(async () => {
  r = await runWithRegister(scenario, [
    {
      at: '2026-10-08T09:30',
      name: 'assign',
      act: (reg) =>
        reg.hazards.step(mgrA, 1, 'assign', {
          responsibleContact: 'zhou-min',
          watcher: '保安王师傅',
          deadline: '2026-10-12',
        }),
    },
    {
      at: '2026-10-08T09:40',
      name: 'start',
      act: (reg) => reg.hazards.step(mgrA, 1, 'start', { plan: '修复浮球阀，补水' }),
    },
    { at: '2026-10-08T11:00', name: 'submit', act: (reg) => reg.hazards.step(mgrA2, 1, 'submit', {}) },
    {
      at: '2026-10-08T12:00',
      name: 'verify-too-soon',
      act: (reg) => reg.hazards.step(brigade, 1, 'verify', {}),
    },
    {
      at: '2026-10-09T10:20',
      name: 'verify-alert-in-window',
      act: (reg) => reg.hazards.step(brigade, 1, 'verify', {}),
    },
    {
      at: '2026-10-09T12:00',
      name: 'verify-held',
      act: (reg) => reg.hazards.step(brigade, 1, 'verify', { note: '液位已恢复 24 小时' }),
    },
  ])
}, 300_000)
afterAll(async () => r?.close())

describe('a drained tank in the register, in virtual time', () => {
  it('When the low level outlives 24 h, then one hazard is raised from it, linked to the tank and its alert, due 4 days later', () => {
    expect(r.run.missed).toEqual([])
    expect(r.run.notes).toEqual([])
    const hazards = r.register.store.list({ buildings: null, limit: 10 })
    expect(hazards).toHaveLength(1)
    const h = hazards[0]!
    const alert = r.run.alerts.find((a) => a.id === h.alert_id)!
    expect(alert.rule).toBe('level.low_warning')
    expect(h).toMatchObject({
      source: 'sensor',
      severity: 'major',
      devices: '["tank"]',
      rules: '["level.low_warning"]',
    })
    // Raised with 4 days to rectify; assigned a new deadline (12 Oct) after supervision began.
    const lines = r.register.store.trailOf(h.id).map((l) => `${l.action} ${l.note ?? ''}`)
    expect(lines).toContain('overdue deadline 2026-09-29 passed')
    expect(lines).toContain(
      'assigned responsible: 周敏, watcher: 保安王师傅, deadline: 2026-10-12, was 2026-09-29',
    )
    // The first run of the 5-minute job once the alert was 24 h old.
    const opened = Date.parse(alert.openedAt)
    expect(h.reported_at).toBeGreaterThanOrEqual(opened + 24 * 3_600_000)
    expect(h.reported_at).toBeLessThan(opened + 24 * 3_600_000 + 5 * 60_000)
  })

  it('When its deadline comes and goes, then reminders, "overdue" and supervision reach people at 09:00 local, supervision after the holiday week', () => {
    const got = r.webhook.deliveries.map(
      (d) => `${d.body.alert.type} ${iso(d.timestamp * 1000)} ${d.idempotencyKey.split(':').at(-1)}`,
    )
    const type = (t: string) => got.filter((g) => g.startsWith(t))
    expect(type('hazard_reminder')).toEqual([
      'hazard_reminder 2026-09-26T01:00:00.000Z li-wei',
      'hazard_reminder 2026-09-28T01:00:00.000Z li-wei',
      'hazard_reminder 2026-09-29T01:00:00.000Z li-wei',
      // The new deadline of 12 Oct, 3 days before: the responsible person now hears too.
      'hazard_reminder 2026-10-09T01:00:00.000Z zhou-min',
      'hazard_reminder 2026-10-09T01:00:00.000Z li-wei',
    ])
    // The deadline, 29 Sep, ended at midnight: flagged then, told at 09:00 on the 30th.
    expect(type('hazard_overdue')).toEqual(['hazard_overdue 2026-09-30T01:00:00.000Z li-wei'])
    // 30 Sep is the working day of grace; 1-7 Oct are the National Day holiday: 8 Oct, 09:00.
    expect(type('hazard_escalated').sort()).toEqual([
      'hazard_escalated 2026-10-08T01:00:00.000Z brigade-desk',
      'hazard_escalated 2026-10-08T01:00:00.000Z li-wei',
    ])
    const escalated = r.webhook.deliveries.find((d) => d.body.alert.type === 'hazard_escalated')!
    expect(escalated.body.text).toBe(
      '隐患 HZ-2026-0001（A座：水箱水位偏低：A座 32层 roof，屋顶水箱，水位 0.801 m（自9月24日 11:59起持续超过 24 小时））' +
        '已由浦东新区消防救援支队市级挂牌督办。 http://firewatch.test/#hazard-1',
    )
    const trail = r.register.store.trailOf(1)
    const overdue = trail.find((l) => l.action === 'overdue')!
    expect(iso(overdue.at)).toBe('2026-09-29T16:00:00.000Z')
    const supervised = trail.find((l) => l.action === 'escalated')!
    expect([iso(supervised.at), supervised.actor]).toEqual(['2026-10-08T01:00:00.000Z', 'system'])
  })

  it('When the brigade verifies too soon, then it is refused with the evidence; after 24 h above the line, it is closed', () => {
    const soon = r.steps.get('verify-too-soon') as StepOutcome
    expect(soon).toEqual({ refused: 'not-verified' })
    expect(r.steps.get('verify-alert-in-window')).toEqual({ refused: 'not-verified' })
    const held = r.steps.get('verify-held') as StepOutcome & { row: { state: string; closed_at: number } }
    expect(held.row.state).toBe('closed')
    expect(iso(held.row.closed_at)).toBe('2026-10-09T04:00:00.000Z')
    const trail = r.register.store.trailOf(1)
    const checks = trail.filter((l) => l.action === 'sensor').map((l) => `${iso(l.at)} ${l.note}`)
    expect(checks).toContain('2026-10-08T04:00:00.000Z linked devices have not held normal yet')
    expect(checks.at(-1)).toBe('2026-10-09T04:00:00.000Z linked devices held normal for the hold time')
    const evidence = JSON.parse(r.register.store.get(1)!.verification!)
    expect(evidence).toMatchObject({
      held: true,
      holdHours: 24,
      window: { from: '2026-10-08T04:00:00.000Z' },
    })
    expect(evidence.devices[0]).toMatchObject({ device: 'tank', held: true, alert: null, reason: null })
    expect(evidence.devices[0].reported.withReadings).toBe(evidence.devices[0].reported.intervals)
    expect(evidence.devices[0].metric.breaches).toBe(0)
    expect(evidence.devices[0].metric.min).toBeGreaterThan(1.1)
  })
})
