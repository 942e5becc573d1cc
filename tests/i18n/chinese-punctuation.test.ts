import { describe, expect, it } from 'vitest'
import type { Catalogue } from '../../alerting/i18n/catalogue.ts'
import { zhCN } from '../../alerting/i18n/catalogue-zh-cn.ts'
import { textsFor } from '../../alerting/schedules/schedule-texts.ts'
import { ZH_CN as WALL_ZH_CN } from '../../gateway/web/src/i18n-zh-cn.ts'
import { reportTexts } from '../../register/report-texts.ts'
import { SAMPLES } from './catalogue-samples.ts'

// Chinese texts use Chinese punctuation: full-width ，。：；！？（）、 with no space around them, and
// no ASCII , . : ; ! ? ( ) / > beside a Chinese character (a time, 14:05, or a unit, dB/m, between
// digits and letters is not punctuation). Every parameter is replaced by a Chinese character, so
// that the catalogue's own punctuation around it is what is checked.

const HAN = '某'
const ASCII_BESIDE_HAN = /\p{Script=Han}\s*[,.:;!?()/>]|[,.:;!?()/>]\s*\p{Script=Han}/u
const SPACE_BESIDE_FULL_WIDTH = /\s[，。：；！？（）、]|[，。：；！？（）、]\s/u
/** An ASCII dash between words as a separator ("火警 - A座"); a list's leading "- " is fine. */
const DASH_SEPARATOR = /\S\s+-\s+\S/u

function problems(text: string): string[] {
  const found: string[] = []
  if (ASCII_BESIDE_HAN.test(text)) found.push('ASCII punctuation beside a Chinese character')
  if (SPACE_BESIDE_FULL_WIDTH.test(text)) found.push('a space beside full-width punctuation')
  if (DASH_SEPARATOR.test(text)) found.push('an ASCII dash as a separator')
  return found
}

/** Every string in a sample made Chinese; numbers stay numbers. */
function chinese(value: unknown): unknown {
  if (typeof value === 'string') return HAN
  if (Array.isArray(value)) return value.map(chinese)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, chinese(v)]))
  return value
}

/** Every key of a catalogue as text, functions called with Chinese parameters. */
function renderChinese(catalogue: object, samples: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'string') out.set(prefix, value)
    else if (typeof value === 'function') {
      const key = prefix.split('.')[0]!
      out.set(prefix, (value as (p: unknown) => string)(chinese(samples[key])))
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v)
    }
  }
  walk('', catalogue)
  return out
}

function offenders(texts: Map<string, string>): string[] {
  return [...texts].flatMap(([key, text]) => problems(text).map((p) => `${key}: ${p}: ${text}`))
}

describe('Chinese punctuation', () => {
  it('When the checks are given bad Chinese, then each is caught', () => {
    expect(problems('火警：A座，已涉及 12层 > 13层')).toHaveLength(1)
    expect(problems('涉及 12层,13层')).toHaveLength(1)
    expect(problems('火警 - A座')).toHaveLength(1)
    expect(problems('预警 / 监管')).toHaveLength(1)
    expect(problems('已解除： 火警')).toHaveLength(1)
    expect(problems('火警 14:05：A座 12层 12-east，烟雾浓度 0.31 dB/m。确认：https://a.cn/a/x')).toEqual([])
  })

  it('When every key of the zh-CN message catalogue is rendered, then its punctuation is Chinese', () => {
    const rendered = renderChinese(zhCN satisfies Catalogue, SAMPLES)
    expect(rendered.size).toBeGreaterThan(100)
    expect(offenders(rendered)).toEqual([])
  })

  it('When the zh-CN texts of patrol checks, notices and reports are rendered, then their punctuation is Chinese', () => {
    const texts = new Map<string, string>()
    for (const [key, value] of Object.entries(textsFor('zh-CN'))) {
      if (typeof value === 'string') texts.set(key, value)
      else if (typeof value === 'function')
        texts.set(key, (value as (...a: string[]) => string)(HAN, HAN, HAN))
      else for (const [k, v] of Object.entries(value)) texts.set(`${key}.${k}`, v as string)
    }
    expect(offenders(texts)).toEqual([])
  })

  it("When the wall's zh-CN strings are read, then their punctuation is Chinese", () => {
    const texts = new Map(Object.entries(WALL_ZH_CN).map(([k, v]) => [k, v.replace(/\{\w+\}/g, HAN)]))
    expect(offenders(texts)).toEqual([])
  })

  it("When the register's zh-CN labels, lists and reports are rendered, then their punctuation is Chinese", () => {
    const { factorList: _, points, escalated, ...labels } = reportTexts('zh-CN')
    const zh = reportTexts('zh-CN')
    const texts = renderChinese(labels, {})
    texts.set('points', points(20))
    texts.set('escalated', escalated(HAN, HAN))
    // The functions that take more than a sample: a grade's factors, with and without points.
    texts.set(
      'factorList',
      zh.factorList([
        { name: HAN, count: 2, points: 12 },
        { name: HAN, count: 95, points: 0 },
      ]),
    )
    texts.set(
      'factorList.noPoints',
      zh.factorList([
        { name: HAN, count: 1 },
        { name: HAN, count: 3 },
      ]),
    )
    expect(offenders(texts)).toEqual([])
  })
})
