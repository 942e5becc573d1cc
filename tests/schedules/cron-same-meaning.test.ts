import { describe, expect, it } from 'vitest'
import { activeWatches } from '../../alerting/schedules/watch-periods.ts'
import { WindowSchedule } from '../../alerting/windows/window-schedule.ts'
import { watchEstate } from './watch-estate.ts'

// One cron reader (ingest/site/cron-expression.ts) for the whole site file: an expression written as a
// heightened watch's start and as a scheduled test window's start means the same minutes.

const utc = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString()
const MINUTE = 60_000

function site(timezone: string, cron: string) {
  return watchEstate(
    timezone,
    `    - { id: w, name: W, cron: "${cron}", hours: 0.5 }`,
    `fire:
  windows:
    schedule:
      - { id: t, building: tower-a, reason: test, cron: "${cron}", durationMin: 30 }
`,
  )
}

/** Virtual time, minute by minute: when the watch starts and when the window schedule fires. */
function startsOfBoth(timezone: string, cron: string, from: number, to: number) {
  const s = site(timezone, cron)
  const windows = new WindowSchedule(s.file.fire.windows.schedule, s.timezone)
  const watchStarts: number[] = []
  const windowStarts: number[] = []
  for (let now = from; now <= to; now += MINUTE) {
    for (const w of activeWatches(s.file.schedules.watches, now, s.timezone))
      if (w.since === now) watchStarts.push(now)
    for (const fired of windows.due(now)) windowStarts.push(fired.at)
  }
  return { watchStarts: watchStarts.map(iso), windowStarts: windowStarts.map(iso) }
}

describe('the same cron expression in a watch and in a test window', () => {
  it('When both day fields are restricted ("0 9 1 * mon"), then both start on the 1st and on Mondays, 09:00 site time', () => {
    // 2026-11-30 and 2026-12-07 are Mondays, 2026-12-01 a Tuesday; 09:00 Shanghai = 01:00 UTC.
    const { watchStarts, windowStarts } = startsOfBoth(
      'Asia/Shanghai',
      '0 9 1 * mon',
      utc('2026-11-28T00:00:00Z'),
      utc('2026-12-08T00:00:00Z'),
    )
    expect(watchStarts).toEqual([
      '2026-11-30T01:00:00.000Z',
      '2026-12-01T01:00:00.000Z',
      '2026-12-07T01:00:00.000Z',
    ])
    expect(windowStarts).toEqual(watchStarts)
  })

  it('When a step runs across a daylight-saving night, then both start at the same instants', () => {
    // New York falls back at 02:00 EDT on 2026-11-01: the local 01:xx minutes come twice.
    const { watchStarts, windowStarts } = startsOfBoth(
      'America/New_York',
      '*/45 0-3 * * *',
      utc('2026-11-01T03:00:00Z'),
      utc('2026-11-01T09:00:00Z'),
    )
    expect(watchStarts).toEqual([
      '2026-11-01T04:00:00.000Z', // 00:00 EDT
      '2026-11-01T04:45:00.000Z', // 00:45 EDT
      '2026-11-01T05:00:00.000Z', // 01:00 EDT (not again at 01:00 EST)
      '2026-11-01T05:45:00.000Z', // 01:45 EDT
      '2026-11-01T07:00:00.000Z', // 02:00 EST
      '2026-11-01T07:45:00.000Z',
      '2026-11-01T08:00:00.000Z',
      '2026-11-01T08:45:00.000Z',
    ])
    expect(windowStarts).toEqual(watchStarts)
  })

  it('When the expression has a seconds field, then the site file is refused in both places, naming the field', () => {
    const text = '0 0 9 * * 1'
    let message = ''
    try {
      site('UTC', text)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/schedules\.watches\[0\]\.cron: seconds field: not supported/)
    expect(message).toMatch(/fire\.windows\.schedule\[0\]\.cron: seconds field: not supported/)
  })
})
