import type { AlertClass } from '../alert.ts'
import type { DispositionKind, FalseAlarmCause } from '../incidents/incident.ts'
import type { Locale } from './locale.ts'
import { messagesFor, ruleTitle } from './messages.ts'

// The notes the gateway itself writes in an alert's history and an incident's timeline ("sms to
// li-wei (level 1, send 1, attempt 1): sent, provider id SM1") are stored once, in English, as the
// API has always returned them. A person reads them in their own language: the wall (and any other
// reader) passes each note through localisedNote. A note nobody's pattern matches (one a person
// typed) is theirs and is shown as written. Pure TypeScript: the wall imports it.

type Zh = (m: RegExpMatchArray) => string

const CHANNELS: Readonly<Record<string, string>> = { sms: '短信', push: '推送', webhook: 'Webhook' }
const KINDS: Readonly<Record<string, string>> = { digest: '汇总', 'all-clear': '解除通知', update: '更新' }
const CLASSES = new Set<string>(['fire', 'warning', 'supervisory', 'fault', 'offline'])
const DISPOSITIONS: Readonly<Record<DispositionKind, string>> = {
  real_fire: '真实火情',
  false_alarm: '误报',
  test: '测试',
  unknown: '不明',
}
const CAUSES: Readonly<Record<FalseAlarmCause, string>> = {
  cooking: '烹饪',
  steam: '水蒸气',
  dust: '粉尘',
  smoking: '吸烟',
  insects: '昆虫',
  fault: '设备故障',
  other: '其他',
}

/** "sms to li-wei (level 1, send 2, attempt 3)", an all-clear's "all-clear sms to …": one send. */
const SEND = String.raw`(?:(digest|all-clear|update) )?(sms|push|webhook) to (\S+) \(level (\d+), send (\d+)(?:, attempt (\d+))?\)`
/** "sms to li-wei" with what may follow it in a list: " (folded)", " at +30 s". */
const ITEM = /^(sms|push|webhook) to (\S+?)( \(folded\))?(?: at \+(\d+) s)?$/

/** 短信发给 li-wei（第1级第2遍，第3次尝试）. */
function send(m: RegExpMatchArray, at = 1): string {
  const [kind, channel, contact, level, repeat, attempt] = m.slice(at, at + 6)
  const what = `${kind ? KINDS[kind]! : ''}${CHANNELS[channel!]}发给 ${contact}`
  return `${what}（第${level}级第${repeat}遍${attempt ? `，第${attempt}次尝试` : ''}）`
}

/** "sms to li-wei, webhook to centre" → "短信发给 li-wei、Webhook发给 centre"; null if any is not one. */
function items(list: string): string | null {
  const out: string[] = []
  for (const one of list.split(', ')) {
    const m = ITEM.exec(one)
    if (!m) return null
    const [, channel, contact, folded, after] = m
    out.push(
      `${CHANNELS[channel!]}发给 ${contact}${folded ? '（并入汇总）' : ''}${after ? `（+${after} 秒）` : ''}`,
    )
  }
  return out.join('、')
}

/** "12F > 13F > B1" → 12层→13层→负一层. */
function floorPath(labels: string): string {
  const m = messagesFor('zh-CN')
  const floors = labels
    .split(' > ')
    .map((l) => (l.startsWith('B') ? -Number(l.slice(1)) : Number.parseInt(l, 10)))
  return m.floorPath({ floors: floors.map((f) => m.floor(f)) })
}

const SOURCES: Readonly<Record<string, string>> = {
  detector: '个探测器',
  circuit: '个回路',
  'sprinkler branch': '个喷淋支路',
}

/** "2 detectors + 1 circuit + 1 sprinkler branch" → 由2个探测器、1个回路、1个喷淋支路确认. */
function confirmedBy(list: string): string | null {
  const out: string[] = []
  for (const part of list.split(' + ')) {
    const m = /^(\d+) (detector|circuit|sprinkler branch)(?:s|es)?$/.exec(part)
    if (!m) return null
    out.push(`${m[1]}${SOURCES[m[2]!]}`)
  }
  return `由${out.join('、')}确认`
}

