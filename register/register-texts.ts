// The words of the register's notices, in the site's two languages (a missing entry is a compile
// error: both locales have the same keys). Report and list labels are in report-texts.ts.

export type Locale = 'en' | 'zh-CN'

const LEVEL_EN = { street: 'street-level', district: 'district-level', city: 'city-level' }
const LEVEL_ZH = { street: '街道级', district: '区级', city: '市级' }

const en = {
  reminder: (code: string, what: string, deadline: string) =>
    `Hazard ${code} (${what}) is due for rectification by ${deadline}.`,
  overdue: (code: string, what: string, deadline: string) =>
    `Hazard ${code} (${what}) missed its deadline ${deadline}: overdue.`,
  escalated: (code: string, what: string, level: keyof typeof LEVEL_EN | null, body: string) =>
    `Hazard ${code} (${what}) is under ${level ? LEVEL_EN[level] : ''} supervised rectification by ${body}.`,
  raised: (code: string, what: string, deadline: string) =>
    `New hazard ${code} from a sensor condition: ${what}. Rectify by ${deadline}.`,
  monthly: (scope: string, month: string) => `Monthly fire-safety progress report ${scope} ${month}.`,
  what: (building: string, description: string) => `${building}: ${description}`,
  longOpen: (message: string, since: string, hours: number) =>
    `${message} (open since ${since}, more than ${hours} h)`,
  defaultSupervisor: 'the local fire and rescue authority',
  level: LEVEL_EN,
}

const zhCN: typeof en = {
  reminder: (code, what, deadline) => `隐患 ${code}（${what}）整改期限为 ${deadline}，请按期完成。`,
  overdue: (code, what, deadline) => `隐患 ${code}（${what}）已超过整改期限 ${deadline}，已逾期。`,
  escalated: (code, what, level, body) =>
    `隐患 ${code}（${what}）已由${body}${level ? LEVEL_ZH[level] : ''}挂牌督办。`,
  raised: (code, what, deadline) => `传感器状态转为隐患 ${code}：${what}。整改期限 ${deadline}。`,
  monthly: (scope, month) => `消防安全工作月报 ${scope} ${month}。`,
  what: (building, description) => `${building}：${description}`,
  longOpen: (message, since, hours) => `${message}（自${since}起持续超过 ${hours} 小时）`,
  defaultSupervisor: '属地消防救援机构',
  level: LEVEL_ZH,
}

const TEXTS: Record<Locale, typeof en> = { en, 'zh-CN': zhCN }

export function registerTexts(locale: Locale): typeof en {
  return TEXTS[locale]
}
