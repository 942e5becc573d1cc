import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatDateTime, formatShortTime } from '../../alerting/i18n/time-format.ts'
import { ROOT } from '../support/paths.ts'

// Half past midnight in Shanghai. With the `hour12` option set to false, a locale whose default clock is 12-hour
// (en = en-US) gets hour cycle h24 in older engines (Node 20, older browsers): "24:30:00". Every
// time of day the project prints asks for `hourCycle: 'h23'` instead: "00:30:00" everywhere.
const HALF_PAST_MIDNIGHT = '2026-11-22T16:30:00.000Z'

const CODE_DIRS = ['gateway', 'alerting', 'ingest', 'simulators', 'tests', 'scripts']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist' || name === 'out') return []
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|mjs|js|html)$/.test(name) ? [path] : []
  })
}

describe('24-hour clock at midnight', () => {
  it('When any code formats a time of day, then it asks for hourCycle h23, never hour12', () => {
    const offenders = CODE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))
      .filter((f) => /\bhour12\s*:/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
    expect(offenders).toEqual([])
  })

  it('When a time between 00:00 and 00:59 is shown, then it reads 00, in English and in Chinese', () => {
    expect(formatDateTime(HALF_PAST_MIDNIGHT, 'Asia/Shanghai', 'en')).toBe('23 Nov 2026, 00:30:00 GMT+8')
    expect(formatDateTime(HALF_PAST_MIDNIGHT, 'Asia/Shanghai', 'zh-CN')).toBe(
      '2026年11月23日 00:30:00（GMT+8）',
    )
    expect(formatShortTime(HALF_PAST_MIDNIGHT, 'Asia/Shanghai', 'en')).toBe('23 Nov, 00:30')
    const wallClock = {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    } as const
    for (const locale of ['en', 'en-US', 'zh-CN']) {
      expect(new Intl.DateTimeFormat(locale, wallClock).format(Date.parse(HALF_PAST_MIDNIGHT))).toBe('00:30')
    }
  })
})
