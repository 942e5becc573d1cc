import { describe, expect, it } from 'vitest'
import type { AlertSignal } from '../../alerting/alert.ts'
import { createEngine } from '../../alerting/engine.ts'
import { ContactDirectory } from '../../alerting/notify/contact-directory.ts'
import { createWatchJob } from '../../alerting/schedules/watch-job.ts'
import { activeWatches } from '../../alerting/schedules/watch-periods.ts'
import { checkWatchRules } from '../../alerting/schedules/watch-tuning.ts'
import { parseWall } from '../../alerting/schedules/zone-clock.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import { fromWall, toWall } from '../../ingest/wall-clock.ts'
import { readingOf } from '../support/readings.ts'
import { NIGHT_WATCH, watchEstate } from './watch-estate.ts'

const utc = (iso: string) => Date.parse(iso)

/** A real engine on the site, driven at explicit instants; signals are collected. */
function engineOn(tz: string) {
  const s = watchEstate(tz, NIGHT_WATCH)
  const signals: AlertSignal[] = []
  const engine = createEngine({ site: s, clock: { now: () => 0 }, emit: (x) => signals.push(x) })
  const job = createWatchJob({ site: s, retune: (t) => engine.retune(t) })
  const read = (device: string, value: number, ts: number) =>
    engine.reading(readingOf(s.device(device)!, 'smoke_dbm', value, ts))
  return { engine, job, read, signals }
}

describe('heightened watch', () => {
  it('When the night watch starts at 20:00 Asia/Shanghai, then smoke.prealarm raises at 0.12 dB/m; at 06:00 it relaxes to 0.15 again', () => {
    const { job, read, signals } = engineOn('Asia/Shanghai')
    // 19:59 in Shanghai is 11:59 UTC: no watch yet, 0.12 stays below the normal 0.15.
    let now = utc('2026-11-22T11:59:00Z')
    job.run(now)
    for (let i = 0; i < 5; i++) read('smoke-a', 0.12, now + i * 5000)
    expect(signals).toEqual([])
    now = utc('2026-11-22T12:00:00Z')
    job.run(now)
    expect(
      job
        .tuning()
        .watchesOf('tower-a')
        .map((w) => w.id),
    ).toEqual(['night'])
    expect(job.tuning().watchesOf('tower-b')).toEqual([])
    read('smoke-a', 0.12, now + 1000)
    read('smoke-b', 0.12, now + 1000)
    expect(signals.map((x) => [x.type, x.device, x.rule, x.threshold])).toEqual([
      ['raise', 'smoke-a', 'smoke.prealarm', 0.1],
    ])
    // 05:59 the next morning: still on. 06:00 (22:00 UTC): off, and the normal level is back.
    job.run(utc('2026-11-22T21:59:00Z'))
    expect(job.tuning().watchesOf('tower-a')).toHaveLength(1)
    now = utc('2026-11-22T22:00:00Z')
    job.run(now)
    expect(job.tuning().watchesOf('tower-a')).toEqual([])
    // The raised pre-alarm clears below its normal clear level (0.125) after the clear hold ...
    for (let i = 0; i <= 13; i++) read('smoke-a', 0.12, now + i * 5000)
    expect(signals.map((x) => x.type)).toEqual(['raise', 'clear'])
    // ... and 0.12 no longer raises it.
    for (let i = 20; i < 40; i++) read('smoke-a', 0.12, now + i * 5000)
    expect(signals).toHaveLength(2)
  })

  it('When daylight saving ends in Europe/Berlin (25 Oct 2026), then the night watch still runs 20:00 to 06:00 local, 11 hours', () => {
    const { watches } = watchEstate('Europe/Berlin', NIGHT_WATCH).file.schedules
    const on = (iso: string) => activeWatches(watches, utc(iso), 'Europe/Berlin').map((w) => w.id)
    expect(on('2026-10-24T17:59:00Z')).toEqual([]) // 19:59 CEST
    expect(on('2026-10-24T18:00:00Z')).toEqual(['night']) // 20:00 CEST
    expect(on('2026-10-25T04:59:00Z')).toEqual(['night']) // 05:59 CET
    expect(on('2026-10-25T05:00:00Z')).toEqual([]) // 06:00 CET
    const [night] = activeWatches(watches, utc('2026-10-25T01:00:00Z'), 'Europe/Berlin')
    expect(night!.until - night!.since).toBe(11 * 3_600_000)
  })

  it('When daylight saving starts in America/New_York (8 Mar 2026), then the night is 9 hours and ends at 06:00 EDT', () => {
    const { watches } = watchEstate('America/New_York', NIGHT_WATCH).file.schedules
    const [night] = activeWatches(watches, utc('2026-03-08T08:00:00Z'), 'America/New_York')
    expect(night!.since).toBe(utc('2026-03-08T01:00:00Z')) // 20:00 EST on the 7th
    expect(night!.until).toBe(utc('2026-03-08T10:00:00Z')) // 06:00 EDT
    expect(activeWatches(watches, utc('2026-03-08T10:00:00Z'), 'America/New_York')).toEqual([])
  })

  it('When a holiday period is given as local dates, then it is on from the first day 00:00 to the end of the last day', () => {
    const holiday = `    - { id: national-day, name: National Day, from: "2026-10-01", to: "2026-10-07", escalationFactor: 0.5 }`
    const s = watchEstate('Asia/Shanghai', holiday)
    const on = (iso: string) => activeWatches(s.file.schedules.watches, utc(iso), 'Asia/Shanghai').length
    expect(on('2026-09-30T15:59:59Z')).toBe(0)
    expect(on('2026-09-30T16:00:00Z')).toBe(1)
    expect(on('2026-10-07T15:59:59Z')).toBe(1)
    expect(on('2026-10-07T16:00:00Z')).toBe(0)
    const job = createWatchJob({ site: s, retune() {} })
    job.run(utc('2026-10-03T00:00:00Z'))
    expect(job.tuning().escalationFactor('tower-b')).toBe(0.5)
  })

  it('When a watch names a rate rule or an unknown rule, then start-up checks refuse it', () => {
    const bad = `    - { id: w, name: W, from: "2026-10-01", to: "2026-10-02", rules: { pressure.rapid_drop: { threshold: 1 }, smoke.nope: { threshold: 1 } } }`
    expect(checkWatchRules(watchEstate('UTC', bad))).toEqual([
      'schedules.watches[0].rules.pressure.rapid_drop: a watch tightens threshold rules only',
      'schedules.watches[0].rules.smoke.nope: unknown rule',
    ])
  })

  it('When a watch has both a cron and a date range, or a cron without an end, then the site file is refused', () => {
    expect(() =>
      watchEstate(
        'UTC',
        `    - { id: w, name: W, cron: "0 20 * * *", from: "2026-10-01", to: "2026-10-02" }`,
      ),
    ).toThrow(/either cron/)
    expect(() => watchEstate('UTC', `    - { id: w, name: W, cron: "0 20 * * *" }`)).toThrow(/until or hours/)
    expect(() => watchEstate('UTC', `    - { id: w, name: W, cron: "not cron", hours: 2 }`)).toThrow(
      /cron expression/,
    )
    // Minutes are the unit (ingest/site/cron-expression.ts): a seconds field is refused, not ignored.
    expect(() => watchEstate('UTC', `    - { id: w, name: W, cron: "0 0 20 * * *", hours: 2 }`)).toThrow(
      /schedules\.watches\[0\]\.cron: seconds field: not supported/,
    )
    expect(() => watchEstate('UTC', `    - { id: w, name: W, cron: "0 24 * * *", hours: 2 }`)).toThrow(
      /hour field "24": 24 is out of range 0-23/,
    )
  })
})

