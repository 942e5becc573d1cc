import type { AlertTransition } from '../alerting/alert.ts'
import { alertsTopic } from '../ingest/topics.ts'
import type { GatewayMetrics } from './metrics.ts'

/** Publishes every alert transition on fw/{b}/alerts (CONTRACT.md) and counts it. */
export function createAlertPublisher(
  publish: (topic: string, payload: Buffer) => void,
  metrics: GatewayMetrics,
  clock: { now(): number },
) {
  return (t: AlertTransition): void => {
    const payload = Buffer.from(JSON.stringify({ ...t.alert, transition: t.action, actor: t.actor }))
    publish(alertsTopic(t.alert.building), payload)
    metrics.alertTransitions.labels(t.alert.class, t.action).inc()
    if (t.causeReceivedAt !== null) metrics.publishToAlert.observe((clock.now() - t.causeReceivedAt) / 1000)
  }
}