function classWord(cls: string): string {
  return messagesFor('zh-CN').classNames[cls as AlertClass] ?? cls
}

const PATTERNS: readonly (readonly [RegExp, Zh])[] = [
  // Paging and sending (alerting/notify/).
  [/^not notified: raised inside a test or maintenance window$/, () => '未通知：在测试或维护窗口内发生'],
  [/^not notified: grouped under (\S+)$/, (m) => `未通知：已归入 ${m[1]}`],
  [/^not paged: a test window$/, () => '未呼叫：测试窗口'],
  [/^no working channel for (\S+)$/, (m) => `没有可用的渠道通知 ${m[1]}`],
  [/^update: no working channel for (\S+)$/, (m) => `更新：没有可用的渠道通知 ${m[1]}`],
  [/^all-clear: no working channel for (\S+)$/, (m) => `解除通知：没有可用的渠道通知 ${m[1]}`],
  [/^no channel left for (\S+)$/, (m) => `已没有渠道可通知 ${m[1]}`],
  [/^all-clear queued: (sms|push|webhook) to (\S+)$/, (m) => `解除通知待发：${CHANNELS[m[1]!]}发给 ${m[2]}`],
  [
    /^(sms|push|webhook) to (\S+): folded into a digest \(budget (\d+) per (\d+) s\)$/,
    (m) => `${CHANNELS[m[1]!]}发给 ${m[2]}：并入汇总（每${m[4]}秒最多${m[3]}条）`,
  ],
  [
    /^(sms|push|webhook) to (\S+): not sent \((.*)\)$/,
    (m) => `${CHANNELS[m[1]!]}发给 ${m[2]}：未发送（${m[3]}）`,
  ],
  [
    new RegExp(`^listed in ${SEND}: sent, provider id (\\S+)$`),
    (m) => `列入${send(m)}：已发送，服务商编号 ${m[7]}`,
  ],
  [new RegExp(`^${SEND}: sent, provider id (\\S+)$`), (m) => `${send(m)}：已发送，服务商编号 ${m[7]}`],
  [new RegExp(`^${SEND}: delivered \\(provider report\\)$`), (m) => `${send(m)}：已送达（服务商回执）`],
  [
    new RegExp(`^${SEND}: gave up after (\\d+) attempts \\((.*)\\)$`),
    (m) => `${send(m)}：尝试${m[7]}次后放弃（${m[8]}）`,
  ],
  [new RegExp(`^${SEND}: failed for good \\((.*)\\)$`), (m) => `${send(m)}：发送失败，不再重试（${m[7]}）`],
  [new RegExp(`^${SEND}: (.*); retry in ([\\d.]+) s$`), (m) => `${send(m)}：${m[7]}；${m[8]}秒后重试`],
  [
    new RegExp(`^${SEND}: (\\S+) \\((.*)\\)(, channel marked bad)?$`),
    (m) => `${send(m)}：${m[7]}（${m[8]}）${m[9] ? '，该渠道已标记为不可用' : ''}`,
  ],
  // Escalation and overdue items.
  [
    /^not acknowledged; level (\d+) of (\d+), send (\d+): (.*)$/,
    (m) => `未确认；第${m[1]}级（共${m[2]}级）第${m[3]}遍：${m[4]!.split(', ').join('、')}`,
  ],
  [/^escalation ended: every level was notified$/, () => '逐级上报结束：各级均已通知'],
  [/^overdue: open longer than ([\d.]+) h$/, (m) => `超期：已超过${m[1]}小时未处理`],
  // Incidents and test windows.
  [/^window (\S+) ended \((.*)\)$/, (m) => `窗口 ${m[1]} 已结束（${m[2]}）`],
  [/^resolved with incident (\S+)$/, (m) => `随事件 ${m[1]} 解除`],
  [/^with incident (\S+) \((.+)\)$/, (m) => `随事件 ${m[1]} 确认（${m[2] === 'system' ? '系统' : m[2]}）`],
  [/^with incident (\S+)$/, (m) => `随事件 ${m[1]} 确认`],
  [/^grouped under (\S+)$/, (m) => `已归入 ${m[1]}`],
  [/^merged into (\S+)$/, (m) => `已并入 ${m[1]}`],
  [/^(\S+) merged into it$/, (m) => `${m[1]} 已并入本事件`],
  // The details the gateway gives the alerts it raises itself (offline, floor, spread, confirmed).
  [/^status offline and not seen for (\d+(?:\.\d+)?) s$/, (m) => `状态离线，已${m[1]}秒未收到消息`],
  [/^no message for (\d+(?:\.\d+)?) s$/, (m) => `已${m[1]}秒未收到消息`],
  [/^(\d+) of (\d+) devices offline$/, (m) => `${m[2]}个设备中${m[1]}个离线`],
  [/^floors ((?:B?\d+F?)(?: > B?\d+F?)*)$/, (m) => `涉及楼层${floorPath(m[1]!)}`],
  [/^confirmed by (.+)$/, (m) => confirmedBy(m[1]!) ?? m[0]],
  [
    /^class (\w+) > (\w+): paging follows the (\w+) policy$/,
    (m) => `类别${classWord(m[1]!)}→${classWord(m[2]!)}：按${classWord(m[3]!)}策略呼叫`,
  ],
]

