/** Fastify's request log line without secrets in the URL (link tokens, token parameters). */
export const requestLogSerializers = {
  req: (req: { method?: string; url?: string; hostname?: string; ip?: string }) => ({
    method: req.method,
    url: req.url === undefined ? undefined : redactedUrl(req.url),
    host: req.hostname,
    remoteAddress: req.ip,
  }),
}

/** Path segments after which a one-tap link token follows: `/a/`, `/ack/` of earlier versions, `/patrol/`. */
const LINK_SEGMENTS: ReadonlySet<string> = new Set(['a', 'ack', 'patrol'])
const SECRET_PARAMETER = /token|secret|passw|key|auth|sig/
/** Enough for `%2561` (an encoded `%61`) and one more round; each round only shortens the text. */
const DECODE_ROUNDS = 3

/**
 * Keeps one-tap link tokens and token-like query parameters out of request logs. The URL is
 * judged the way a router could read it, not as it was sent: percent-decoded (repeatedly, `%2F`
 * included), case-insensitive, with empty, `.` and `..` segments and backslashes not hiding
 * anything, nor do `;parameters`. Once any segment reads `a`, `ack` or `patrol`, everything after it is replaced, so
 * `/%61/<token>`, `/A/<token>`, `//a/<token>` and `/a%2F<token>` are all logged as `/a/[redacted]`.
 * A parameter is redacted when its decoded name looks like a credential.
 */
export function redactedUrl(url: string): string {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  return q < 0 ? redactedPath(path) : `${redactedPath(path)}?${redactedQuery(url.slice(q + 1))}`
}

function redactedPath(path: string): string {
  const segments = decoded(path)
    .split(/[/\\]/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
  // `a;v=1` and `a#x` read as `a` to routers that cut parameters or fragments off a segment.
  const link = segments.findIndex((s) => LINK_SEGMENTS.has(s.split(/[;#]/)[0]!.toLowerCase()))
  if (link < 0 || link === segments.length - 1) return path
  return `/${segments.slice(0, link + 1).join('/')}/[redacted]`
}

function redactedQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      const name = eq < 0 ? pair : pair.slice(0, eq)
      const secret = SECRET_PARAMETER.test(decoded(name.replaceAll('+', ' ')).toLowerCase())
      return secret && eq >= 0 ? `${name}=[redacted]` : pair
    })
    .join('&')
}

/**
 * Percent-decoding that never throws: each `%XX` becomes the character of that byte. Enough to
 * see ASCII segment and parameter names however they were encoded; never used for anything else.
 */
function decoded(text: string): string {
  let current = text
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    const next = current.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    )
    if (next === current) break
    current = next
  }
  return current
}
