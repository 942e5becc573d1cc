// A local Web Push service (RFC 8030) over HTTPS with a self-signed certificate. It plays the
// browser's part too: subscribe() makes the P-256 key pair and auth secret a user agent would.
// Every push is checked like a real push service does - the VAPID JWT (RFC 8292: ES256 signed
// with the subscription's applicationServerKey, aud = our origin, exp in the future, sub) - and
// its aes128gcm payload (RFC 8291) is decrypted with the subscription's private key.
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  type ECDH,
  hkdfSync,
  randomBytes,
  randomUUID,
  verify,
} from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { type PeerRequest, startHttpPeer } from './http-peer.ts'
import { selfSignedCertificate } from './tls-cert.ts'

export interface PushDelivery {
  subscriptionId: string
  payload: string
  ttl: number
  urgency: string
  topic: string | null
  claims: { aud: string; exp: number; sub: string }
}

export interface PushStep {
  status: number
  retryAfter?: string
}

export interface PushServicePeer {
  origin: string
  /** PEM of the self-signed certificate, for a client agent's `ca`. */
  ca: string
  subscribe(applicationServerKey: string): { id: string; json: string }
  unsubscribe(id: string): void
  deliveries: PushDelivery[]
  /** Messages waiting for a sleeping device: one per Topic, the newest replacing older ones. */
  pending(id: string): PushDelivery[]
  /** Pushes refused by the checks, with the reason. */
  refusals: Array<{ status: number; reason: string }>
  script(...steps: PushStep[]): void
  close(): Promise<void>
}

interface Subscription {
  ecdh: ECDH
  auth: Buffer
  serverKey: string
  active: boolean
  pending: PushDelivery[]
}

class Refused extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason)
  }
}

interface PushState {
  subscriptions: Map<string, Subscription>
  deliveries: PushDelivery[]
  refusals: PushServicePeer['refusals']
  steps: PushStep[]
  origin: string
  now: () => number
}

export async function startPushServicePeer(now: () => number): Promise<PushServicePeer> {
  const tls = selfSignedCertificate()
  const state: PushState = {
    subscriptions: new Map(),
    deliveries: [],
    refusals: [],
    steps: [],
    origin: '',
    now,
  }
  const peer = await startHttpPeer(pushHandler(state), tls)
  state.origin = peer.origin
  return {
    origin: peer.origin,
    ca: tls.cert,
    subscribe: (serverKey) => subscribe(state, serverKey),
    unsubscribe(id) {
      const found = state.subscriptions.get(id)
      if (found) found.active = false
    },
    deliveries: state.deliveries,
    pending: (id) => state.subscriptions.get(id)?.pending ?? [],
    refusals: state.refusals,
    script: (...more) => state.steps.push(...more),
    close: peer.close,
  }
}

/** What a browser does on pushManager.subscribe(): a fresh P-256 key pair and auth secret. */
function subscribe(state: PushState, serverKey: string) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const id = randomUUID()
  const auth = randomBytes(16)
  state.subscriptions.set(id, { ecdh, auth, serverKey, active: true, pending: [] })
  const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }
  return { id, json: JSON.stringify({ endpoint: `${state.origin}/push/${id}`, expirationTime: null, keys }) }
}

function pushHandler(state: PushState) {
  return (req: PeerRequest, res: ServerResponse) => {
    try {
      const id = /^\/push\/([\w-]+)$/.exec(req.url)?.[1]
      const subscription = id === undefined ? undefined : state.subscriptions.get(id)
      if (req.method !== 'POST' || !id || !subscription) throw new Refused(404, 'no such subscription')
      if (!subscription.active) throw new Refused(410, 'subscription expired')
      const delivery = accept(req, id, subscription, state.origin, state.now())
      const step = state.steps.shift()
      if (step) {
        res.writeHead(step.status, step.retryAfter ? { 'retry-after': step.retryAfter } : {})
        return res.end(`scripted ${step.status}`)
      }
      state.deliveries.push(delivery)
      // Topic semantics (RFC 8030 §5.4): a newer message with the same topic replaces the pending one.
      subscription.pending = subscription.pending.filter(
        (p) => p.topic === null || p.topic !== delivery.topic,
      )
      subscription.pending.push(delivery)
      res.writeHead(201, { location: `${state.origin}/message/${randomUUID()}` })
      res.end()
    } catch (error) {
      const status = error instanceof Refused ? error.status : 400
      state.refusals.push({ status, reason: (error as Error).message })
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end((error as Error).message)
    }
  }
}

