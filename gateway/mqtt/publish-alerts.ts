import type { TransitionObserver } from '../../alerting/alarm-path.ts'
import { alertsTopic, incidentsTopic } from '../../ingest/topics.ts'
import type { GatewayMetrics } from '../metrics.ts'

/**
 * Publishes every alert transition on fw/{b}/alerts and every incident transition on
 * fw/{b}/incidents (docs/protocol.md), each as the API's JSON plus `transition` and `actor`, and
 * counts them.
 */
export function createFeedPublisher(
  publish: (topic: string, payload: Buffer) => void,
  metrics: GatewayMetrics,
  clock: { now(): number },
): TransitionObserver {
  return {
    afterTransition(t) {
      const payload = Buffer.from(JSON.stringify({ ...t.alert, transition: t.action, actor: t.actor }))
      publish(alertsTopic(t.alert.building), payload)
      metrics.alertTransitions.labels(t.alert.class, t.action).inc()
      if (t.causeReceivedAt !== null) metrics.publishToAlert.observe((clock.now() - t.causeReceivedAt) / 1000)
    },
    afterIncident(t) {
      const payload = Buffer.from(JSON.stringify({ ...t.incident, transition: t.action, actor: t.actor }))
      publish(incidentsTopic(t.incident.building), payload)
      metrics.incidentTransitions.labels(t.incident.class, t.action).inc()
    },
  }
}
