import { createHash, createHmac } from 'node:crypto'

// Alibaba Cloud API signature V3, ACS3-HMAC-SHA256
// (alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature).

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256'

export interface Acs3Request {
  method: string
  /** Path of the URL, "/" for RPC-style APIs such as SendSms. */
  path: string
  /** Query parameters, unencoded. */
  query: Record<string, string>
  /** Headers to sign (host, x-acs-*, content-type when present); names in any case. */
  headers: Record<string, string>
  /** Hex SHA-256 of the body, the same value as the x-acs-content-sha256 header. */
  payloadHash: string
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/** RFC 3986 percent-encoding as V3 wants it: space is %20, `*` is %2A, `~` stays as it is. */
export function acsPercentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Parameters sorted by encoded name, `name=value` joined with `&`. */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([name, value]) => [acsPercentEncode(name), acsPercentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

/** Lower-case names, sorted; the `;`-joined list is SignedHeaders. */
function signedHeaderEntries(headers: Record<string, string>): Array<[string, string]> {
  return Object.entries(headers)
    .map(([name, value]): [string, string] => [name.toLowerCase(), value.trim()])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The canonical request and the SignedHeaders list of a request. */
export function acs3CanonicalRequest(request: Acs3Request): { canonical: string; signedHeaders: string } {
  const entries = signedHeaderEntries(request.headers)
  const canonicalHeaders = entries.map(([name, value]) => `${name}:${value}\n`).join('')
  const signedHeaders = entries.map(([name]) => name).join(';')
  const canonical = [
    request.method.toUpperCase(),
    request.path,
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders,
    request.payloadHash,
  ].join('\n')
  return { canonical, signedHeaders }
}

/** The Authorization header value of a request signed with this access key. */
export function acs3Authorization(
  request: Acs3Request,
  accessKeyId: string,
  accessKeySecret: string,
): string {
  const { canonical, signedHeaders } = acs3CanonicalRequest(request)
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonical)}`
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex')
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`
}