function accept(
  req: PeerRequest,
  id: string,
  sub: Subscription,
  origin: string,
  nowMs: number,
): PushDelivery {
  const claims = checkVapid(String(req.headers.authorization ?? ''), sub.serverKey, origin, nowMs)
  const ttl = Number(req.headers.ttl)
  if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0)
    throw new Refused(400, 'TTL header missing')
  const urgency = String(req.headers.urgency ?? 'normal')
  if (!['very-low', 'low', 'normal', 'high'].includes(urgency))
    throw new Refused(400, `bad Urgency ${urgency}`)
  const topic = req.headers.topic === undefined ? null : String(req.headers.topic)
  if (topic !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) throw new Refused(400, `bad Topic ${topic}`)
  if (req.headers['content-encoding'] !== 'aes128gcm') throw new Refused(415, 'expected aes128gcm')
  const payload = decryptAes128gcm(req.body, sub).toString('utf8')
  return { subscriptionId: id, payload, ttl, urgency, topic, claims }
}

/** RFC 8292 §3: `vapid t=<JWT>, k=<public key>`; the key must be the one the browser subscribed with. */
function checkVapid(header: string, serverKey: string, origin: string, nowMs: number) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header)
  if (!match) throw new Refused(401, 'missing vapid authorization')
  const [, jwt, key] = match as unknown as [string, string, string]
  if (key !== serverKey)
    throw new Refused(403, 'key differs from the applicationServerKey of the subscription')
  const [head, body, signature] = jwt.split('.') as [string, string, string]
  const header64 = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'))
  if (header64.alg !== 'ES256') throw new Refused(401, `JWT alg ${header64.alg}`)
  const point = Buffer.from(key, 'base64url')
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  })
  const signed = Buffer.from(`${head}.${body}`)
  const valid = verify(
    'sha256',
    signed,
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  )
  if (!valid) throw new Refused(401, 'JWT signature invalid')
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  const nowSec = Math.floor(nowMs / 1000)
  if (claims.aud !== origin) throw new Refused(401, `JWT aud ${claims.aud} is not ${origin}`)
  if (!(claims.exp > nowSec)) throw new Refused(401, 'JWT expired')
  if (claims.exp > nowSec + 86_400) throw new Refused(401, 'JWT exp more than 24 h ahead')
  if (!/^(mailto:|https:)/.test(String(claims.sub))) throw new Refused(401, `JWT sub ${claims.sub}`)
  return claims as PushDelivery['claims']
}

/** RFC 8291 §3.4 key derivation and RFC 8188 records, done here without the sender's library. */
function decryptAes128gcm(body: Buffer, sub: Subscription): Buffer {
  if (body.length < 21) throw new Refused(400, 'body too short for an aes128gcm header')
  const salt = body.subarray(0, 16)
  const recordSize = body.readUInt32BE(16)
  const idLength = body[20]!
  const senderKey = body.subarray(21, 21 + idLength)
  const records = body.subarray(21 + idLength)
  const secret = sub.ecdh.computeSecret(senderKey)
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), sub.ecdh.getPublicKey(), senderKey])
  const ikm = Buffer.from(hkdfSync('sha256', secret, sub.auth, info, 32))
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
  const parts: Buffer[] = []
  for (let at = 0, seq = 0; at < records.length; at += recordSize, seq++) {
    const record = records.subarray(at, at + recordSize)
    const iv = Buffer.from(nonce)
    // RFC 8188 §2.3: the nonce is XORed with the record sequence number (here below 2^32).
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8)
    const decipher = createDecipheriv('aes-128-gcm', cek, iv)
    decipher.setAuthTag(record.subarray(record.length - 16))
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
    // Strip the zero padding and the delimiter: 0x02 ends the last record, 0x01 the others.
    let end = plain.length - 1
    while (end >= 0 && plain[end] === 0) end--
    if (plain[end] !== 0x02 && plain[end] !== 0x01) throw new Refused(400, 'no padding delimiter')
    parts.push(plain.subarray(0, end))
  }
  return Buffer.concat(parts)
}
