import { isIP } from 'node:net'

/**
 * The push services of the browsers people use, as their subscriptions name them: Chrome, Edge
 * on Android, Opera and Samsung Internet (Firebase Cloud Messaging), Firefox (Mozilla autopush),
 * Edge on Windows (WNS, one host per region), Safari (Apple Web Push).
 */
export const DEFAULT_PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.notify.windows.com',
  'web.push.apple.com',
] as const

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`)

/** `host.name`, `*.host.name` (any host under it) or an IP address (e.g. a test's local peer). */
export function isPushServiceHostEntry(entry: string): boolean {
  const name = entry.startsWith('*.') ? entry.slice(2) : entry
  if (name !== entry) return HOST_NAME.test(name) && name.includes('.')
  return HOST_NAME.test(entry) || isIP(unbracketed(entry)) !== 0
}

/**
 * Which hosts a push endpoint may name (PUSH_SERVICE_HOSTS). The gateway POSTs every push to the
 * endpoint a browser handed over, so an endpoint anywhere else would let whoever registers one
 * make the gateway send requests into its own network (loopback, the site's LAN, a cloud
 * metadata address). Checked when a subscription is registered and again before each send, for
 * subscriptions stored before the list changed.
 */
export class PushServiceHosts {
  private readonly exact: ReadonlySet<string>
  private readonly suffixes: readonly string[]

  constructor(entries: readonly string[]) {
    const exact = new Set<string>()
    const suffixes: string[] = []
    for (const raw of entries) {
      const entry = raw.toLowerCase()
      if (entry.startsWith('*.')) suffixes.push(entry.slice(1))
      else exact.add(canonicalHost(entry))
    }
    this.exact = exact
    this.suffixes = suffixes
  }

  /** Null when the endpoint is an https URL on an allowed host; otherwise why not, for people. */
  refusal(endpoint: string): string | null {
    let url: URL
    try {
      url = new URL(endpoint)
    } catch {
      return 'push endpoint is not a URL'
    }
    if (url.protocol !== 'https:') return 'push endpoint must be https'
    const host = canonicalHost(url.hostname)
    if (this.exact.has(host)) return null
    // An IP address is allowed only when listed as one: no suffix ever matches an address.
    if (isIP(host) === 0 && this.suffixes.some((suffix) => host.endsWith(suffix))) return null
    return `push service host ${host} is not in PUSH_SERVICE_HOSTS`
  }
}

/** Lower case, no brackets around IPv6, no trailing dot (`fcm.googleapis.com.` is the same host). */
function canonicalHost(host: string): string {
  const bare = unbracketed(host.toLowerCase()).replace(/\.$/, '')
  if (isIP(bare) !== 6) return bare
  // The WHATWG URL parser's own spelling, so that `::1` listed matches `https://[0:0::1]/`.
  return unbracketed(new URL(`https://[${bare}]/`).hostname)
}

function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}
