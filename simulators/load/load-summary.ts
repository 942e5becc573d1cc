import type { Spread } from './percentiles.ts'

/** The JSON line the load generator prints last (the bench parses it). */
export interface LoadSummary {
  url: string
  qos: 0 | 1
  devices: number
  connected: number
  connectFailed: number
  offered: number
  offeredRate: number
  sent: number
  acked: number | null
  errors: number
  unacked: number
  skipped: number
  /** Achieved send rate while publishing. */
  rate: number
  publishSeconds: number
  /** From the end of publishing until every reading was acknowledged (QoS 0: the barriers). */
  drainSeconds: number
  /** Readings the broker got through: sent / (publishing + drain). */
  processedRate: number
  /** QoS 0 only: one QoS 1 reading per connection after the last QoS 0 one, see drain(). */
  barriers: { sent: number; acked: number } | null
  /** PUBACK round trips; with QoS 0, those of the barriers, i.e. how far behind the broker was. */
  ackMs: Spread
  events: { sent: number; acked: number; errors: number }
  alerts: number
  alertsMatched: number
  alertsOther: number
  latencyMs: Spread
  /** [event ts (epoch ms), latency ms] per alert, so that a bench can take a window of the run. */
  alertSamples: [number, number][]
  /** This process's CPU: in all, and while publishing (to tell a saturated generator apart). */
  loadCpuMs: number
  loadCpuPublishingMs: number
  firstFailures: string[]
}
