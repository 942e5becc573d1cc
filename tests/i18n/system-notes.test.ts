import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { localisedNote } from '../../alerting/i18n/system-notes.ts'
import { loadScenario } from '../../simulators/scenario/load-scenario.ts'
import { removeRunDirs, runWithPaging } from '../scenarios/paging-harness.ts'
import { ROOT } from '../support/paths.ts'

// The gateway writes its own notes (alert history, incident timeline) in English; a Chinese reader
// gets them in Chinese. The samples are the notes exactly as alerting/notify/ and alerting/incidents/
// write them; the scenarios collect every note a real run writes, so that a new kind of note
// without its Chinese fails here.

afterAll(removeRunDirs)

const ID = '01KE6JVGEEABXQ7HWEBRM16WEM'
const SAMPLES: [string, string][] = [
  ['not notified: raised inside a test or maintenance window', '未通知：在测试或维护窗口内发生'],
  [`not notified: grouped under ${ID}`, `未通知：已归入 ${ID}`],
  [`grouped under ${ID}`, `已归入 ${ID}`],
  ['not paged: a test window', '未呼叫：测试窗口'],
  ['no working channel for li-wei', '没有可用的渠道通知 li-wei'],
  ['update: no working channel for li-wei', '更新：没有可用的渠道通知 li-wei'],
  ['all-clear queued: sms to li-wei', '解除通知待发：短信发给 li-wei'],
  [
    'sms to li-wei: folded into a digest (budget 5 per 3600 s)',
    '短信发给 li-wei：并入汇总（每3600秒最多5条）',
  ],
  ['webhook to centre: not sent (no address)', 'Webhook发给 centre：未发送（no address）'],
  [
    'sms to li-wei (level 1, send 2, attempt 1): sent, provider id SM0123',
    '短信发给 li-wei（第1级第2遍，第1次尝试）：已发送，服务商编号 SM0123',
  ],
  [
    'listed in digest sms to li-wei (level 1, send 1, attempt 1): sent, provider id SM9',
    '列入汇总短信发给 li-wei（第1级第1遍，第1次尝试）：已发送，服务商编号 SM9',
  ],
  [
    'all-clear push to li-wei (level 1, send 1): delivered (provider report)',
    '解除通知推送发给 li-wei（第1级第1遍）：已送达（服务商回执）',
  ],
  [
    'sms to li-wei (level 2, send 1, attempt 3): HTTP 503; retry in 4.5 s',
    '短信发给 li-wei（第2级第1遍，第3次尝试）：HTTP 503；4.5秒后重试',
  ],
  [
    'update sms to li-wei (level 1, send 1, attempt 9): gave up after 9 attempts (timeout)',
    '更新短信发给 li-wei（第1级第1遍，第9次尝试）：尝试9次后放弃（timeout）',
  ],
  [
    'sms to li-wei (level 1, send 1, attempt 1): failed for good (21211 invalid number)',
    '短信发给 li-wei（第1级第1遍，第1次尝试）：发送失败，不再重试（21211 invalid number）',
  ],
  [
    'sms to li-wei (level 1, send 1): undelivered (30005), channel marked bad',
    '短信发给 li-wei（第1级第1遍）：undelivered（30005），该渠道已标记为不可用',
  ],
  [
    'not acknowledged; level 2 of 3, send 1: wang-fang, security-desk',
    '未确认；第2级（共3级）第1遍：wang-fang、security-desk',
  ],
  ['escalation ended: every level was notified', '逐级上报结束：各级均已通知'],
  ['overdue: open longer than 24 h', '超期：已超过24小时未处理'],
  ['window w-7 ended (annual test)', '窗口 w-7 已结束（annual test）'],
  [`with incident ${ID} (brigade)`, `随事件 ${ID} 确认（brigade）`],
  [`resolved with incident ${ID}`, `随事件 ${ID} 解除`],
  [`merged into ${ID}`, `已并入 ${ID}`],
  [`${ID} merged into it`, `${ID} 已并入本事件`],
  ['class warning > fire: paging follows the fire policy', '类别预警→火警：按火警策略呼叫'],
  [
    'class warning > fire, paged: sms to li-wei, webhook to centre',
    '类别预警→火警，已呼叫：短信发给 li-wei、Webhook发给 centre',
  ],
  [
    'paged at +120 s: sms to engineer-on-call (folded)',
    '已呼叫（+120 秒）：短信发给 engineer-on-call（并入汇总）',
  ],
  ['update: sms to li-wei at +30 s', '更新：短信发给 li-wei（+30 秒）'],
  ['warning > fire', '预警→火警'],
  ['smoke.alarm', '感烟火警'],
  ['false_alarm; cooking; pan left on the stove', '误报（烹饪）；pan left on the stove'],
  ['real_fire', '真实火情'],
  // The details of the alerts the gateway raises itself (in their message and history).
  ['status offline and not seen for 60 s', '状态离线，已60秒未收到消息'],
  ['no message for 300 s', '已300秒未收到消息'],
  ['4 of 4 devices offline', '4个设备中4个离线'],
  ['floors 12F > 13F > B1', '涉及楼层12层→13层→负一层'],
  ['confirmed by 2 detectors + 1 circuit + 1 sprinkler branch', '由2个探测器、1个回路、1个喷淋支路确认'],
  ['confirmed by 1 detector', '由1个探测器确认'],
]

