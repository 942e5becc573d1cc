import { systemClock } from '../../clock.ts'
import { tokenStore } from './api.ts'
import { retryDelayMs } from './backoff.ts'
import { timed } from './timing.ts'

export interface StreamEvent {
  event: string
  id: number | null
  data: unknown
}

/** Live, or down since `since` (epoch ms, the first failure) with the next attempt at `retryAt`. */
export type ConnectionState =
  | { state: 'live' }
  | { state: 'down'; since: number; retryAt: number | null; attempt: number }

export interface LiveHandlers {
  event(e: StreamEvent): void
  connection(state: ConnectionState): void
  unauthorized(): void
}

export interface LiveConnection {
  stop(): void
  /** Skips the rest of the back-off wait (the "Retry now" button). */
  retryNow(): void
}

/**
 * The gateway writes a comment every 15 s (gateway/http/live-routes.ts): a stream silent for much
 * longer is dead even if no socket error says so (a wall behind a dropped NAT entry or Wi-Fi).
 */
const STALL_MS = 40_000

/**
 * Reads /api/v1/live with fetch() rather than EventSource, which cannot send the Authorization
 * header; a dropped stream is reopened with Last-Event-ID so that no alert transition is missed,
 * after a growing wait (back-off, so that a hundred walls do not hammer a gateway that restarts).
 */
export function connectLive(handlers: LiveHandlers): LiveConnection {
  const stopped = new AbortController()
  let lastEventId: number | null = null
  let wake: (() => void) | null = null
  const run = async (): Promise<void> => {
    let since: number | null = null
    let attempt = 0
    while (!stopped.signal.aborted) {
      const outcome = await readOnce(lastEventId, stopped.signal, {
        opened: () => {
          since = null
          attempt = 0
          handlers.connection({ state: 'live' })
        },
        event: (e) => {
          if (e.id !== null) lastEventId = e.id
          handlers.event(e)
        },
      })
      if (outcome === 'unauthorized') return handlers.unauthorized()
      if (stopped.signal.aborted) return
      since ??= systemClock.now()
      attempt++
      const delay = retryDelayMs(attempt)
      handlers.connection({ state: 'down', since, retryAt: systemClock.now() + delay, attempt })
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = null
      if (!stopped.signal.aborted) handlers.connection({ state: 'down', since, retryAt: null, attempt })
    }
  }
  void run()
  return { stop: () => stopped.abort(), retryNow: () => wake?.() }
}

interface AttemptHandlers {
  opened(): void
  event(e: StreamEvent): void
}

/** One connection: until it drops, stalls or is refused. */
async function readOnce(
  lastEventId: number | null,
  stopped: AbortSignal,
  on: AttemptHandlers,
): Promise<'dropped' | 'unauthorized'> {
  const attempt = new AbortController()
  const abort = (): void => attempt.abort()
  stopped.addEventListener('abort', abort)
  let stall = setTimeout(abort, STALL_MS)
  const alive = (): void => {
    clearTimeout(stall)
    stall = setTimeout(abort, STALL_MS)
  }
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${tokenStore.get() ?? ''}` }
    if (lastEventId !== null) headers['last-event-id'] = String(lastEventId)
    const res = await fetch('/api/v1/live', { headers, signal: attempt.signal, cache: 'no-store' })
    if (res.status === 401) return 'unauthorized'
    if (!res.ok || !res.body) return 'dropped'
    on.opened()
    await readEvents(res.body, alive, on.event)
  } catch {
    // Dropped, refused or stalled: the caller waits and reconnects, the wall says it is not live.
  } finally {
    clearTimeout(stall)
    stopped.removeEventListener('abort', abort)
  }
  return 'dropped'
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  alive: () => void,
  onEvent: (e: StreamEvent) => void,
): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    alive()
    buffer += decoder.decode(value, { stream: true })
    let cut = buffer.indexOf('\n\n')
    while (cut >= 0) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      timed('wall:event', () => {
        const parsed = parseBlock(block)
        if (parsed) onEvent(parsed)
      })
      cut = buffer.indexOf('\n\n')
    }
  }
}

/** One SSE block: `id:`, `event:` and `data:` lines; comments and `retry:` carry nothing for us. */
function parseBlock(block: string): StreamEvent | null {
  let event = 'message'
  let id: number | null = null
  const data: string[] = []
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const field = line.slice(0, colon)
    const value = line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') event = value
    else if (field === 'id') id = Number(value)
    else if (field === 'data') data.push(value)
  }
  return data.length === 0 ? null : { event, id, data: JSON.parse(data.join('\n')) }
}
