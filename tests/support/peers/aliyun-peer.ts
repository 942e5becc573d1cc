// A local stand-in for Aliyun SMS (dysmsapi, SendSms 2017-05-25). It verifies the ACS3-HMAC-SHA256
// signature the way Aliyun's gateway does - rebuilt from the request as received, with its own
// code written from the V3 documentation - and answers with Aliyun's business codes.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { type PeerRequest, sendJson, startHttpPeer } from './http-peer.ts'

export interface AliyunPeerOptions {
  accessKeyId: string
  accessKeySecret: string
  signName: string
  /** The templates the account has had approved. */
  templateCodes: readonly string[]
  /** The peer's clock (epoch ms): x-acs-date must be within 15 minutes of it. */
  now: () => number
}

/** A scripted answer: a business code with HTTP 200 by default, or an HTTP failure. */
export interface AliyunStep {
  code: string
  httpStatus?: number
  message?: string
}

export interface AliyunSms {
  phoneNumbers: string
  signName: string
  templateCode: string
  templateParam: Record<string, string>
  outId: string | undefined
  bizId: string
}

export interface AliyunPeer {
  endpoint: string
  /** Every request with the Code it was answered with. */
  requests: Array<{ code: string; status: number }>
  accepted: AliyunSms[]
  script(...steps: AliyunStep[]): void
  close(): Promise<void>
}

const SKEW_MS = 15 * 60_000
const MUST_SIGN = [
  'host',
  'x-acs-action',
  'x-acs-content-sha256',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-version',
]
const AUTHORIZATION = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/

/** RFC 3986 encoding of one name or value: unreserved characters stay, everything else is %XX. */
function encode3986(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

export interface ServerSignatureInput {
  method: string
  path: string
  /** The query string as received, without "?". */
  rawQuery: string
  headers: Record<string, string | string[] | undefined>
  signedHeaders: string[]
  payloadHash: string
  secret: string
}

/** The signature Aliyun computes for a request it received. */
export function aliyunServerSignature(input: ServerSignatureInput): string {
  const pairs = input.rawQuery === '' ? [] : input.rawQuery.split('&')
  const query = pairs
    .map((pair) => {
      const at = pair.indexOf('=')
      const [name, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)]
      const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '))
      return `${encode3986(decode(name))}=${encode3986(decode(value))}`
    })
    .sort()
    .join('&')
  const headerLines = input.signedHeaders.map(
    (name) => `${name}:${String(input.headers[name] ?? '').trim()}\n`,
  )
  const canonical = [
    input.method,
    input.path,
    query,
    headerLines.join(''),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n')
  const hashed = createHash('sha256').update(canonical, 'utf8').digest('hex')
  return createHmac('sha256', input.secret).update(`ACS3-HMAC-SHA256\n${hashed}`).digest('hex')
}

interface AliyunState {
  steps: AliyunStep[]
  requests: AliyunPeer['requests']
  accepted: AliyunSms[]
  nonces: Set<string>
}

export async function startAliyunPeer(options: AliyunPeerOptions): Promise<AliyunPeer> {
  const state: AliyunState = { steps: [], requests: [], accepted: [], nonces: new Set() }
  const peer = await startHttpPeer(aliyunHandler(options, state))
  const { requests, accepted } = state
  return {
    endpoint: peer.origin,
    requests,
    accepted,
    script: (...more) => state.steps.push(...more),
    close: peer.close,
  }
}

function aliyunHandler(options: AliyunPeerOptions, state: AliyunState) {
  return (req: PeerRequest, res: ServerResponse) => {
    const answer = (status: number, code: string, message: string, extra: Record<string, string> = {}) => {
      state.requests.push({ code, status })
      const RequestId = randomBytes(8).toString('hex')
      sendJson(res, status, { Code: code, Message: message, RequestId, ...extra })
    }
    const refusal = checkSignature(req, options, state.nonces)
    if (refusal) return answer(refusal.status, refusal.code, refusal.message)
    const query = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1))
    const business = checkSendSms(query, options)
    if (business) return answer(200, business, `SendSms check failed: ${business}`)
    const step = state.steps.shift()
    if (step) return answer(step.httpStatus ?? 200, step.code, step.message ?? step.code)
    const bizId = `${randomBytes(6).readUIntBE(0, 6)}^0`
    state.accepted.push({
      phoneNumbers: query.get('PhoneNumbers')!,
      signName: query.get('SignName')!,
      templateCode: query.get('TemplateCode')!,
      templateParam: JSON.parse(query.get('TemplateParam') ?? '{}'),
      outId: query.get('OutId') ?? undefined,
      bizId,
    })
    answer(200, 'OK', 'OK', { BizId: bizId })
  }
}

