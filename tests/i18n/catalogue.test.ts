import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALERT_RULE_IDS, DERIVED_RULES } from '../../alerting/fire/fire-rule-ids.ts'
import { type Catalogue, RULE_IDS, type RuleId } from '../../alerting/i18n/catalogue.ts'
import { LOCALES } from '../../alerting/i18n/locale.ts'
import { CATALOGUES, ruleTitle } from '../../alerting/i18n/messages.ts'
import { ALL_RULE_IDS, ruleSpec } from '../../alerting/rule-catalog.ts'
import { PATROL_MISSED_RULE } from '../../alerting/schedules/patrol-checks.ts'
import { SELF_TEST_FAILED_RULE, SELF_TEST_FAILED_TITLE } from '../../alerting/self-test-rule.ts'
import { ErrorCodes } from '../../ingest/error-codes.ts'
import { ROOT } from '../support/paths.ts'
import { type FunctionKey, SAMPLES } from './catalogue-samples.ts'

/** Keys whose rendering is the same in both languages by design (names and ids only). */
const SAME_IN_BOTH = new Set<keyof Catalogue>(['place', 'incidentPlace'])
/** Keys that are not words, or only arrange the (here English) parts they are given. */
const NOT_WORDS = new Set<keyof Catalogue>([
  'htmlLang',
  'incidentTitle',
  'ellipsis',
  'place',
  'incidentPlace',
  'pushTitle',
  'floor',
  'floorPath',
  'metricLabel',
  'measured',
  'alertMessage',
  'digestLine',
])

const HAN = /\p{Script=Han}/u

/** Every key of one catalogue as text: strings as they are, records per entry, functions called. */
function render(catalogue: Catalogue): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(catalogue) as [keyof Catalogue, unknown][]) {
    if (typeof value === 'string') out.set(key, value)
    else if (typeof value === 'function') {
      out.set(key, (value as (p: unknown) => string)(SAMPLES[key as FunctionKey]))
    } else {
      for (const [sub, text] of Object.entries(value as Record<string, string>))
        out.set(`${key}.${sub}`, text)
    }
  }
  return out
}

const rendered = { en: render(CATALOGUES.en), 'zh-CN': render(CATALOGUES['zh-CN']) }

describe('Message catalogues', () => {
  it('When every key is rendered in both languages, then each gives text, with no gap and no placeholder left', () => {
    expect([...rendered['zh-CN'].keys()].sort()).toEqual([...rendered.en.keys()].sort())
    for (const locale of LOCALES) {
      for (const [key, text] of rendered[locale]) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('')
        expect(text, `${locale} ${key}`).not.toMatch(/undefined|null|\[object|NaN|\$\{/)
      }
    }
  })

  it('When a function is rendered, then every text it is given appears in the result', () => {
    for (const locale of LOCALES) {
      const catalogue = CATALOGUES[locale]
      for (const key of Object.keys(SAMPLES) as FunctionKey[]) {
        const sample = SAMPLES[key]
        if (typeof sample !== 'object') continue
        const text = (catalogue[key] as (p: unknown) => string)(sample)
        for (const [name, part] of Object.entries(sample)) {
          for (const one of [part].flat())
            expect(text, `${locale} ${key} drops ${name}`).toContain(String(one))
        }
      }
    }
  })

  it('When the Chinese catalogue is read, then every word is Chinese and differs from the English', () => {
    for (const [key, zh] of rendered['zh-CN']) {
      const top = key.split('.')[0] as keyof Catalogue
      if (SAME_IN_BOTH.has(top)) expect(zh, key).toBe(rendered.en.get(key))
      else expect(zh, key).not.toBe(rendered.en.get(key))
      if (!NOT_WORDS.has(top)) expect(zh, key).toMatch(HAN)
    }
  })

  it('When alert classes and colours are named, then they are what fire-safety staff say', () => {
    expect(CATALOGUES['zh-CN'].classNames).toEqual({
      fire: '火警',
      warning: '预警',
      supervisory: '监管',
      fault: '故障',
      offline: '离线',
    })
    expect(CATALOGUES['zh-CN'].colourWords).toEqual({ red: '红', yellow: '黄', grey: '灰', green: '绿' })
    expect(CATALOGUES.en.colourWords).toEqual({ red: 'red', yellow: 'yellow', grey: 'grey', green: 'green' })
  })

  it('When rules are titled, then every rule has a title in both languages and the English is the rule catalogue’s', () => {
    const ids = [...ALERT_RULE_IDS, PATROL_MISSED_RULE, SELF_TEST_FAILED_RULE].sort()
    expect([...RULE_IDS].sort()).toEqual(ids)
    for (const locale of LOCALES) {
      expect(Object.keys(CATALOGUES[locale].ruleTitles).sort(), locale).toEqual(ids)
    }
    for (const id of ALL_RULE_IDS)
      expect(CATALOGUES.en.ruleTitles[id as RuleId], id).toBe(ruleSpec(id)!.title)
    for (const { id, title } of DERIVED_RULES) expect(CATALOGUES.en.ruleTitles[id as RuleId], id).toBe(title)
    expect(CATALOGUES.en.ruleTitles[SELF_TEST_FAILED_RULE]).toBe(SELF_TEST_FAILED_TITLE)
    expect(ruleTitle(CATALOGUES['zh-CN'], 'smoke.alarm')).toBe('感烟火警')
    expect(ruleTitle(CATALOGUES['zh-CN'], 'site.custom_rule')).toBe('site.custom_rule')
  })

  it('When HTTP error messages are given in English, then they are the texts of the error-code list', () => {
    for (const [code, text] of Object.entries(CATALOGUES.en.httpErrors)) {
      expect(text, code).toBe(ErrorCodes[code as keyof typeof ErrorCodes])
    }
  })

  it('When the source is searched, then every catalogue key is used outside the catalogues', () => {
    const source = sourceFiles(['alerting', 'gateway'])
      .filter((f) => !/alerting\/i18n\/catalogue(-[a-z-]+)?\.ts$/.test(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n')
    // Code reads a catalogue through `m` (messagesFor), or `en` / `zhCN` where both are listed.
    const unused = Object.keys(CATALOGUES.en).filter(
      (key) => !new RegExp(`\\b(m|en|zhCN)\\.${key}\\b`).test(source),
    )
    expect(unused).toEqual([])
  })
})

describe('Floor names', () => {
  it('When floors are named, then English says B1 / 12F and Chinese 负一层 / 12层', () => {
    const en = CATALOGUES.en
    const zh = CATALOGUES['zh-CN']
    expect([-1, -2, -12, 1, 12, 88].map(en.floor)).toEqual(['B1', 'B2', 'B12', '1F', '12F', '88F'])
    expect([-1, -2, -10, -12, -20, 1, 12, 88].map(zh.floor)).toEqual([
      '负一层',
      '负二层',
      '负十层',
      '负十二层',
      '负二十层',
      '1层',
      '12层',
      '88层',
    ])
  })
})

function sourceFiles(dirs: string[]): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      const rel = relative(ROOT, path)
      if (rel.startsWith('gateway/web') || name === 'node_modules') continue
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.ts')) out.push(path)
    }
  }
  for (const dir of dirs) walk(join(ROOT, dir))
  return out
}
