import { tokenStore } from './api.ts'
import { timed } from './timing.ts'

export interface StreamEvent {
  event: string
  id: number | null
  data: unknown
}

export interface LiveHandlers {
  event(e: StreamEvent): void
  connection(state: 'live' | 'down'): void
  unauthorized(): void
}

const RETRY_MS = 1000

/**
 * Reads /api/v1/live with fetch() rather than EventSource, which cannot send the Authorization
 * header; a dropped stream is reopened with Last-Event-ID so that no alert transition is missed.
 */
export function connectLive(handlers: LiveHandlers): () => void {
  const abort = new AbortController()
  let lastEventId: number | null = null
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${tokenStore.get() ?? ''}` }
        if (lastEventId !== null) headers['last-event-id'] = String(lastEventId)
        const res = await fetch('/api/v1/live', { headers, signal: abort.signal, cache: 'no-store' })
        if (res.status === 401) return handlers.unauthorized()
        if (!res.ok || !res.body) throw new Error(`live stream: HTTP ${res.status}`)
        handlers.connection('live')
        await readEvents(res.body, (e) => {
          if (e.id !== null) lastEventId = e.id
          handlers.event(e)
        })
      } catch {
        // Dropped or refused: reconnect below, the wall shows it is not live meanwhile.
      }
      if (abort.signal.aborted) return
      handlers.connection('down')
      await new Promise((r) => setTimeout(r, RETRY_MS))
    }
  }
  void run()
  return () => abort.abort()
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (e: StreamEvent) => void,
): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
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