/** "paged", "paged at +30 s", "class warning > fire, paged", "update", "all-clear": then a list of sends. */
const LISTS: readonly (readonly [RegExp, Zh])[] = [
  [/^paged$/, () => '已呼叫'],
  [/^paged at \+(\d+) s$/, (m) => `已呼叫（+${m[1]} 秒）`],
  [/^class (\w+) > (\w+), paged$/, (m) => `类别${classWord(m[1]!)}→${classWord(m[2]!)}，已呼叫`],
  [/^update$/, () => '更新'],
  [/^all-clear$/, () => '解除通知'],
]

/** A note the gateway wrote, in `locale`; a note it did not write (a person's) is returned as is. */
export function localisedNote(note: string, locale: Locale): string {
  if (locale === 'en') return note
  for (const [re, zh] of PATTERNS) {
    const m = re.exec(note)
    if (m) return zh(m)
  }
  return listNote(note) ?? dispositionNote(note) ?? shortNote(note) ?? note
}

/** A resolved incident's "false_alarm; cooking; pan left on": its disposition, cause, then the note. */
function dispositionNote(note: string): string | null {
  const [kind, ...rest] = note.split('; ')
  const word = (DISPOSITIONS as Readonly<Record<string, string | undefined>>)[kind!]
  if (word === undefined) return null
  const cause = (CAUSES as Readonly<Record<string, string | undefined>>)[rest[0] ?? '']
  if (cause !== undefined) rest.shift()
  return [`${word}${cause ? `（${cause}）` : ''}`, ...rest].join('；')
}

/** "paged: sms to li-wei, webhook to centre" and the like. */
function listNote(note: string): string | null {
  const colon = note.indexOf(': ')
  if (colon < 0) return null
  const head = note.slice(0, colon)
  const list = items(note.slice(colon + 2))
  if (list === null) return null
  for (const [re, zh] of LISTS) {
    const m = re.exec(head)
    if (m) return `${zh(m)}：${list}`
  }
  return null
}

/** An incident timeline's rule id (opened, member added) or class change ("warning > fire"). */
function shortNote(note: string): string | null {
  const m = messagesFor('zh-CN')
  const title = ruleTitle(m, note)
  if (title !== note) return title
  const change = /^(\w+) > (\w+)$/.exec(note)
  if (change && CLASSES.has(change[1]!) && CLASSES.has(change[2]!))
    return `${classWord(change[1]!)}→${classWord(change[2]!)}`
  return null
}