/** English glue of the gateway's notes; ids (li-wei, engineer-on-call) are removed before looking. */
const ENGLISH = /\b(to|of|for|with|into|under|level|send|paged|sent|update|queued|not|resolved|merged)\b/

describe('System notes in the reader’s language', () => {
  it('When each kind of note the gateway writes is read in Chinese, then it is Chinese', () => {
    for (const [note, zh] of SAMPLES) expect(localisedNote(note, 'zh-CN'), note).toBe(zh)
  })

  it('When a note is read in English, or a person wrote it, then it is shown as written', () => {
    for (const [note] of SAMPLES) expect(localisedNote(note, 'en')).toBe(note)
    for (const own of ['crew dispatched', 'fire out, floor vented', '已通知物业', 'paged: the duty guard'])
      expect(localisedNote(own, 'zh-CN')).toBe(own)
  })

  it('When fire, flapping and dark-floor scenarios run with paging, then every note the gateway wrote reads in Chinese', async () => {
    const left: string[] = []
    for (const name of ['kitchen-fire-spread', 'flapping-sensor', 'floor-power-loss']) {
      const scenario = loadScenario(join(ROOT, `simulators/scenarios/${name}.yaml`))
      const run = await runWithPaging(scenario, (alarm) => {
        for (const incident of alarm.alerts.incidents.active()) {
          const res = { disposition: 'real_fire' as const, cause: null, note: null }
          alarm.alerts.incidents.resolve(incident.id, 'brigade', res)
        }
      })
      // An alert's opened / repeated / cleared note is its rule's detail, not a note of the gateway.
      const written = run.notes.filter(
        (n) => n.source === 'incident' || !['opened', 'repeated', 'cleared'].includes(n.action),
      )
      expect(written.length, name).toBeGreaterThan(5)
      for (const { source, action, actor, note } of written) {
        const zh = localisedNote(note, 'zh-CN')
        // The gateway's: its own, the default note of an ack or resolve that spread from the
        // incident, and a resolved incident's disposition.
        const byGateway =
          actor === 'system' ||
          note.includes('with incident ') ||
          (source === 'incident' && action === 'resolved')
        if (!byGateway) continue
        if (zh === note || ENGLISH.test(zh.replace(/[a-z0-9]+(?:-[a-z0-9]+)+/g, '')))
          left.push(`${name}: ${note} -> ${zh}`)
      }
    }
    expect(left).toEqual([])
  })
})