type Refusal = { status: number; code: string; message: string }
const refuse = (status: number, code: string, message: string): Refusal => ({ status, code, message })

/** What Aliyun checks before the signature itself: key, signed headers, body hash, date, nonce. */
function checkHeaders(req: PeerRequest, options: AliyunPeerOptions, nonces: Set<string>) {
  const match = AUTHORIZATION.exec(String(req.headers.authorization ?? ''))
  if (!match)
    return refuse(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
  const [, keyId, signedList, signature] = match as unknown as [string, string, string, string]
  if (keyId !== options.accessKeyId)
    return refuse(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
  const signed = signedList.split(';')
  const acsHeaders = Object.keys(req.headers).filter((h) => h.startsWith('x-acs-'))
  const unsigned = [...MUST_SIGN, ...acsHeaders].filter((h) => !signed.includes(h))
  if (unsigned.length > 0)
    return refuse(400, 'IncompleteSignature', `headers not signed: ${unsigned.join(',')}`)
  const bodyHash = createHash('sha256').update(req.body).digest('hex')
  if (req.headers['x-acs-content-sha256'] !== bodyHash)
    return refuse(400, 'InvalidParameter.ContentSha256', 'body hash')
  const dateText = String(req.headers['x-acs-date'])
  const date = Date.parse(dateText)
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(dateText) || Number.isNaN(date)) {
    return refuse(400, 'InvalidTimeStamp.Format', 'x-acs-date is not yyyy-MM-ddTHH:mm:ssZ')
  }
  if (Math.abs(date - options.now()) > SKEW_MS)
    return refuse(400, 'InvalidTimeStamp.Expired', 'time stamp expired')
  const nonce = String(req.headers['x-acs-signature-nonce'])
  if (nonces.has(nonce))
    return refuse(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
  nonces.add(nonce)
  return { signed, signature, bodyHash }
}

function checkSignature(req: PeerRequest, options: AliyunPeerOptions, nonces: Set<string>): Refusal | null {
  const checked = checkHeaders(req, options, nonces)
  if ('status' in checked) return checked
  const at = req.url.indexOf('?')
  const expected = aliyunServerSignature({
    method: req.method,
    path: at < 0 ? req.url : req.url.slice(0, at),
    rawQuery: at < 0 ? '' : req.url.slice(at + 1),
    headers: req.headers,
    signedHeaders: checked.signed,
    payloadHash: checked.bodyHash,
    secret: options.accessKeySecret,
  })
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(checked.signature))) {
    return refuse(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.')
  }
  if (req.headers['x-acs-action'] !== 'SendSms')
    return refuse(400, 'InvalidAction.NotFound', 'unknown action')
  if (req.headers['x-acs-version'] !== '2017-05-25') return refuse(400, 'InvalidVersion', 'unknown version')
  return null
}

/** Business checks of SendSms; a failure is HTTP 200 with an isv.* code, as Aliyun answers. */
function checkSendSms(query: URLSearchParams, options: AliyunPeerOptions): string | null {
  if (!/^(\+|00)?\d{8,15}$/.test(query.get('PhoneNumbers') ?? '')) return 'isv.MOBILE_NUMBER_ILLEGAL'
  if (query.get('SignName') !== options.signName) return 'isv.SMS_SIGNATURE_ILLEGAL'
  if (!options.templateCodes.includes(query.get('TemplateCode') ?? '')) return 'isv.SMS_TEMPLATE_ILLEGAL'
  try {
    const params: unknown = JSON.parse(query.get('TemplateParam') ?? '{}')
    if (typeof params !== 'object' || params === null) return 'isv.INVALID_JSON_PARAM'
  } catch {
    return 'isv.INVALID_JSON_PARAM'
  }
  return null
}
