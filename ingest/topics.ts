export const DEVICE_TOPIC_KINDS = ['telemetry', 'event', 'status', 'error'] as const
export type DeviceTopicKind = (typeof DEVICE_TOPIC_KINDS)[number]

export interface DeviceTopic {
  building: string
  device: string
  kind: DeviceTopicKind
}

const ID = /^[a-z0-9-]+$/

const parsedTopics = new Map<string, DeviceTopic | null>()

/** Parses `fw/{b}/{d}/{kind}`; null for anything else. Devices reuse a few topics: cached. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const hit = parsedTopics.get(topic)
  if (hit !== undefined) return hit
  const parsed = parseUncached(topic)
  // Bounded so that a client inventing topics cannot grow it without limit.
  if (parsedTopics.size >= 100_000) parsedTopics.clear()
  parsedTopics.set(topic, parsed)
  return parsed
}

function parseUncached(topic: string): DeviceTopic | null {
  const parts = topic.split('/')
  if (parts.length !== 4 || parts[0] !== 'fw') return null
  const [, building, device, kind] = parts as [string, string, string, string]
  if (!ID.test(building) || !ID.test(device)) return null
  if (!(DEVICE_TOPIC_KINDS as readonly string[]).includes(kind)) return null
  return { building, device, kind: kind as DeviceTopicKind }
}

export const deviceTopic = (building: string, device: string, kind: DeviceTopicKind): string =>
  `fw/${building}/${device}/${kind}`

export const alertsTopic = (building: string): string => `fw/${building}/alerts`
export const incidentsTopic = (building: string): string => `fw/${building}/incidents`

/** The building feeds the gateway publishes: alert transitions and incident transitions. */
const FEEDS: ReadonlySet<string> = new Set(['alerts', 'incidents'])

/**
 * Building of an `fw/{b}/alerts` or `fw/{b}/incidents` topic, `+` for the wildcard form, or null:
 * both feeds follow the same role rules.
 */
export function parseFeedTopic(topic: string): string | null {
  const parts = topic.split('/')
  if (parts.length !== 3 || parts[0] !== 'fw' || !FEEDS.has(parts[2]!)) return null
  const building = parts[1] as string
  return building === '+' || ID.test(building) ? building : null
}
