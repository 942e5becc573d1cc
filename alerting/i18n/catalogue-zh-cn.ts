import type { Catalogue } from './catalogue.ts'

// Simplified Chinese, as fire-safety staff in China say it (docs/rules.md, "Signal classes":
// 火警、预警、监管、故障、离线), with Chinese punctuation: full-width ，。：；（）、 and no space around
// them (tests/i18n/chinese-punctuation.test.ts). Chinese SMS are UCS-2 anyway, so full-width
// punctuation costs nothing extra.

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1..99 in Chinese numerals: 一, 十, 十二, 二十, 二十一 (basements only go to 20). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n)
  const tens = Math.floor(n / 10)
  const ones = n % 10
  const head = tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS[tens]}十`
  return head + (ones === 0 ? '' : DIGITS[ones])
}

export const zhCN: Catalogue = {
  htmlLang: 'zh-CN',
  classNames: { fire: '火警', warning: '预警', supervisory: '监管', fault: '故障', offline: '离线' },
  classWords: { fire: '火警', warning: '预警', supervisory: '监管', fault: '故障', offline: '离线' },
  colourWords: { green: '绿', grey: '灰', yellow: '黄', red: '红' },
  statusWords: { green: '正常', grey: '离线', yellow: '异常', red: '火警' },
  stateNames: { open: '未确认', acknowledged: '已确认', resolved: '已解除' },
  ruleTitles: {
    'device.fire_alarm': '设备火警',
    'device.fault': '设备故障',
    'device.tamper': '设备被拆或防拆报警',
    'battery.low': '电池电量低',
    'device.offline': '设备离线',
    'smoke.prealarm': '烟雾预警',
    'smoke.alarm': '感烟火警',
    'pressure.low_warning': '水压低于稳压设定值',
    'pressure.low': '水压低于规范最低值',
    'pressure.high': '水压高于设计工作压力',
    'pressure.rapid_drop': '水压骤降',
    'sensor.range': '传感器读数超量程',
    'level.low_warning': '水箱水位偏低',
    'level.low': '水箱水位低于有效容积',
    'level.high': '水箱水位过高（溢流）',
    'residual_current.warning': '剩余电流偏高',
    'residual_current.alarm': '剩余电流报警',
    'cable_temp.warning': '线缆温度偏高',
    'cable_temp.alarm': '线缆温度报警',
    'cable_temp.rise': '线缆温度快速上升',
    'cable_temp.imbalance': '线缆相间温差过大',
    'residual_current.jump': '剩余电流突变',
    'sprinkler.flow': '喷淋水流报警',
    'panel.fire': '控制器火警',
    'panel.fault': '部件故障',
    'panel.power_fault': '部件电源故障',
    'panel.supervisory': '监管报警',
    'panel.operated': '启动或反馈',
    'panel.delayed': '延时',
    'uitd.offline': '用户信息传输装置离线',
    'uitd.patrol_missed': '消防控制室查岗未应答',
    'uitd.fault': '用户信息传输装置故障',
    'fire.confirmed': '火警确认（多探测器）',
    'fire.spread': '火势跨楼层蔓延',
    'floor.offline': '整层离线',
    'duty.patrol_missed': '查岗未应答',
    'self_test.failed': '网关自检失败',
  },
  // 负一层 for the first basement, 12层 for the twelfth floor.
  floor: (n) => (n < 0 ? `负${chineseNumeral(-n)}层` : `${n}层`),
  place: (p) => `${p.building} ${p.floor} ${p.zone}`,
  metricNames: {
    smoke_dbm: '烟雾浓度',
    temperature_c: '温度',
    pressure_mpa: '水压',
    level_m: '水位',
    residual_current_ma: '剩余电流',
    battery_pct: '电池电量',
    rssi_dbm: '信号强度',
    event_count: '事件计数',
    time_s: '时间',
    gas_lel_pct: '可燃气体浓度',
    voltage_v: '电压',
    current_a: '电流',
    flow_lps: '流量',
    air_volume_m3min: '风量',
    wind_speed_mps: '风速',
  },
  channelMetricNames: {
    smoke_dbm: '烟雾浓度',
    temperature_c: '线缆温度',
    pressure_mpa: '水压',
    level_m: '水位',
    residual_current_ma: '剩余电流',
    battery_pct: '电池电量',
    rssi_dbm: '信号强度',
    event_count: '事件计数',
    time_s: '时间',
    gas_lel_pct: '可燃气体浓度',
    voltage_v: '电压',
    current_a: '电流',
    flow_lps: '流量',
    air_volume_m3min: '风量',
    wind_speed_mps: '风速',
  },
  channelNames: { main: '主回路' },
  metricLabel: (p) => (p.channel ? `${p.quantity}（${p.channel}）` : p.quantity),
  // A value is named in Chinese prose: 烟雾浓度 0.31 dB/m, 线缆温度（L1）72.5 °C.
  measured: (p) => {
    if (p.quantity === null) return `${p.value} ${p.unit}`
    return p.channel
      ? `${p.quantity}（${p.channel}）${p.value} ${p.unit}`
      : `${p.quantity} ${p.value} ${p.unit}`
  },
  alertMessage: (p) =>
    `${p.title}：${p.place}${p.label !== null ? `，${p.label}` : ''}${p.measured ? `，${p.measured}` : ''}${p.detail ? `，${p.detail}` : ''}`,
  incidentTitle: (p) => `${p.type}：${p.place}，${p.label}`,
  incidentTitleFloors: (p) => `${p.type}：${p.building}，已涉及${p.floors}`,
  floorPath: (p) => p.floors.join('→'),
  scopeFloors: (p) => `涉及${p.floors.join('、')}`,
  scopeDevices: (p) => `${p.count}个设备`,
  ellipsis: '…',
  smsAlert: (p) => {
    const parts = [p.title, p.place, p.label].filter((x) => x !== null).join('，')
    return `${p.type}${p.time ? ` ${p.time}` : ''}：${parts}${p.measured ? `（${p.measured}）` : ''}。确认：${p.link}`
  },
  smsAllClear: (p) =>
    `已解除${p.time ? ` ${p.time}` : ''}：${p.type}，${p.place}${p.label === null ? '' : `，${p.label}`}。`,
  allClearType: (p) => `${p.type}已解除`,
  smsUpdate: (p) =>
    `${p.type}更新 ${p.time}：${p.news ? `${p.news}，` : ''}${p.place}${p.label ? `，${p.label}` : ''}。确认：${p.link}`,
  updatePlace: (p) => `${p.building}，已涉及${p.floors}`,
  updateType: (p) => `${p.type}更新`,
  incidentPlace: (p) => `${p.building} ${p.floors}`,
  pushTitle: (p) => `${p.type}：${p.building}`,
  digestHeader: (p) =>
    `Firewatch 汇总：暂缓发送 ${p.count} 条警情（每 ${p.minutes} 分钟最多 ${p.max} 条消息）`,
  digestLine: (p) => `- ${p.type}：${p.message}（${p.state}）`,
  digestMore: (p) => `另有 ${p.count} 条`,
  digestAck: (p) => `确认最新一条：${p.link}`,
  ackPageTitle: '确认警情',
  ackAlertTitle: '警情',
  ackFor: (p) => `接收人：${p.name}。`,
  ackAlready: (p) => `该警情${p.state}。`,
  ackStopsEscalation: '确认后将停止逐级上报。',
  ackNoteLabel: '备注（可选）',
  ackButton: '确认',
  ackDoneTitle: '已确认',
  ackThanks: (p) => `谢谢，${p.name}。已停止逐级上报。`,
  ackAlreadyTitle: '已处理',
  ackNothingChanged: (p) => `该警情此前${p.state}，未作更改。`,
  ackSpentTitle: '链接已使用',
  ackSpentLine: '每个链接只能使用一次。',
  ackExpiredTitle: '链接已过期',
  ackExpiredLine: '请在值班台或通过较新的消息确认。',
  ackInvalidTitle: '未知链接',
  ackInvalidLine: '该链接无效。',
  fieldClass: '类别',
  fieldState: '状态',
  fieldBuilding: '建筑',
  fieldFloor: '楼层',
  fieldZone: '区域',
  fieldDevice: '设备',
  fieldOpened: '发生时间',
  fieldAcknowledged: '确认时间',
  fieldIncident: '事件',
  fieldFloors: '涉及楼层',
  fieldAlerts: '警情数',
  fieldAcknowledgedBy: '确认人',
  httpErrors: {
    FGW_ERR_HTTP_VALIDATION: '请求未通过校验',
    FGW_ERR_HTTP_UNAUTHORIZED: '缺少或无效的访问令牌（Bearer）',
    FGW_ERR_HTTP_FORBIDDEN: '此令牌的角色无权执行此操作',
    FGW_ERR_HTTP_NOT_FOUND: '未找到',
    FGW_ERR_HTTP_TOO_LARGE: '请求体超过大小限制',
    FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE: '请求体不是 JSON',
    FGW_ERR_HTTP_INTERNAL: '内部错误；请提供请求编号',
    FGW_ERR_STORAGE_QUERY: '读数存储未响应历史查询',
    FGW_ERR_PUSH_CONTACT: '联系人不存在、未关联此令牌或没有推送渠道',
    FGW_ERR_PUSH_UNAVAILABLE: '本网关未配置 Web Push',
  },
  noRoute: (p) => `没有路由 ${p.method} ${p.path}`,
}
