// The words of patrol checks, overdue notices and reports, in the site's two locales. One table of
// this feature's own (the alert message catalogues are another piece of work); a missing entry
// is a compile error, because every locale has the same keys.

export type Locale = 'en' | 'zh-CN'

const en = {
  patrolCheck: (name: string, by: string) =>
    `Firewatch patrol check ${name}: confirm you are on duty by ${by}.`,
  patrolMissed: (sent: string, sec: number, who: string) =>
    `patrol check sent ${sent} not confirmed within ${sec} s by ${who}`,
  overdue: (message: string, hours: number) => `Overdue (open more than ${hours} h): ${message}`,
  dailyTitle: 'Daily fire-safety report',
  monthlyTitle: 'Monthly fire-safety report',
  building: 'Building',
  period: 'Period',
  generatedAt: 'Generated',
  alertsByClass: 'Alerts opened, by class',
  class: 'Class',
  count: 'Count',
  openFaults: 'Faults still open',
  openFor: 'Open for',
  openSince: 'Open since',
  device: 'Device',
  location: 'Location',
  message: 'Message',
  devicesOffline: 'Devices offline',
  testsDone: 'Device tests done',
  patrolChecks: 'Duty patrol checks (sent / confirmed in time / missed)',
  overdueItems: 'Overdue items (hazards past their deadline)',
  deadline: 'Deadline',
  watches: 'Heightened watch periods',
  none: 'None',
  hours: 'h',
  classes: {
    fire: 'fire',
    warning: 'warning',
    supervisory: 'supervisory',
    fault: 'fault',
    offline: 'offline',
  },
}

const zhCN: typeof en = {
  patrolCheck: (name, by) => `Firewatch 查岗 ${name}：请在 ${by} 前确认在岗。`,
  patrolMissed: (sent, sec, who) => `${sent} 发出的查岗在 ${sec} 秒内未被 ${who} 确认`,
  overdue: (message, hours) => `超期未处理（超过 ${hours} 小时）：${message}`,
  dailyTitle: '消防安全日报',
  monthlyTitle: '消防安全月报',
  building: '建筑',
  period: '统计周期',
  generatedAt: '生成时间',
  alertsByClass: '新增告警（按类别）',
  class: '类别',
  count: '数量',
  openFaults: '未处理故障',
  openFor: '已持续',
  openSince: '发生时间',
  device: '设备',
  location: '位置',
  message: '内容',
  devicesOffline: '离线设备',
  testsDone: '设备测试次数',
  patrolChecks: '查岗（发出、按时确认、未确认）',
  overdueItems: '超期隐患',
  deadline: '期限',
  watches: '加强值守时段',
  none: '无',
  hours: '小时',
  classes: { fire: '火警', warning: '预警', supervisory: '监管', fault: '故障', offline: '离线' },
}

export type ScheduleTexts = typeof en

const TEXTS: Record<Locale, ScheduleTexts> = { en, 'zh-CN': zhCN }

export function textsFor(locale: Locale): ScheduleTexts {
  return TEXTS[locale]
}
