import { describe, expect, it } from 'vitest'
import { formatEntry } from '../../gateway/pretty-log.ts'

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: 0, module: 'limits', msg: 'connection caps', ...fields })

describe('readable log lines', () => {
  it('When an entry holds several objects, then each block is under its name', () => {
    const out = formatEntry(
      line({ http: { total: 256, perAddress: 32 }, mqtt: { total: 608, perAddress: 608 } }),
      { colours: false },
      () => '10:00:00',
    )
    expect(out.split('\n').slice(1, 7)).toEqual([
      '    http:',
      '        total: 256',
      '        perAddress: 32',
      '    mqtt:',
      '        total: 608',
      '        perAddress: 608',
    ])
  })

  it('When an entry holds one object, then its lines stand under the entry without a name', () => {
    const out = formatEntry(
      line({ sms: { locale: 'zh-CN', text: '火警' } }),
      { colours: false },
      () => '10:00:00',
    )
    expect(out.split('\n').slice(1, 3)).toEqual(['    locale: zh-CN', '    text: 火警'])
  })
})
