import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EN } from '../../gateway/web/src/i18n-en.ts'
import { ZH_CN } from '../../gateway/web/src/i18n-zh-cn.ts'
import { ROOT } from '../support/paths.ts'

const WEB = join(ROOT, 'gateway/web')
const CATALOGUES = new Set(['i18n-en.ts', 'i18n-zh-cn.ts'])

/** The wall's code and page, without the catalogues themselves. */
function wallSources(): string {
  const src = join(WEB, 'src')
  const code = readdirSync(src)
    .filter((f) => f.endsWith('.ts') && !CATALOGUES.has(f))
    .map((f) => readFileSync(join(src, f), 'utf8'))
  return [...code, readFileSync(join(WEB, 'index.html'), 'utf8')].join('\n')
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('sensor wall catalogue', () => {
  it('When the wall is built, then every catalogue key is used in its code or page', () => {
    const sources = wallSources()
    // Keys are written out in full (key maps, not `status.${s}`), so a plain search finds each use.
    const unused = Object.keys(EN).filter(
      (key) =>
        !sources.includes(`'${key}'`) &&
        !sources.includes(`data-i18n="${key}"`) &&
        !sources.includes(`data-i18n-label="${key}"`),
    )
    expect(unused).toEqual([])
  })

  it('When a key is in one language, then it is in the other, non-empty, with the same placeholders', () => {
    expect(Object.keys(ZH_CN).sort()).toEqual(Object.keys(EN).sort())
    for (const [key, text] of Object.entries(EN)) {
      const zh = ZH_CN[key as keyof typeof EN]
      expect(text.trim(), key).not.toBe('')
      expect(zh.trim(), key).not.toBe('')
      expect(placeholders(zh), key).toEqual(placeholders(text))
    }
  })

  it('When the wall is in Chinese, then it uses the words of Chinese fire-control rooms', () => {
    expect([ZH_CN['class.fire'], ZH_CN['class.warning'], ZH_CN['class.supervisory']]).toEqual([
      '火警',
      '预警',
      '监管',
    ])
    expect([ZH_CN['class.fault'], ZH_CN['class.offline']]).toEqual(['故障', '离线'])
    expect([
      ZH_CN['colour.red'],
      ZH_CN['colour.yellow'],
      ZH_CN['colour.grey'],
      ZH_CN['colour.green'],
    ]).toEqual(['红', '黄', '灰', '绿'])
    expect([ZH_CN['floor.above'], ZH_CN['floor.below']]).toEqual(['{n}层', '负{n}层'])
  })

  it('When a data-i18n key is in the page, then the catalogue has it', () => {
    const html = readFileSync(join(WEB, 'index.html'), 'utf8')
    const keys = [...html.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)].map((m) => m[1]!)
    expect(keys.length).toBeGreaterThan(5)
    expect(keys.filter((k) => !(k in EN))).toEqual([])
  })
})