describe('zone clock', () => {
  it('When a wall time falls in a DST gap or overlap, then fromWall picks the compatible instant', () => {
    const tz = 'Europe/Berlin'
    // 02:30 on 29 Mar 2026 does not exist (02:00 -> 03:00): 03:30 CEST = 01:30 UTC.
    expect(fromWall(parseWall('2026-03-29T02:30'), tz)).toBe(utc('2026-03-29T01:30:00Z'))
    // 02:30 on 25 Oct 2026 happens twice: the first one, 02:30 CEST = 00:30 UTC.
    expect(fromWall(parseWall('2026-10-25T02:30'), tz)).toBe(utc('2026-10-25T00:30:00Z'))
    expect(toWall(utc('2026-11-22T12:00:00Z'), 'Asia/Shanghai')).toBe(parseWall('2026-11-22T20:00'))
  })
})

describe('escalation pace', () => {
  it('When a watch with escalationFactor 0.5 is on for a building, then its policies time out twice as fast there', () => {
    const s = parseSite(`
site: { name: Pace Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 20 }
  - { id: tower-b, name: Tower B, floors: 20 }
devices: []
contacts:
  - { id: centre, name: Centre, role: monitoring_centre, channels: [sms], phone: "+8613800000000" }
escalation:
  - levels:
      - { targets: [centre], ackTimeoutSec: 600 }
      - { targets: [centre], ackTimeoutSec: 1 }
schedules:
  watches:
    - { id: holiday, name: Holiday, from: "2026-10-01", to: "2026-10-07", buildings: [tower-a], escalationFactor: 0.5 }
`)
    const job = createWatchJob({ site: s, retune() {} })
    const directory = new ContactDirectory(s, (b) => job.tuning().escalationFactor(b))
    const timeouts = (b: string) => directory.policyFor(b, 'fault')!.levels.map((l) => l.ackTimeoutSec)
    job.run(utc('2026-09-30T12:00:00Z'))
    expect(timeouts('tower-a')).toEqual([600, 1])
    job.run(utc('2026-10-01T12:00:00Z'))
    expect(timeouts('tower-a')).toEqual([300, 1])
    expect(timeouts('tower-b')).toEqual([600, 1])
  })
})
