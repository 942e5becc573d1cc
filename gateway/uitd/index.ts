// The GB/T 26875.3 receiver for a building's user information transmission device (UITD,
// 用户信息传输装置): listener, sessions, metrics. The protocol is ingest/gbt26875; docs/gbt26875.md.
export { UitdEnv, UitdSettings, type UitdSettingsInput, uitdSettingsFromEnv } from './uitd-config.ts'
export { createUitdListener, type UitdListener, type UitdListenerOptions } from './uitd-listener.ts'
export { registerUitdMetrics, UitdMetrics } from './uitd-metrics.ts'
export type { PatrolStart } from './uitd-patrol.ts'
export type { AllowUitd } from './uitd-session.ts'
export type * from './uitd-types.ts'
