// A webhook receiver as an integrator would write one: it checks X-Firewatch-Signature with its
// own HMAC code (hex HMAC-SHA256 of `${timestamp}.${body}`), refuses stale timestamps, counts
// deliveries per idempotency key, and can be told to fail, throttle or hang.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { type PeerRequest, startHttpPeer } from './http-peer.ts'

export interface WebhookStep {
  status?: number
  retryAfter?: string
  /** Answer only after this long (a hung receiver); bounded by the test's close(). */
  delayMs?: number
}

export interface WebhookDelivery {
  idempotencyKey: string
  body: {
    alert: Record<string, unknown>
    /** The incident the message is about, beside its lead alert. */
    incident?: Record<string, unknown>
    text: string
    ackUrl: string
    idempotencyKey: string
  }
  timestamp: number
}

export interface WebhookReceiver {
  url: string
  /** Signed requests answered 2xx. */
  deliveries: WebhookDelivery[]
  /** Signed requests seen for a key, whatever the answer. */
  received(key: string): number
  /** Requests refused for their signature or timestamp, with the reason. */
  rejected: string[]
  script(...steps: WebhookStep[]): void
  close(): Promise<void>
}

export interface WebhookReceiverOptions {
  secret: string
  /** The receiver's clock, epoch ms. */
  now: () => number
  toleranceSec?: number
  /** Sent back as X-Request-Id when set. */
  requestId?: string
}

interface ReceiverState {
  deliveries: WebhookDelivery[]
  counts: Map<string, number>
  rejected: string[]
  steps: WebhookStep[]
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const state: ReceiverState = { deliveries: [], counts: new Map(), rejected: [], steps: [] }
  const peer = await startHttpPeer(receiverHandler(options, state))
  return {
    url: `${peer.origin}/hooks/firewatch`,
    deliveries: state.deliveries,
    received: (key) => state.counts.get(key) ?? 0,
    rejected: state.rejected,
    script: (...more) => state.steps.push(...more),
    close: peer.close,
  }
}

function receiverHandler(options: WebhookReceiverOptions, state: ReceiverState) {
  return async (req: PeerRequest, res: ServerResponse) => {
    const refusal = checkRequest(req, options)
    if (refusal) {
      state.rejected.push(refusal)
      res.writeHead(401, { 'content-type': 'text/plain' })
      return res.end(refusal)
    }
    const body = JSON.parse(req.body.toString('utf8')) as WebhookDelivery['body']
    const key = body.idempotencyKey
    state.counts.set(key, (state.counts.get(key) ?? 0) + 1)
    const step = state.steps.shift()
    if (step?.delayMs && !(await answeredAfter(res, step.delayMs))) return
    const status = step?.status ?? 200
    if (status >= 200 && status < 300) {
      state.deliveries.push({
        idempotencyKey: key,
        body,
        timestamp: Number(req.headers['x-firewatch-timestamp']),
      })
    }
    const headers: Record<string, string> = { 'content-type': 'text/plain' }
    if (step?.retryAfter) headers['retry-after'] = step.retryAfter
    if (options.requestId) headers['x-request-id'] = options.requestId
    res.writeHead(status, headers)
    res.end(status < 300 ? 'ok' : 'scripted failure')
  }
}

/** Waits like a hung receiver; false when the client gave up (or the peer closed) meanwhile. */
function answeredAfter(res: ServerResponse, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(!res.destroyed), delayMs)
    res.on('close', () => {
      clearTimeout(timer)
      resolve(false)
    })
  })
}

function checkRequest(req: PeerRequest, options: WebhookReceiverOptions): string | null {
  if (req.method !== 'POST') return `method ${req.method}`
  if (req.headers['content-type'] !== 'application/json') return `content-type ${req.headers['content-type']}`
  const timestamp = String(req.headers['x-firewatch-timestamp'] ?? '')
  const signature = String(req.headers['x-firewatch-signature'] ?? '')
  if (!/^\d+$/.test(timestamp)) return 'no timestamp'
  const age = Math.abs(Math.floor(options.now() / 1000) - Number(timestamp))
  if (age > (options.toleranceSec ?? 300)) return `timestamp ${age} s away`
  const mac = createHmac('sha256', options.secret)
  mac.update(`${timestamp}.`)
  mac.update(req.body)
  const expected = Buffer.from(mac.digest('hex'))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad signature'
  return null
}
