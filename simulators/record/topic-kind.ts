/** What a topic carries, for counting: a device topic kind (docs/protocol.md), `alerts`, or `other`. */
export type TopicKind = 'telemetry' | 'event' | 'status' | 'error' | 'alerts' | 'other'

export const TOPIC_KINDS: readonly TopicKind[] = ['telemetry', 'event', 'status', 'error', 'alerts', 'other']

export function topicKind(topic: string): TopicKind {
  const parts = topic.split('/')
  if (parts[0] !== 'fw') return 'other'
  if (parts.length === 3 && parts[2] === 'alerts') return 'alerts'
  if (parts.length !== 4) return 'other'
  const kind = parts[3]
  return kind === 'telemetry' || kind === 'event' || kind === 'status' || kind === 'error' ? kind : 'other'
}

/** Counts by kind, every kind present (zero when unseen) so that tables line up run after run. */
export function emptyKindCounts(): Record<TopicKind, number> {
  return { telemetry: 0, event: 0, status: 0, error: 0, alerts: 0, other: 0 }
}
